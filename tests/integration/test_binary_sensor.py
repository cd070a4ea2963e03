"""The online sensor tells whether a charger is connected, and stays available to say so."""

from __future__ import annotations

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from .helpers import ConnectCharger, entity_id, settle


async def test_online_follows_the_connection(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    online = entity_id(hass, "binary_sensor", "online")
    assert hass.states.get(online).state == STATE_OFF
    charge_point = await connect_charger()
    assert hass.states.get(online).state == STATE_ON
    assert hass.states.get(online).attributes["device_class"] == "connectivity"
    await charge_point.close()
    await settle(hass)
    assert hass.states.get(online).state == STATE_OFF
