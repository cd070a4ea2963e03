"""An OCPP config entry: its central system, its chargers, and live changes to them.

Changing a charger's settings, adding or removing one, or editing the id tags applies at once, without a
reload: a reload would drop every charger's connection, and some chargers take many minutes to redial.
Only the server's own settings (port, TLS) restart it.
"""

from __future__ import annotations

from collections.abc import Mapping
import ssl
from typing import Any

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY, ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr, discovery_flow
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .const import (
    CONF_ALLOW_UNKNOWN_CHARGERS,
    CONF_CHARGE_POINT_ID,
    CONF_CHARGERS,
    CONF_ID_TAGS,
    CONF_MAX_CURRENT,
    CONF_PHASES,
    CONF_SKIP_SCHEMA_VALIDATION,
    CONF_SSL_CERTFILE,
    CONF_SSL_KEYFILE,
    DEFAULT_MAX_CURRENT,
    DOMAIN,
)
from .control_entry import ChargerControl
from .coordinator import ChargerCoordinator
from .hub_link.bookings_charger import booked_tags
from .ocpp.authorization import IdTagAuthorizer
from .ocpp.charger import REMOTE_START_TAG, OcppCharger, OcppChargerSettings
from .ocpp.protocol16 import BootInfo
from .ocpp.server import OcppServer, UnknownChargerHandler, server_ssl_context
from .runtime import ChargeShareConfigEntry, ChargeShareRuntime, signal_charger_added
from .storage import stored_data_error

# Chargers write every charging profile to flash: limits change at most this often (the newest wins).
PROFILE_WRITE_INTERVAL_S = 10.0


async def async_setup_ocpp(hass: HomeAssistant, entry: ConfigEntry, runtime: ChargeShareRuntime) -> None:
    """Create the entry's chargers and start its central system."""
    server = OcppServer(entry.data[CONF_HOST], entry.data[CONF_PORT], ssl_context=await _async_ssl_context(hass, entry))
    runtime.server = server
    if entry.data.get(CONF_ALLOW_UNKNOWN_CHARGERS):
        server.on_unknown_charger = _unknown_charger_handler(hass, entry, runtime)
    for charge_point_id, options in entry.options.get(CONF_CHARGERS, {}).items():
        _add_charger(hass, entry, runtime, _charger_settings(charge_point_id, options))
    try:
        await server.async_start()
    except OSError as err:
        raise ConfigEntryNotReady(
            f"Cannot listen on port {entry.data[CONF_PORT]}: {err}",
            translation_domain=DOMAIN,
            translation_key="port_unavailable",
            translation_placeholders={"port": str(entry.data[CONF_PORT]), "error": str(err)},
        ) from err


async def async_unload_ocpp(runtime: ChargeShareRuntime) -> None:
    if runtime.server is not None:
        await runtime.server.async_stop()


async def async_apply_ocpp_options(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> None:
    """Bring the running chargers in line with the entry's options."""
    runtime = entry.runtime_data
    assert runtime.server is not None
    wanted = {
        cp_id: _charger_settings(cp_id, options) for cp_id, options in entry.options.get(CONF_CHARGERS, {}).items()
    }
    for charger_id in set(runtime.coordinators) - set(wanted):
        coordinator = runtime.coordinators.pop(charger_id)
        runtime.controls.pop(charger_id).stop()
        await runtime.server.async_remove(charger_id)
        await coordinator.async_shutdown()
        runtime.store.forget(charger_id)
        device = coordinator.device()
        if device is not None:
            dr.async_get(hass).async_remove_device(device.id)
    for charger_id, settings in wanted.items():
        coordinator = runtime.coordinators.get(charger_id)
        if coordinator is None:
            coordinator = _add_charger(hass, entry, runtime, settings)
            runtime.controls[charger_id].start()
            runtime.discovered.discard(charger_id)
            async_dispatcher_send(hass, signal_charger_added(entry), coordinator)
            continue
        charger = coordinator.ocpp
        if charger.settings != settings:
            charger.update_settings(settings)
        charger.authorizer = _authorizer(hass, entry, charger_id)


def remove_ocpp_charger(hass: HomeAssistant, entry: ChargeShareConfigEntry, device: dr.DeviceEntry) -> bool:
    """Deleting a charger's device removes the charger from the entry."""
    for charger_id, coordinator in entry.runtime_data.coordinators.items():
        if coordinator.device_identifier in device.identifiers:
            chargers = {k: v for k, v in entry.options.get(CONF_CHARGERS, {}).items() if k != charger_id}
            hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_CHARGERS: chargers})
            return True
    return False


def _charger_settings(charge_point_id: str, options: Mapping[str, Any]) -> OcppChargerSettings:
    return OcppChargerSettings(
        charge_point_id=charge_point_id,
        password=options.get(CONF_PASSWORD) or None,
        max_current_a=float(options.get(CONF_MAX_CURRENT, DEFAULT_MAX_CURRENT)),
        phases=int(options.get(CONF_PHASES, 3)),
        validate_messages=not options.get(CONF_SKIP_SCHEMA_VALIDATION, False),
    )


def _authorizer(hass: HomeAssistant, entry: ConfigEntry, charger_id: str) -> IdTagAuthorizer:
    """The host's id tags, and the tags of the charger's bookings inside their windows."""
    return IdTagAuthorizer(entry.options.get(CONF_ID_TAGS, {}), REMOTE_START_TAG, booked=booked_tags(hass, charger_id))


def _add_charger(
    hass: HomeAssistant, entry: ConfigEntry, runtime: ChargeShareRuntime, settings: OcppChargerSettings
) -> ChargerCoordinator:
    """Create the charger and its coordinator; ConfigEntryError if its stored data is unusable."""
    assert runtime.server is not None
    charge_point_id = settings.charge_point_id
    try:
        charger = OcppCharger(
            settings,
            _authorizer(hass, entry, charge_point_id),
            stored=runtime.store.stored(charge_point_id),
            on_persist=runtime.store.schedule_save,
            profile_interval_s=PROFILE_WRITE_INTERVAL_S,
        )
    except ValueError as err:
        raise stored_data_error(entry, charge_point_id, err) from err
    runtime.store.track(charger)
    coordinator = ChargerCoordinator(
        hass, entry, charger, unique_id=f"ocpp_{charge_point_id}", device_name=charge_point_id
    )
    runtime.coordinators[charge_point_id] = coordinator
    runtime.controls[charge_point_id] = ChargerControl(hass, coordinator, runtime.store, entry.options)
    runtime.server.add(charger)
    return coordinator


def _unknown_charger_handler(
    hass: HomeAssistant, entry: ConfigEntry, runtime: ChargeShareRuntime
) -> UnknownChargerHandler:
    """Offer a charger that is not configured to the user, once per run."""

    @callback
    def _offer(charge_point_id: str, boot: BootInfo) -> None:
        if charge_point_id in runtime.discovered:
            return
        runtime.discovered.add(charge_point_id)
        discovery_flow.async_create_flow(
            hass,
            DOMAIN,
            context={"source": SOURCE_INTEGRATION_DISCOVERY},
            data={
                "entry_id": entry.entry_id,
                CONF_CHARGE_POINT_ID: charge_point_id,
                "vendor": boot.vendor,
                "model": boot.model,
            },
        )

    return _offer


async def _async_ssl_context(hass: HomeAssistant, entry: ConfigEntry) -> ssl.SSLContext | None:
    certfile, keyfile = entry.data.get(CONF_SSL_CERTFILE), entry.data.get(CONF_SSL_KEYFILE)
    if not certfile or not keyfile:
        return None
    try:
        return await hass.async_add_executor_job(server_ssl_context, certfile, keyfile)
    except (OSError, ssl.SSLError) as err:
        raise ConfigEntryError(
            f"Cannot use the TLS certificate {certfile} with key {keyfile}: {err}",
            translation_domain=DOMAIN,
            translation_key="tls_unusable",
            translation_placeholders={"certfile": certfile, "keyfile": keyfile, "error": str(err)},
        ) from err
