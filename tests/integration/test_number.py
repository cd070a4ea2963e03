"""The current limit number writes charging profiles."""

from __future__ import annotations

import asyncio

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from sim.ocpp_charge_point import SimOptions

from .helpers import ConnectCharger, entity_id, profile_limits, settle


async def set_limit(hass: HomeAssistant, value: float) -> None:
    await hass.services.async_call(
        "number", "set_value", {"entity_id": entity_id(hass, "number", "current_limit"), "value": value}, blocking=True
    )
    await settle(hass)


async def test_the_limit_reaches_the_charger(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    number = entity_id(hass, "number", "current_limit")
    assert hass.states.get(number).state == "16.0"
    assert hass.states.get(number).attributes["max"] == 16
    assert hass.states.get(number).attributes["min"] == 6
    await set_limit(hass, 10)
    assert profile_limits(charge_point)[-1] == ("ChargePointMaxProfile", 10.0)
    assert charge_point.limit_a == 10
    assert hass.states.get(number).state == "10.0"


async def test_a_charger_refusing_charge_point_max_profiles_gets_transaction_profiles(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger(options=SimOptions(accepts_charge_point_max_profile=False))
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await set_limit(hass, 8)
    assert profile_limits(charge_point)[-3:] == [
        ("ChargePointMaxProfile", 8.0),
        ("TxDefaultProfile", 8.0),
        ("TxProfile", 8.0),
    ]
    await charge_point.charge(3600)
    await settle(hass)
    assert float(hass.states.get(entity_id(hass, "sensor", "current")).state) == 8


async def test_power_based_chargers_get_watts(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger(options=SimOptions(rate_unit="Power"))
    await charge_point.send_meter_values()
    await set_limit(hass, 10)
    assert profile_limits(charge_point)[-1] == ("ChargePointMaxProfile", 6900.0)
    assert charge_point.limit_a == 10


async def test_the_limit_is_unavailable_without_smart_charging(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    await connect_charger(options=SimOptions(smart_charging=False))
    await settle(hass)
    assert hass.states.get(entity_id(hass, "number", "current_limit")).state == STATE_UNAVAILABLE


async def test_the_maximum_follows_the_chargers_settings(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    await connect_charger()
    chargers = {"CP1": {**setup_integration.options["chargers"]["CP1"], "max_current": 32}}
    hass.config_entries.async_update_entry(
        setup_integration, options={**setup_integration.options, "chargers": chargers}
    )
    await settle(hass)
    assert hass.states.get(entity_id(hass, "number", "current_limit")).attributes["max"] == 32


async def test_quick_changes_wait_for_the_flash_wear_interval_and_only_the_newest_is_written(
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    connect_charger: ConnectCharger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("custom_components.chargeshare.ocpp_entry.PROFILE_WRITE_INTERVAL_S", 1.0)
    assert await hass.config_entries.async_reload(setup_integration.entry_id)
    charge_point = await connect_charger()
    for value in (10, 11, 12):
        await set_limit(hass, value)
    assert [limit for _, limit in profile_limits(charge_point)] == [10.0]
    assert hass.states.get(entity_id(hass, "number", "current_limit")).state == "12.0"
    await asyncio.sleep(1.0)
    await settle(hass)
    assert [limit for _, limit in profile_limits(charge_point)] == [10.0, 12.0]
