"""Service actions: charger commands (by device) and id tag management (by config entry)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import voluptuous as vol

from .const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    CONF_ID_TAG,
    CONF_ID_TAGS,
    DOMAIN,
    MAX_CURRENT,
    MIN_CURRENT,
    TRANSPORT_OCPP,
)
from .coordinator import ChargerCoordinator
from .runtime import ChargeShareConfigEntry, transport

ATTR_CURRENT = "current"
ATTR_KEY = "key"
ATTR_KEYS = "keys"
ATTR_VALUE = "value"
ATTR_MESSAGE = "message"
ATTR_NAME = "name"
TRIGGERABLE_MESSAGES = (
    "BootNotification",
    "DiagnosticsStatusNotification",
    "FirmwareStatusNotification",
    "Heartbeat",
    "MeterValues",
    "StatusNotification",
)
# OCPP 1.6 string limits: idTag CiString20, configuration key CiString50, value CiString500.
_ID_TAG = vol.All(cv.string, vol.Strip, vol.Length(min=1, max=20))
_KEY = vol.All(cv.string, vol.Strip, vol.Length(min=1, max=50))

_DEVICE = {vol.Required(ATTR_DEVICE_ID): cv.string}
_ENTRY = {vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string}
SCHEMAS = {
    "set_current_limit": vol.Schema(
        {**_DEVICE, vol.Required(ATTR_CURRENT): vol.All(vol.Coerce(float), vol.Range(min=0, max=MAX_CURRENT))}
    ),
    "start_session": vol.Schema({**_DEVICE, vol.Optional(CONF_ID_TAG): _ID_TAG}),
    "stop_session": vol.Schema(_DEVICE),
    "get_configuration": vol.Schema({**_DEVICE, vol.Optional(ATTR_KEYS): vol.All(cv.ensure_list, [_KEY])}),
    "change_configuration": vol.Schema(
        {**_DEVICE, vol.Required(ATTR_KEY): _KEY, vol.Required(ATTR_VALUE): vol.All(cv.string, vol.Length(max=500))}
    ),
    "trigger_message": vol.Schema({**_DEVICE, vol.Required(ATTR_MESSAGE): vol.In(TRIGGERABLE_MESSAGES)}),
    "add_id_tag": vol.Schema(
        {**_ENTRY, vol.Required(CONF_ID_TAG): _ID_TAG, vol.Optional(ATTR_NAME, default=""): cv.string}
    ),
    "remove_id_tag": vol.Schema({**_ENTRY, vol.Required(CONF_ID_TAG): _ID_TAG}),
    "list_id_tags": vol.Schema(_ENTRY),
}


def _invalid(key: str, message: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        message, translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
    )


def _loaded_entry(hass: HomeAssistant, entry_id: str) -> ChargeShareConfigEntry:
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise _invalid("unknown_config_entry", f"{entry_id} is not a ChargeShare config entry", entry_id=entry_id)
    if entry.state is not ConfigEntryState.LOADED:
        raise _invalid("config_entry_not_loaded", f"{entry.title} is not loaded", entry=entry.title)
    return entry


def _central_system(hass: HomeAssistant, entry_id: str) -> ChargeShareConfigEntry:
    """A loaded OCPP entry: id tags are what its chargers authorize, a Modbus charger has none."""
    entry = _loaded_entry(hass, entry_id)
    if transport(entry) != TRANSPORT_OCPP:
        raise _invalid("not_a_central_system", f"{entry.title} is not an OCPP central system", entry=entry.title)
    return entry


def _coordinator(hass: HomeAssistant, device_id: str) -> ChargerCoordinator:
    device = dr.async_get(hass).async_get(device_id)
    if device is not None:
        for entry_id in device.config_entries:
            entry = hass.config_entries.async_get_entry(entry_id)
            if entry is None or entry.domain != DOMAIN:
                continue
            # The hub link's entry (the hub's device) has no chargers.
            for coordinator in getattr(_loaded_entry(hass, entry_id).runtime_data, "coordinators", {}).values():
                if coordinator.device_identifier in device.identifiers:
                    return coordinator
    raise _invalid("unknown_charger", f"{device_id} is not a ChargeShare charger", device_id=device_id)


async def _set_current_limit(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(hass, call.data[ATTR_DEVICE_ID])
    current, maximum = call.data[ATTR_CURRENT], coordinator.data.max_current_a
    if current != 0 and not MIN_CURRENT <= current <= maximum:
        raise _invalid(
            "current_out_of_range",
            f"{current} A is outside 0 or {MIN_CURRENT}-{maximum} A",
            current=str(current),
            minimum=str(MIN_CURRENT),
            maximum=str(maximum),
        )
    await coordinator.async_command(lambda: coordinator.charger.async_set_current(current))
    return None


async def _start_session(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(hass, call.data[ATTR_DEVICE_ID])
    await coordinator.async_command(lambda: coordinator.ocpp.async_start_session(call.data.get(CONF_ID_TAG)))
    return None


async def _stop_session(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(hass, call.data[ATTR_DEVICE_ID])
    await coordinator.async_command(lambda: coordinator.ocpp.async_stop_session())  # noqa: PLW0108 - .ocpp can raise
    return None


async def _get_configuration(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(hass, call.data[ATTR_DEVICE_ID])
    return await coordinator.async_command(lambda: coordinator.ocpp.async_get_configuration(call.data.get(ATTR_KEYS)))


async def _change_configuration(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(hass, call.data[ATTR_DEVICE_ID])
    status = await coordinator.async_command(
        lambda: coordinator.ocpp.async_change_configuration(call.data[ATTR_KEY], call.data[ATTR_VALUE])
    )
    return {"status": status}


async def _trigger_message(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    coordinator = _coordinator(hass, call.data[ATTR_DEVICE_ID])
    status = await coordinator.async_command(lambda: coordinator.ocpp.async_trigger_message(call.data[ATTR_MESSAGE]))
    return {"status": status}


def _set_id_tags(hass: HomeAssistant, entry: ChargeShareConfigEntry, tags: dict[str, str]) -> None:
    hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_ID_TAGS: tags})


async def _add_id_tag(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    entry = _central_system(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    tags = {
        t: n
        for t, n in entry.options.get(CONF_ID_TAGS, {}).items()
        if t.casefold() != call.data[CONF_ID_TAG].casefold()
    }
    _set_id_tags(hass, entry, {**tags, call.data[CONF_ID_TAG]: call.data[ATTR_NAME]})
    return None


async def _remove_id_tag(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    entry = _central_system(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    tags = dict(entry.options.get(CONF_ID_TAGS, {}))
    match = next((t for t in tags if t.casefold() == call.data[CONF_ID_TAG].casefold()), None)
    if match is None:
        raise _invalid("unknown_id_tag", f"{call.data[CONF_ID_TAG]} is not in the list", id_tag=call.data[CONF_ID_TAG])
    del tags[match]
    _set_id_tags(hass, entry, tags)
    return None


async def _list_id_tags(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    entry = _central_system(hass, call.data[ATTR_CONFIG_ENTRY_ID])
    return {"id_tags": [{"id_tag": t, "name": n} for t, n in entry.options.get(CONF_ID_TAGS, {}).items()]}


_HANDLERS: dict[str, tuple[Callable[[HomeAssistant, ServiceCall], Awaitable[ServiceResponse]], SupportsResponse]] = {
    "set_current_limit": (_set_current_limit, SupportsResponse.NONE),
    "start_session": (_start_session, SupportsResponse.NONE),
    "stop_session": (_stop_session, SupportsResponse.NONE),
    "get_configuration": (_get_configuration, SupportsResponse.ONLY),
    "change_configuration": (_change_configuration, SupportsResponse.OPTIONAL),
    "trigger_message": (_trigger_message, SupportsResponse.OPTIONAL),
    "add_id_tag": (_add_id_tag, SupportsResponse.NONE),
    "remove_id_tag": (_remove_id_tag, SupportsResponse.NONE),
    "list_id_tags": (_list_id_tags, SupportsResponse.ONLY),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    for name, (handler, supports_response) in _HANDLERS.items():

        async def _call(call: ServiceCall, handler: Any = handler) -> ServiceResponse:
            return await handler(hass, call)

        hass.services.async_register(DOMAIN, name, _call, schema=SCHEMAS[name], supports_response=supports_response)
