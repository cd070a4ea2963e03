"""Chargers connect, cars charge, Home Assistant shows it."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest

from .helpers import CHARGER, ConnectCharger, entity_id, settle


async def test_boot_and_charge(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD1")
    await charge_point.charge(3600)
    await settle(hass)
    assert hass.states.get(entity_id(hass, "sensor", "status")).state == "charging"
    assert float(hass.states.get(entity_id(hass, "sensor", "power")).state) == 16 * 230 * 3


@pytest.fixture
def two_chargers(chargers: dict) -> None:
    chargers["CP2"] = dict(CHARGER)


@pytest.mark.usefixtures("two_chargers")
async def test_two_chargers_share_one_server(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    one, two = await connect_charger("CP1"), await connect_charger("CP2")
    await one.plug_in()
    await two.plug_in()
    await two.start_transaction("CARD")
    await two.charge(3600)
    await settle(hass)
    assert hass.states.get(entity_id(hass, "sensor", "status", "CP1")).state == "connected"
    assert hass.states.get(entity_id(hass, "sensor", "status", "CP2")).state == "charging"
    assert float(hass.states.get(entity_id(hass, "sensor", "power", "CP2")).state) == 11040


@pytest.mark.usefixtures("two_chargers")
async def test_a_misbehaving_charger_does_not_disturb_the_others(
    hass: HomeAssistant, connect_charger: ConnectCharger, caplog: pytest.LogCaptureFixture
) -> None:
    rogue, good = await connect_charger("CP1"), await connect_charger("CP2")
    await good.plug_in()
    await good.start_transaction("CARD")
    for frame in ("{oops", '[2,"a","Teleport",{}]', '[2,"b","Heartbeat",{"x":1}]', '[2,"c","Heartbeat",[]]'):
        await rogue.send_raw(frame)
    await rogue.send_raw('[2,"d","DataTransfer",{"vendorId":"x","data":"' + "x" * 300_000 + '"}]')
    await good.charge(3600)
    await settle(hass)
    assert hass.states.get(entity_id(hass, "sensor", "status", "CP2")).state == "charging"
    assert float(hass.states.get(entity_id(hass, "sensor", "energy", "CP2")).state) == pytest.approx(1245.04)
    assert hass.states.get(entity_id(hass, "binary_sensor", "online", "CP1")).state == "off"  # closed with 1009
    assert "CP1: dropped a malformed frame" in caplog.text
    assert "CP1: refused Teleport with NotSupported" in caplog.text
    assert "CP1: refused Heartbeat with FormationViolation" in caplog.text
    assert not [r for r in caplog.records if r.exc_info]
