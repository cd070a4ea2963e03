"""A Modbus charger in Home Assistant: the same entities and services as an OCPP charger, where it can."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.json import JSONEncoder
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare import async_remove_config_entry_device
from custom_components.chargeshare.const import CONF_MAX_CURRENT, CONF_PROFILE, DOMAIN
from custom_components.chargeshare.diagnostics import async_get_config_entry_diagnostics
from sim.modbus import SimulatedModbusCharger
from tests.waiting import until

from .helpers import modbus_entity_id

pytestmark = pytest.mark.usefixtures("entity_registry_enabled_by_default")


def state(hass: HomeAssistant, platform: str, key: str, entry: MockConfigEntry) -> str:
    return hass.states.get(modbus_entity_id(hass, platform, key, entry)).state


def device(hass: HomeAssistant, entry: MockConfigEntry) -> dr.DeviceEntry:
    found = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, f"modbus_{entry.entry_id}")})
    assert found is not None
    return found


async def test_one_device_with_what_a_modbus_charger_has(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    await until(lambda: state(hass, "sensor", "firmware", setup_modbus) not in ("unknown", STATE_UNAVAILABLE))
    charger = device(hass, setup_modbus)
    assert charger.name == "Alfen Eve (NG9xx) (127.0.0.1)"
    assert charger.manufacturer == "Alfen"
    keys = {
        entry.unique_id.removeprefix(f"modbus_{setup_modbus.entry_id}_")
        for entry in er.async_entries_for_config_entry(er.async_get(hass), setup_modbus.entry_id)
    }
    assert {"status", "power", "current", "voltage", "energy", "session_energy", "firmware"} <= keys
    assert {"charging_allowed", "current_limit", "online"} <= keys
    # OCPP-only: a Modbus charger has no connector status, RFID, availability, reset or unlock
    assert not keys & {"connector_status", "last_id_tag", "available", "reset", "unlock"}


async def test_the_entities_follow_the_charger(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, modbus_charger: SimulatedModbusCharger
) -> None:
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "no_vehicle")
    modbus_charger.plug_in()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "charging")
    energy_before = float(state(hass, "sensor", "energy", setup_modbus))
    modbus_charger.advance(600)
    await until(lambda: float(state(hass, "sensor", "energy", setup_modbus)) > energy_before)
    assert float(state(hass, "sensor", "session_energy", setup_modbus)) == pytest.approx(
        float(state(hass, "sensor", "energy", setup_modbus)) - energy_before, abs=0.01
    )
    assert float(state(hass, "sensor", "power", setup_modbus)) == pytest.approx(modbus_charger.power_w, rel=0.01)


async def test_limit_and_pause_reach_the_charger(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, modbus_charger: SimulatedModbusCharger
) -> None:
    modbus_charger.plug_in()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "charging")
    limit = modbus_entity_id(hass, "number", "current_limit", setup_modbus)
    await hass.services.async_call("number", "set_value", {"entity_id": limit, "value": 10}, blocking=True)
    assert modbus_charger.limit_a == 10
    allowed = modbus_entity_id(hass, "switch", "charging_allowed", setup_modbus)
    await hass.services.async_call("switch", "turn_off", {"entity_id": allowed}, blocking=True)
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "connected")
    assert modbus_charger.charging_current_a == 0
    await hass.services.async_call("switch", "turn_on", {"entity_id": allowed}, blocking=True)
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "charging")
    assert modbus_charger.limit_a == 10


async def test_an_unreachable_charger_is_unavailable_until_it_is_back(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, modbus_charger: SimulatedModbusCharger
) -> None:
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "no_vehicle")
    await modbus_charger.stop()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == STATE_UNAVAILABLE)
    assert state(hass, "binary_sensor", "online", setup_modbus) == "off"
    await modbus_charger.start()
    await until(lambda: state(hass, "sensor", "status", setup_modbus) == "no_vehicle", within_s=5)


async def test_ocpp_services_say_a_modbus_charger_cannot(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    await until(lambda: state(hass, "binary_sensor", "online", setup_modbus) == "on")
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(
            DOMAIN, "start_session", {"device_id": device(hass, setup_modbus).id}, blocking=True
        )
    assert raised.value.translation_key == "charger_not_supported"
    with pytest.raises(ServiceValidationError) as refused:
        await hass.services.async_call(
            DOMAIN, "add_id_tag", {"config_entry_id": setup_modbus.entry_id, "id_tag": "04A1B2"}, blocking=True
        )
    assert refused.value.translation_key == "not_a_central_system"
    assert "id_tags" not in setup_modbus.options


async def test_set_current_limit_service_works_the_same(
    hass: HomeAssistant, setup_modbus: MockConfigEntry, modbus_charger: SimulatedModbusCharger
) -> None:
    await until(lambda: state(hass, "binary_sensor", "online", setup_modbus) == "on")
    await hass.services.async_call(
        DOMAIN, "set_current_limit", {"device_id": device(hass, setup_modbus).id, "current": 7}, blocking=True
    )
    assert modbus_charger.limit_a == 7


async def test_options_apply_without_a_restart(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    coordinator = setup_modbus.runtime_data.coordinators[f"modbus_{setup_modbus.entry_id}"]
    charger = coordinator.charger
    hass.config_entries.async_update_entry(setup_modbus, options={**setup_modbus.options, CONF_MAX_CURRENT: 10})
    await hass.async_block_till_done()
    assert coordinator.charger is charger
    assert charger.state.max_current_a == 10


async def test_its_device_is_removed_with_its_entry_only(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    assert not await async_remove_config_entry_device(hass, setup_modbus, device(hass, setup_modbus))


async def test_diagnostics_name_the_transport_and_profile(hass: HomeAssistant, setup_modbus: MockConfigEntry) -> None:
    await until(lambda: state(hass, "binary_sensor", "online", setup_modbus) == "on")
    diagnostics = await async_get_config_entry_diagnostics(hass, setup_modbus)
    json.dumps(diagnostics, cls=JSONEncoder)
    assert diagnostics["transport"] == "modbus"
    assert diagnostics["data"][CONF_PROFILE] == "alfen_eve"
    assert diagnostics["chargers"][f"modbus_{setup_modbus.entry_id}"]["state"]["online"] is True


async def test_a_missing_profile_stops_the_setup_with_its_reason(
    hass: HomeAssistant, modbus_entry: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(modbus_entry, data={**modbus_entry.data, CONF_PROFILE: "gone"})
    assert not await hass.config_entries.async_setup(modbus_entry.entry_id)
    assert modbus_entry.state is ConfigEntryState.SETUP_ERROR
    assert "gone.yaml: cannot be read" in (modbus_entry.reason or "")


async def test_a_broken_profile_stops_the_setup_with_its_reason(
    hass: HomeAssistant, modbus_entry: MockConfigEntry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "alfen_eve.yaml").write_text("name: Alfen\ncurrent: {scale: fast}\n")
    monkeypatch.setattr("custom_components.chargeshare.modbus_entry.PROFILES_DIR", tmp_path)
    assert not await hass.config_entries.async_setup(modbus_entry.entry_id)
    assert modbus_entry.state is ConfigEntryState.SETUP_ERROR
    assert "alfen_eve.yaml:" in (modbus_entry.reason or "")


async def test_unreadable_stored_sessions_stop_the_setup_and_stay_untouched(
    hass: HomeAssistant, modbus_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    key = f"{DOMAIN}.{modbus_entry.entry_id}"
    charger_id = f"modbus_{modbus_entry.entry_id}"
    broken = {"version": 1, "key": key, "data": {"chargers": {charger_id: {"session_register_kwh": "lots"}}}}
    hass_storage[key] = broken
    assert not await hass.config_entries.async_setup(modbus_entry.entry_id)
    assert modbus_entry.state is ConfigEntryState.SETUP_ERROR
    assert f"stored sessions of charger {charger_id}" in (modbus_entry.reason or "")
    await hass.async_block_till_done()
    assert hass_storage[key] == broken
