"""pause_sharing_low_solar: our real Sharing switch goes off after low solar lasted, on after high lasted."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from tests.integration.helpers import modbus_call, modbus_entity_id

from .helpers import stop_automations, use_blueprint

PV = "sensor.pv_power"


async def pv(hass: HomeAssistant, watts: float) -> None:
    hass.states.async_set(PV, str(watts), {"unit_of_measurement": "W", "device_class": "power"})
    await hass.async_block_till_done()


async def test_sharing_follows_the_sun_with_hysteresis(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, blueprints: Path
) -> None:
    sharing = modbus_entity_id(hass, "switch", "sharing", setup_modbus)
    await modbus_call(hass, "switch", "turn_on", "sharing", setup_modbus)
    await pv(hass, 3000)
    await use_blueprint(
        hass, "pause_sharing_low_solar", pv_power=PV, low_w=500, high_w=1500, minutes=10, sharing_switch=sharing
    )

    await pv(hass, 300)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=9))
    await hass.async_block_till_done()
    assert hass.states.get(sharing).state == "on"  # not low for long enough yet
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=10, seconds=1))
    await hass.async_block_till_done()
    assert hass.states.get(sharing).state == "off"

    await pv(hass, 1000)  # between the thresholds: nothing happens, however long
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=30))
    await hass.async_block_till_done()
    assert hass.states.get(sharing).state == "off"

    await pv(hass, 2000)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=9))
    await hass.async_block_till_done()
    assert hass.states.get(sharing).state == "off"
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=10, seconds=1))
    await hass.async_block_till_done()
    assert hass.states.get(sharing).state == "on"
    await stop_automations(hass)
