"""share_off_peak: sharing on when the off-peak tariff starts, off when it ends, whatever the entity kind."""

from __future__ import annotations

from pathlib import Path

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.integration.helpers import modbus_entity_id, modbus_state

from .helpers import stop_automations, use_blueprint


async def tariff(hass: HomeAssistant, entity_id: str, value: str) -> None:
    hass.states.async_set(entity_id, value)
    await hass.async_block_till_done()


async def test_a_binary_sensor_on_in_off_peak_hours(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, blueprints: Path
) -> None:
    await tariff(hass, "binary_sensor.off_peak", "off")
    sharing = modbus_entity_id(hass, "switch", "sharing", setup_modbus)
    await use_blueprint(hass, "share_off_peak", tariff="binary_sensor.off_peak", sharing_switch=sharing)
    await tariff(hass, "binary_sensor.off_peak", "on")
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "on"
    await tariff(hass, "binary_sensor.off_peak", "unavailable")  # changes nothing
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "on"
    await tariff(hass, "binary_sensor.off_peak", "off")
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "off"
    await stop_automations(hass)


async def test_a_tariff_sensor_naming_the_tariff(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, blueprints: Path
) -> None:
    await tariff(hass, "sensor.tariff", "peak")
    sharing = modbus_entity_id(hass, "switch", "sharing", setup_modbus)
    await use_blueprint(hass, "share_off_peak", tariff="sensor.tariff", offpeak_state="offpeak", sharing_switch=sharing)
    await tariff(hass, "sensor.tariff", "OffPeak")
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "on"
    await tariff(hass, "sensor.tariff", "peak")
    assert modbus_state(hass, "switch", "sharing", setup_modbus) == "off"
    await stop_automations(hass)
