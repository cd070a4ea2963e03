"""Buttons restart the charger and unlock its connector."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from .helpers import ConnectCharger, entity_id, settle


async def press(hass: HomeAssistant, key: str) -> None:
    await hass.services.async_call("button", "press", {"entity_id": entity_id(hass, "button", key)}, blocking=True)
    await settle(hass)


async def test_restart_resets_the_charger(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    await press(hass, "reset")
    assert ("Reset", {"type": "Hard"}) in charge_point.received
    assert hass.states.get(entity_id(hass, "button", "reset")).attributes["device_class"] == "restart"


async def test_unlock_unlocks_the_connector(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    await press(hass, "unlock")
    assert ("UnlockConnector", {"connector_id": 1}) in charge_point.received


async def test_a_failed_unlock_is_reported(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    from ocpp.v16 import call_result

    charge_point.route_map["UnlockConnector"]["_on_action"] = lambda **_: call_result.UnlockConnector(
        status="UnlockFailed"
    )
    with pytest.raises(HomeAssistantError) as raised:
        await press(hass, "unlock")
    assert raised.value.translation_key == "charger_rejected"
    assert "UnlockFailed" in raised.value.translation_placeholders["error"]
