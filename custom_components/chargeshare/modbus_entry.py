"""A Modbus config entry: one charger, polled through its profile."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError

from .const import (
    CONF_MAX_CURRENT,
    CONF_PHASES,
    CONF_POLL_INTERVAL,
    CONF_PROFILE,
    CONF_UNIT_ID,
    DEFAULT_MAX_CURRENT,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
)
from .control_entry import ChargerControl
from .coordinator import ChargerCoordinator
from .modbus.charger import ModbusCharger, ModbusChargerSettings
from .modbus.profile import Profile
from .modbus.profile_loader import PROFILES_DIR, ProfileError, load_profile
from .runtime import ChargeShareConfigEntry, ChargeShareRuntime
from .storage import stored_data_error


async def async_setup_modbus(hass: HomeAssistant, entry: ConfigEntry, runtime: ChargeShareRuntime) -> None:
    profile = await _async_profile(hass, entry.data[CONF_PROFILE])
    charger_id = f"modbus_{entry.entry_id}"  # not its address: its records follow it to a new one
    try:
        charger = ModbusCharger(
            modbus_settings(entry),
            profile,
            charger_id=charger_id,
            stored=runtime.store.stored(charger_id),
            on_persist=runtime.store.schedule_save,
        )
    except ValueError as err:
        raise stored_data_error(entry, charger_id, err) from err
    runtime.store.track(charger)
    coordinator = ChargerCoordinator(hass, entry, charger, unique_id=charger_id, device_name=entry.title)
    runtime.coordinators[charger_id] = coordinator
    runtime.controls[charger_id] = ChargerControl(hass, coordinator, runtime.store, entry.options)
    await charger.async_start()


async def async_unload_modbus(runtime: ChargeShareRuntime) -> None:
    for coordinator in runtime.coordinators.values():
        if isinstance(coordinator.charger, ModbusCharger):
            await coordinator.charger.async_stop()


async def async_apply_modbus_options(hass: HomeAssistant, entry: ChargeShareConfigEntry) -> None:
    for coordinator in entry.runtime_data.coordinators.values():
        if isinstance(coordinator.charger, ModbusCharger):
            coordinator.charger.update_settings(modbus_settings(entry))


def modbus_settings(entry: ConfigEntry) -> ModbusChargerSettings:
    return ModbusChargerSettings(
        host=entry.data[CONF_HOST],
        port=int(entry.data[CONF_PORT]),
        unit_id=int(entry.data[CONF_UNIT_ID]),
        max_current_a=float(entry.options.get(CONF_MAX_CURRENT, DEFAULT_MAX_CURRENT)),
        phases=int(entry.options.get(CONF_PHASES, 3)),
        poll_interval_s=float(entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)),
    )


async def _async_profile(hass: HomeAssistant, key: str) -> Profile:
    try:
        return await hass.async_add_executor_job(load_profile, PROFILES_DIR / f"{key}.yaml")
    except ProfileError as err:
        raise ConfigEntryError(
            f"The charger profile cannot be used: {err}",
            translation_domain=DOMAIN,
            translation_key="profile_unusable",
            translation_placeholders={"error": str(err)},
        ) from err
