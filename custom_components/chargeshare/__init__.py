"""ChargeShare: share your home EV charger, controlled from Home Assistant.

A config entry is one OCPP central system (one port) and the chargers that connect to it.
"""

from __future__ import annotations

import ssl

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .const import (
    CONF_ALLOW_UNKNOWN_CHARGERS,
    CONF_CHARGERS,
    CONF_SSL_CERTFILE,
    CONF_SSL_KEYFILE,
    DOMAIN,
)
from .coordinator import device_identifier
from .ocpp.server import OcppServer, server_ssl_context
from .runtime import (
    ChargeShareConfigEntry,
    ChargeShareRuntime,
    add_charger,
    async_apply_options,
    charger_settings,
    server_settings_changed,
    unknown_charger_handler,
)
from .services import async_setup_services
from .storage import ChargerStore

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.NUMBER, Platform.SENSOR, Platform.SWITCH]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> bool:
    ssl_context = await _async_ssl_context(hass, entry)
    store = ChargerStore(hass, entry.entry_id)
    await store.async_load()
    server = OcppServer(entry.data[CONF_HOST], entry.data[CONF_PORT], ssl_context=ssl_context)
    runtime = ChargeShareRuntime(server=server, store=store, server_config=dict(entry.data))
    if entry.data.get(CONF_ALLOW_UNKNOWN_CHARGERS):
        server.on_unknown_charger = unknown_charger_handler(hass, entry, runtime)
    for charge_point_id, options in entry.options.get(CONF_CHARGERS, {}).items():
        try:
            add_charger(hass, entry, runtime, charger_settings(charge_point_id, options))
        except ValueError as err:
            raise ConfigEntryError(
                f"The stored sessions of charger {charge_point_id} are unreadable ({err}); they are kept as they are",
                translation_domain=DOMAIN,
                translation_key="stored_data_invalid",
                translation_placeholders={
                    "charger": charge_point_id,
                    "error": str(err),
                    "file": f".storage/{DOMAIN}.{entry.entry_id}",
                },
            ) from err
    try:
        await server.async_start()
    except OSError as err:
        raise ConfigEntryNotReady(
            f"Cannot listen on port {entry.data[CONF_PORT]}: {err}",
            translation_domain=DOMAIN,
            translation_key="port_unavailable",
            translation_placeholders={"port": str(entry.data[CONF_PORT]), "error": str(err)},
        ) from err
    entry.runtime_data = runtime
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    return True


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


async def _async_entry_updated(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> None:
    if server_settings_changed(entry, entry.runtime_data):
        hass.config_entries.async_schedule_reload(entry.entry_id)
    else:
        await async_apply_options(hass, entry)


async def async_unload_entry(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> bool:
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        runtime = entry.runtime_data
        await runtime.server.async_stop()
        for coordinator in runtime.coordinators.values():
            await coordinator.async_shutdown()
        await runtime.store.async_save()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    await ChargerStore(hass, entry.entry_id).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Deleting a charger's device removes the charger from the entry."""
    chargers = dict(entry.options.get(CONF_CHARGERS, {}))
    for charger_id, coordinator in entry.runtime_data.coordinators.items():
        if device_identifier(coordinator.charger) in device.identifiers:
            del chargers[charger_id]
            hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_CHARGERS: chargers})
            return True
    return False
