"""The controller's settings as entities: they feed the controller and survive a restart; the real
controller drives the simulated charger end to end."""

from __future__ import annotations

from datetime import UTC, datetime, time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.control.model import PhasePolicy
from custom_components.chargeshare.control_settings import ControlSettings, next_departure
from custom_components.chargeshare.control_site import SiteInputs
from custom_components.chargeshare.diagnostics import async_get_config_entry_diagnostics
from sim.modbus import SimulatedModbusCharger
from tests.waiting import until

from .helpers import modbus_entity_id

GRID = "sensor.grid"


def state(hass: HomeAssistant, platform: str, key: str, entry: MockConfigEntry) -> str:
    return hass.states.get(modbus_entity_id(hass, platform, key, entry)).state


async def call(
    hass: HomeAssistant, platform: str, service: str, key: str, entry: MockConfigEntry, **data: object
) -> None:
    entity = modbus_entity_id(hass, platform, key, entry)
    await hass.services.async_call(platform, service, {"entity_id": entity, **data}, blocking=True)
    await hass.async_block_till_done()


async def with_grid(hass: HomeAssistant, entry: MockConfigEntry, watts: str = "0") -> None:
    hass.states.async_set(GRID, watts, {"unit_of_measurement": "W"})
    hass.config_entries.async_update_entry(entry, options={**entry.options, "site": {"grid_power": GRID}})
    await hass.async_block_till_done()
    await until(lambda: state(hass, "sensor", "status", entry) not in ("unavailable", "unknown"))


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_settings_survive_a_restart(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    await with_grid(hass, setup_modbus)
    await call(hass, "select", "select_option", "charging_mode", setup_modbus, option="scheduled")
    await call(hass, "number", "set_value", "min_current", setup_modbus, value=7)
    await call(hass, "number", "set_value", "enable_threshold", setup_modbus, value=500)
    await call(hass, "number", "set_value", "target_energy", setup_modbus, value=20)
    await call(hass, "time", "set_value", "departure", setup_modbus, time="07:30:00")
    await restart(hass, setup_modbus)
    assert state(hass, "select", "charging_mode", setup_modbus) == "scheduled"
    assert float(state(hass, "number", "min_current", setup_modbus)) == 7
    assert float(state(hass, "number", "enable_threshold", setup_modbus)) == 500
    assert float(state(hass, "number", "target_energy", setup_modbus)) == 20
    assert state(hass, "time", "departure", setup_modbus) == "07:30:00"
    assert state(hass, "number", "max_current", setup_modbus) == "16.0"  # untouched: the default


async def test_settings_are_available_while_the_charger_is_away(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, modbus_charger: SimulatedModbusCharger
) -> None:
    modbus_charger.stop_answering()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "unavailable", within_s=10)
    assert state(hass, "select", "charging_mode", setup_modbus) == "manual"
    assert state(hass, "sensor", "surplus", setup_modbus) == "unavailable"


async def test_the_minimum_current_cannot_pass_the_maximum(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    await call(hass, "number", "set_value", "max_current", setup_modbus, value=10)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "number", "set_value", "min_current", setup_modbus, value=12)
    assert err.value.translation_key == "min_current_above_max"
    assert float(state(hass, "number", "min_current", setup_modbus)) == 6


async def test_fast_charges_at_the_maximum_and_off_stops(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, modbus_charger: SimulatedModbusCharger
) -> None:
    """The real controller, end to end: options, mode select, runner, charger."""
    await with_grid(hass, setup_modbus, "500")
    await call(hass, "number", "set_value", "current_limit", setup_modbus, value=8)
    modbus_charger.plug_in()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "charging")
    await call(hass, "select", "select_option", "charging_mode", setup_modbus, option="fast")
    await until(lambda: modbus_charger.limit_a == 16)
    assert float(state(hass, "sensor", "target_current", setup_modbus)) == 16
    assert state(hass, "sensor", "control_reason", setup_modbus) not in ("unknown", "")

    await call(hass, "select", "select_option", "charging_mode", setup_modbus, option="off")
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "connected")
    assert modbus_charger.charging_current_a == 0

    diagnostics = await async_get_config_entry_diagnostics(hass, setup_modbus)
    control = diagnostics["chargers"][f"modbus_{setup_modbus.entry_id}"]["control"]
    assert control["settings"]["mode"] == "off"
    assert control["decision"]["enabled"] is False

    await call(hass, "select", "select_option", "charging_mode", setup_modbus, option="manual")
    assert state(hass, "sensor", "control_reason", setup_modbus) == "unknown"


async def test_a_charger_that_switches_phases_gets_a_phases_setting(
    hass: HomeAssistant, setup_modbus: MockConfigEntry
) -> None:
    assert state(hass, "select", "phases", setup_modbus) == "auto"  # the Alfen Eve switches 1p/3p
    await call(hass, "select", "select_option", "charging_mode", setup_modbus, option="fast")
    await call(hass, "select", "select_option", "phases", setup_modbus, option="1")
    control = setup_modbus.runtime_data.controls[f"modbus_{setup_modbus.entry_id}"]
    settings = control.settings.controller_settings(SiteInputs(), (), datetime(2026, 6, 1, tzinfo=UTC))
    assert settings.phases is PhasePolicy.ONE
    await restart(hass, setup_modbus)
    assert state(hass, "select", "phases", setup_modbus) == "1"


def test_unreadable_stored_settings_fall_back_to_defaults_and_say_so(caplog: pytest.LogCaptureFixture) -> None:
    stored = {"mode": "turbo", "min_current_a": "x", "max_current_a": 20, "departure": "7:3", "phases": "2", "x": 1}
    assert ControlSettings.from_dict(stored) == ControlSettings(max_current_a=20)
    assert "Stored setting mode='turbo' cannot be used" in caplog.text
    assert "Stored setting min_current_a='x' cannot be used" in caplog.text
    settings = ControlSettings(mode="solar", target_energy_kwh=None, departure=time(7, 30))
    assert ControlSettings.from_dict(settings.to_dict()) == settings


async def test_departure_is_the_next_time_the_clock_shows_it(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    hass.config.set_time_zone("Europe/Berlin")
    now = datetime(2026, 3, 28, 12, tzinfo=UTC)  # 13:00 in Berlin, the day before summer time
    assert next_departure(time(14, 0), now) == datetime(2026, 3, 28, 13, tzinfo=UTC)
    assert next_departure(time(7, 0), now) == datetime(2026, 3, 29, 5, tzinfo=UTC)  # tomorrow, in summer time
    assert next_departure(None, now) is None
    settings = ControlSettings(mode="scheduled", target_energy_kwh=10, departure=time(7, 0))
    site = SiteInputs(grid_power=GRID, fuse_a=25)  # a fuse without phase currents is no load management
    built = settings.controller_settings(site, (), now)
    assert built.fuse_a is None
    assert built.departure == datetime(2026, 3, 29, 5, tzinfo=UTC)
