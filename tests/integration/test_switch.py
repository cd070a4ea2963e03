"""Switches: 'charging allowed' starts, pauses and resumes sessions; 'in service' sets the availability."""

from __future__ import annotations

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest

from sim.ocpp_charge_point import SimOptions

from .helpers import ConnectCharger, entity_id, profile_limits, settle


async def switch(hass: HomeAssistant, key: str, on: bool) -> None:
    await hass.services.async_call(
        "switch", "turn_on" if on else "turn_off", {"entity_id": entity_id(hass, "switch", key)}, blocking=True
    )
    await settle(hass)


async def test_turning_charging_on_starts_a_session_for_a_waiting_car(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await switch(hass, "charging_allowed", True)
    assert ("RemoteStartTransaction", {"id_tag": "HomeAssistant", "connector_id": 1}) in charge_point.received
    assert charge_point.transaction_id is not None
    assert hass.states.get(entity_id(hass, "sensor", "status")).state == "charging"
    assert hass.states.get(entity_id(hass, "switch", "charging_allowed")).state == STATE_ON


async def test_turning_charging_off_pauses_and_on_resumes(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await switch(hass, "charging_allowed", False)
    assert profile_limits(charge_point)[-1] == ("ChargePointMaxProfile", 0.0)
    assert hass.states.get(entity_id(hass, "switch", "charging_allowed")).state == STATE_OFF
    assert hass.states.get(entity_id(hass, "sensor", "connector_status")).state == "suspended_evse"
    await switch(hass, "charging_allowed", True)
    assert profile_limits(charge_point)[-1] == ("ChargePointMaxProfile", 16.0)
    assert hass.states.get(entity_id(hass, "sensor", "connector_status")).state == "charging"


async def test_a_charger_refusing_charge_point_max_profiles_is_paused_per_transaction(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger(options=SimOptions(accepts_charge_point_max_profile=False))
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await switch(hass, "charging_allowed", False)
    assert profile_limits(charge_point)[-3:] == [
        ("ChargePointMaxProfile", 0.0),
        ("TxDefaultProfile", 0.0),
        ("TxProfile", 0.0),
    ]
    assert charge_point.status == "SuspendedEVSE"


async def test_without_smart_charging_turning_off_stops_the_session(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger(options=SimOptions(smart_charging=False))
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await switch(hass, "charging_allowed", False)
    assert "RemoteStopTransaction" in [action for action, _ in charge_point.received]
    assert charge_point.transaction_id is None


async def test_a_switch_of_an_offline_charger_is_unavailable_and_refuses(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    await charge_point.close()
    await settle(hass)
    assert hass.states.get(entity_id(hass, "switch", "charging_allowed")).state == STATE_UNAVAILABLE
    charger = hass.config_entries.async_entries("chargeshare")[0].runtime_data.coordinators["CP1"]
    with pytest.raises(HomeAssistantError) as raised:
        await charger.async_command(lambda: charger.charger.async_enable(True))
    assert raised.value.translation_key == "charger_offline"
    assert raised.value.translation_placeholders == {"charger": "CP1", "error": "CP1 is not connected"}


async def test_in_service_changes_the_availability(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    await switch(hass, "available", False)
    assert ("ChangeAvailability", {"connector_id": 0, "type": "Inoperative"}) in charge_point.received
    assert hass.states.get(entity_id(hass, "switch", "available")).state == STATE_OFF
    assert hass.states.get(entity_id(hass, "sensor", "status")).state == "fault"
    await switch(hass, "available", True)
    assert hass.states.get(entity_id(hass, "switch", "available")).state == STATE_ON


async def test_a_refusal_becomes_a_translated_error(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger(options=SimOptions(smart_charging=False))
    charge_point.route_map["ChangeAvailability"]["_on_action"] = lambda **_: _availability("Rejected")
    with pytest.raises(HomeAssistantError) as raised:
        await switch(hass, "available", False)
    assert raised.value.translation_key == "charger_rejected"


def _availability(status: str):  # type: ignore[no-untyped-def]
    from ocpp.v16 import call_result

    return call_result.ChangeAvailability(status=status)
