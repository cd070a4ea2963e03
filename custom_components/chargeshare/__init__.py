"""ChargeShare: share your home EV charger, controlled from Home Assistant.

A config entry is either one OCPP central system (one port) with the chargers that connect to it, one
Modbus TCP charger, or the link to a ChargeShare hub (hub_link/, at most one).
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN, SIGNAL_CHARGERS_CHANGED, TRANSPORT_MODBUS
from .hub_link.bookings_answer import async_setup_booking_answers
from .hub_link.bookings_book import async_booking_book
from .hub_link.entry import async_remove_hub_link, async_setup_hub_link, async_unload_hub_link, is_hub_link
from .modbus_entry import async_apply_modbus_options, async_setup_modbus, async_unload_modbus
from .ocpp_entry import async_apply_ocpp_options, async_setup_ocpp, async_unload_ocpp, remove_ocpp_charger
from .runtime import ChargeShareConfigEntry, ChargeShareRuntime, transport
from .services import async_setup_services
from .storage import ChargerStore

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TEXT,
    Platform.TIME,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    async_setup_services(hass)
    async_setup_booking_answers(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> bool:
    if is_hub_link(entry):
        return await async_setup_hub_link(hass, entry)
    store = ChargerStore(hass, entry.entry_id)
    await store.async_load()
    await async_booking_book(hass)  # before any charger checks a booked id tag
    runtime = ChargeShareRuntime(store=store, config=dict(entry.data))
    if transport(entry) == TRANSPORT_MODBUS:
        await async_setup_modbus(hass, entry, runtime)
    else:
        await async_setup_ocpp(hass, entry, runtime)
    entry.runtime_data = runtime
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    for control in runtime.controls.values():
        control.start()
    entry.async_on_unload(entry.add_update_listener(_async_entry_updated))
    # The hub link follows the chargers of every entry (it runs after the unload, when they are gone).
    entry.async_on_unload(lambda: async_dispatcher_send(hass, SIGNAL_CHARGERS_CHANGED))
    async_dispatcher_send(hass, SIGNAL_CHARGERS_CHANGED)
    return True


async def _async_entry_updated(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> None:
    """Options apply at once; changed data (the connection itself) restart the entry."""
    if dict(entry.data) != dict(entry.runtime_data.config):
        hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    if transport(entry) == TRANSPORT_MODBUS:
        await async_apply_modbus_options(hass, entry)
    else:
        await async_apply_ocpp_options(hass, entry)
    for control in entry.runtime_data.controls.values():
        control.apply_options(entry.options)
    async_dispatcher_send(hass, SIGNAL_CHARGERS_CHANGED)


async def async_unload_entry(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> bool:
    if is_hub_link(entry):
        return await async_unload_hub_link(hass, entry)
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        runtime = entry.runtime_data
        for control in runtime.controls.values():
            control.stop()
        if transport(entry) == TRANSPORT_MODBUS:
            await async_unload_modbus(runtime)
        else:
            await async_unload_ocpp(runtime)
        for coordinator in runtime.coordinators.values():
            await coordinator.async_shutdown()
        await runtime.store.async_save()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    if is_hub_link(entry):
        await async_remove_hub_link(hass, entry)
        return
    await ChargerStore(hass, entry.entry_id).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: ChargeShareConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Deleting an OCPP charger's device removes the charger; a Modbus charger is its entry, and the hub is
    the link's: delete those."""
    return not is_hub_link(entry) and transport(entry) != TRANSPORT_MODBUS and remove_ocpp_charger(hass, entry, device)
