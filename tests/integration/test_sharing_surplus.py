"""Sharing on the controller's cycle: the surplus rule follows the real controller's surplus, fails safe
without one, and a guest session (the hub link's hook) keeps the charger shared and charges with the
guest power policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.chargeshare.control_entry import CONTROL_INTERVAL
from custom_components.chargeshare.sharing_entry import ChargerSharing
from sim.modbus import SimulatedModbusCharger
from tests.waiting import until

from .helpers import jump_clock, modbus_call, modbus_state

GRID = "sensor.grid"


def sharing_of(entry: MockConfigEntry) -> ChargerSharing:
    return entry.runtime_data.controls[f"modbus_{entry.entry_id}"].sharing


def status(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    return modbus_state(hass, "sensor", "sharing_status", entry)


def available(hass: HomeAssistant, entry: MockConfigEntry) -> str:
    return modbus_state(hass, "binary_sensor", "sharing_available", entry)


async def next_cycle(hass: HomeAssistant) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + CONTROL_INTERVAL)
    await hass.async_block_till_done()


async def grid(hass: HomeAssistant, watts: float) -> None:
    """A new reading (a change: Home Assistant 2024.3 does not record an unchanged one), which runs a cycle."""
    hass.states.async_set(GRID, str(watts), {"unit_of_measurement": "W"})
    await hass.async_block_till_done()


async def shared_on_surplus(hass: HomeAssistant, entry: MockConfigEntry, *, mode: str = "solar") -> None:
    """Online, with a grid meter, in `mode`, sharing on with "2000 W for 5 minutes"."""
    hass.states.async_set(GRID, "0", {"unit_of_measurement": "W"})
    hass.config_entries.async_update_entry(entry, options={**entry.options, "site": {"grid_power": GRID}})
    await hass.async_block_till_done()
    await until(lambda: modbus_state(hass, "sensor", "status", entry) not in ("unavailable", "unknown"))
    await modbus_call(hass, "select", "select_option", "charging_mode", entry, option=mode)
    await modbus_call(hass, "switch", "turn_on", "sharing", entry)
    await modbus_call(hass, "number", "set_value", "sharing_min_surplus", entry, value=2000)
    await modbus_call(hass, "number", "set_value", "sharing_surplus_minutes", entry, value=5)


@pytest.mark.freeze_time(datetime(2026, 6, 3, 10, tzinfo=UTC), tick=True)
async def test_sharing_opens_after_the_surplus_lasted(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, freezer: Any
) -> None:
    await shared_on_surplus(hass, setup_modbus)
    await grid(hass, -3000)  # 3 kW exported: the surplus the controller sees
    assert float(modbus_state(hass, "sensor", "surplus", setup_modbus)) == 3000
    assert available(hass, setup_modbus) == "off"
    assert status(hass, setup_modbus) == "waiting for 2.0 kW surplus for 5 min"

    jump_clock(freezer, timedelta(minutes=5))
    await grid(hass, -3100)
    assert available(hass, setup_modbus) == "on"
    assert status(hass, setup_modbus) == "shared: 2.0 kW surplus"

    await grid(hass, 500)  # a cloud: sharing stays open for the off delay
    assert available(hass, setup_modbus) == "on"
    assert status(hass, setup_modbus) == "shared: surplus below 2.0 kW for 0 of 5 min"
    jump_clock(freezer, timedelta(minutes=5))
    await grid(hass, 600)
    assert available(hass, setup_modbus) == "off"


async def test_manual_mode_has_no_surplus_to_share_on(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    await shared_on_surplus(hass, setup_modbus, mode="manual")
    await grid(hass, -5000)
    await next_cycle(hass)
    assert available(hass, setup_modbus) == "off"
    assert status(hass, setup_modbus) == "no surplus reading: the charging mode is manual"
    # Without a surplus rule, manual mode shares as the switch and hours say.
    await modbus_call(hass, "number", "set_value", "sharing_min_surplus", setup_modbus, value=0)
    assert available(hass, setup_modbus) == "on"


async def test_no_grid_meter_has_no_surplus_to_share_on(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    await until(lambda: modbus_state(hass, "sensor", "status", setup_modbus) not in ("unavailable", "unknown"))
    await modbus_call(hass, "select", "select_option", "charging_mode", setup_modbus, option="off")  # needs no meter
    await modbus_call(hass, "switch", "turn_on", "sharing", setup_modbus)
    await modbus_call(hass, "number", "set_value", "sharing_min_surplus", setup_modbus, value=1000)
    assert available(hass, setup_modbus) == "off"
    assert status(hass, setup_modbus) == "no surplus reading: no grid power meter"


async def test_a_plugged_in_car_or_an_offline_charger_is_not_shared(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, modbus_charger: SimulatedModbusCharger
) -> None:
    await until(lambda: modbus_state(hass, "sensor", "status", setup_modbus) not in ("unavailable", "unknown"))
    await modbus_call(hass, "switch", "turn_on", "sharing", setup_modbus)
    assert available(hass, setup_modbus) == "on"
    modbus_charger.plug_in()  # the host's own car: it charges at once in manual mode
    await until(lambda: modbus_state(hass, "sensor", "status", setup_modbus) == "charging")
    await next_cycle(hass)
    assert status(hass, setup_modbus) == "charger in use"
    modbus_charger.stop_answering()
    await until(lambda: modbus_state(hass, "sensor", "status", setup_modbus) == "unavailable", within_s=10)
    await next_cycle(hass)
    assert available(hass, setup_modbus) == "off"
    assert status(hass, setup_modbus) == "charger offline"


async def test_a_guest_session_stays_shared_and_charges_with_the_guest_policy(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, modbus_charger: SimulatedModbusCharger
) -> None:
    await shared_on_surplus(hass, setup_modbus)
    await modbus_call(hass, "number", "set_value", "guest_current", setup_modbus, value=10)
    await grid(hass, 800)  # importing: solar mode leaves the host's car waiting
    modbus_charger.plug_in()
    await until(lambda: modbus_state(hass, "sensor", "status", setup_modbus) == "connected")
    await grid(hass, 820)  # the next cycle sees the car
    assert modbus_charger.charging_current_a == 0
    assert status(hass, setup_modbus) == "charger in use"

    sharing_of(setup_modbus).set_guest_session(True)  # what the hub link will call
    await hass.async_block_till_done()
    assert modbus_state(hass, "binary_sensor", "guest_session", setup_modbus) == "on"
    assert available(hass, setup_modbus) == "on"
    assert status(hass, setup_modbus) == "guest session in progress"
    # Guest charging "fixed": the guest current, sun or not; the controller writes it once its minimum
    # interval since the last write has passed.
    assert modbus_state(hass, "sensor", "control_reason", setup_modbus) == "fast charging at 10 A (in 30 s)"

    await modbus_call(hass, "switch", "turn_off", "sharing", setup_modbus)  # no new guests; this one charges on
    assert available(hass, setup_modbus) == "on"
    assert status(hass, setup_modbus) == "guest session in progress; sharing switched off for new guests"

    sharing_of(setup_modbus).set_guest_session(False)
    await hass.async_block_till_done()
    assert modbus_state(hass, "binary_sensor", "guest_session", setup_modbus) == "off"
    assert available(hass, setup_modbus) == "off"
