"""The coordinator turns a charger's pushes into entity updates, at most once a second, and keeps its device current."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.chargeshare.const import DOMAIN

from .helpers import ConnectCharger, entity_id, settle


@pytest.fixture(autouse=True)
def publish_at_once() -> None:
    """Keep the real cool-down here (overrides the fixture of conftest.py)."""


async def end_cool_down(hass: HomeAssistant) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await settle(hass)


async def test_bursts_of_meter_values_reach_the_entities_once_per_cool_down(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await end_cool_down(hass)  # the start's updates went out; the next cool-down ended quiet
    await end_cool_down(hass)
    power = entity_id(hass, "sensor", "power")
    writes: list[str] = []
    hass.bus.async_listen(
        "state_changed", lambda e: writes.append(e.data["new_state"].state) if e.data["entity_id"] == power else None
    )
    await charge_point.charge(10)
    charge_point.profiles["TxProfile"] = 10
    await charge_point.charge(10)
    charge_point.profiles["TxProfile"] = 8
    await charge_point.charge(10)
    await settle(hass)
    assert writes == ["11040.0"]  # the first change goes out at once, the rest wait
    await end_cool_down(hass)
    assert writes == ["11040.0", str(8 * 230 * 3.0)]  # then only the newest


async def test_going_offline_shows_at_once_and_is_logged_once(
    hass: HomeAssistant, connect_charger: ConnectCharger, caplog: pytest.LogCaptureFixture
) -> None:
    charge_point = await connect_charger()
    await charge_point.send_meter_values()  # within the cool-down
    await charge_point.close()
    await settle(hass)
    assert hass.states.get(entity_id(hass, "binary_sensor", "online")).state == "off"
    assert caplog.text.count("Charger CP1 is offline") == 1
    assert caplog.text.count("Charger CP1 is online") == 1


async def test_the_device_shows_what_the_charger_said_at_boot(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    await connect_charger()
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, "ocpp_CP1")})
    assert device is not None
    assert (device.manufacturer, device.model, device.sw_version, device.serial_number) == (
        "ChargeShare",
        "Simulated Wallbox",
        "1.0.0",
        "SIM-0001",
    )
    assert device.name == "CP1"
