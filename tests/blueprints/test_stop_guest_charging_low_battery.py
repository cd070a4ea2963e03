"""stop_guest_charging_low_battery: a low home battery switches sharing off, and charging only for a guest."""

from __future__ import annotations

from pathlib import Path

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.sharing_entry import ChargerSharing
from tests.integration.helpers import modbus_call, modbus_entity_id, modbus_state
from tests.waiting import until

from .helpers import stop_automations, use_blueprint

SOC = "sensor.home_battery"


async def soc(hass: HomeAssistant, percent: float) -> None:
    hass.states.async_set(SOC, str(percent), {"unit_of_measurement": "%", "device_class": "battery"})
    await hass.async_block_till_done()


def sharing_of(entry: MockConfigEntry) -> ChargerSharing:
    return entry.runtime_data.controls[f"modbus_{entry.entry_id}"].sharing


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await until(lambda: modbus_state(hass, "switch", "charging_allowed", entry) == "on")
    await modbus_call(hass, "switch", "turn_on", "sharing", entry)
    await soc(hass, 60)
    await use_blueprint(
        hass,
        "stop_guest_charging_low_battery",
        battery_soc=SOC,
        min_soc=20,
        sharing_switch=modbus_entity_id(hass, "switch", "sharing", entry),
        guest_session=modbus_entity_id(hass, "binary_sensor", "guest_session", entry),
        charging_allowed=modbus_entity_id(hass, "switch", "charging_allowed", entry),
    )


async def test_a_guest_stops_charging_when_the_battery_runs_low(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, blueprints: Path
) -> None:
    await set_up(hass, setup_modbus)
    sharing_of(setup_modbus).set_guest_session(True)
    await hass.async_block_till_done()
    await soc(hass, 25)
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "on"
    await soc(hass, 18)
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "off"
    await until(lambda: modbus_state(hass, "switch", "charging_allowed", setup_modbus) == "off")
    await stop_automations(hass)


async def test_the_hosts_own_charging_is_left_alone(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, blueprints: Path
) -> None:
    await set_up(hass, setup_modbus)
    await soc(hass, 18)
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "off"
    assert modbus_state(hass, "switch", "charging_allowed", setup_modbus) == "on"

    # A guest session starting while the battery is already low stops at once.
    await modbus_call(hass, "switch", "turn_on", "sharing", setup_modbus)
    sharing_of(setup_modbus).set_guest_session(True)
    await hass.async_block_till_done()
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "off"
    await until(lambda: modbus_state(hass, "switch", "charging_allowed", setup_modbus) == "off")
    await stop_automations(hass)
