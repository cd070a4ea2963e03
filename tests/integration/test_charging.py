"""A charger connects, a car charges, Home Assistant shows it."""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from .helpers import ConnectCharger, entity_id, settle


async def test_boot_and_charge(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD1")
    await charge_point.charge(3600)
    await settle(hass)
    assert hass.states.get(entity_id(hass, "sensor", "status")).state == "charging"
    assert float(hass.states.get(entity_id(hass, "sensor", "power")).state) == 16 * 230 * 3
