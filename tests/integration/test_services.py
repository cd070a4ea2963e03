"""Service actions target a charger by device, or the id tag list by config entry, and refuse bad input."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.chargeshare.const import DOMAIN

from .helpers import ConnectCharger, device_id, entity_id, profile_limits, settle


async def call(hass: HomeAssistant, service: str, response: bool = False, **data: Any) -> Any:
    result = await hass.services.async_call(DOMAIN, service, data, blocking=True, return_response=response)
    await settle(hass)
    return result


async def test_set_current_limit(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    await call(hass, "set_current_limit", device_id=device_id(hass), current=7)
    assert profile_limits(charge_point)[-1] == ("ChargePointMaxProfile", 7.0)
    await call(hass, "set_current_limit", device_id=device_id(hass), current=0)
    assert charge_point.limit_a == 0


@pytest.mark.parametrize("current", [3, 17])
async def test_set_current_limit_refuses_impossible_currents(
    hass: HomeAssistant, connect_charger: ConnectCharger, current: float
) -> None:
    await connect_charger()
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "set_current_limit", device_id=device_id(hass), current=current)
    assert raised.value.translation_key == "current_out_of_range"
    assert raised.value.translation_placeholders["maximum"] == "16.0"


async def test_start_and_stop_a_session(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await call(hass, "start_session", device_id=device_id(hass), id_tag="GUEST1")
    assert charge_point.transaction_id is not None
    assert charge_point.id_tag == "GUEST1"
    await call(hass, "stop_session", device_id=device_id(hass))
    assert charge_point.transaction_id is None
    assert hass.states.get(entity_id(hass, "sensor", "connector_status")).state == "finishing"


async def test_stopping_without_a_session_says_so(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    await connect_charger()
    with pytest.raises(HomeAssistantError) as raised:
        await call(hass, "stop_session", device_id=device_id(hass))
    assert raised.value.translation_key == "charger_rejected"


async def test_get_configuration_returns_the_keys(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    await connect_charger()
    response = await call(
        hass,
        "get_configuration",
        True,
        device_id=device_id(hass),
        keys=["HeartbeatInterval", "ChargeProfileMaxStackLevel"],
    )
    assert response == {
        "configuration": [{"key": "ChargeProfileMaxStackLevel", "value": "8", "readonly": False}],
        "unknown_keys": ["HeartbeatInterval"],
    }
    everything = await call(hass, "get_configuration", True, device_id=device_id(hass))
    assert len(everything["configuration"]) == 5


async def test_change_configuration_returns_the_chargers_answer(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    response = await call(
        hass, "change_configuration", True, device_id=device_id(hass), key="MeterValueSampleInterval", value="30"
    )
    assert response == {"status": "Accepted"}
    assert charge_point.configuration["MeterValueSampleInterval"] == "30"
    response = await call(hass, "change_configuration", True, device_id=device_id(hass), key="Nope", value="1")
    assert response == {"status": "NotSupported"}


async def test_trigger_message(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    response = await call(hass, "trigger_message", True, device_id=device_id(hass), message="MeterValues")
    assert response == {"status": "Accepted"}
    assert ("TriggerMessage", {"requested_message": "MeterValues", "connector_id": 1}) in charge_point.received


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("trigger_message", {"message": "Reset"}),
        ("change_configuration", {"key": "K" * 51, "value": "1"}),
        ("start_session", {"id_tag": "T" * 21}),
        ("set_current_limit", {"current": -1}),
    ],
)
async def test_malformed_calls_are_refused_by_the_schema(
    hass: HomeAssistant, connect_charger: ConnectCharger, service: str, data: dict[str, Any]
) -> None:
    await connect_charger()
    with pytest.raises(vol.Invalid):
        await call(hass, service, device_id=device_id(hass), **data)


async def test_a_device_that_is_not_a_charger_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "stop_session", device_id="not-a-device")
    assert raised.value.translation_key == "unknown_charger"


async def test_commands_to_an_unloaded_entry_are_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    charger = device_id(hass)
    assert await hass.config_entries.async_unload(setup_integration.entry_id)
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "stop_session", device_id=charger)
    assert raised.value.translation_key == "config_entry_not_loaded"


async def test_id_tags_are_added_listed_renamed_and_removed(
    hass: HomeAssistant, setup_integration: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    entry_id = setup_integration.entry_id
    await call(hass, "add_id_tag", config_entry_id=entry_id, id_tag="04A1B2", name="Anna")
    await call(hass, "add_id_tag", config_entry_id=entry_id, id_tag="04a1b2", name="Anna B.")
    await call(hass, "add_id_tag", config_entry_id=entry_id, id_tag="99FF")
    listed = await call(hass, "list_id_tags", True, config_entry_id=entry_id)
    assert listed == {"id_tags": [{"id_tag": "04a1b2", "name": "Anna B."}, {"id_tag": "99FF", "name": ""}]}
    charge_point = await connect_charger()
    assert await charge_point.authorize("04A1B2") == "Accepted"
    assert await charge_point.authorize("STRANGER") == "Invalid"
    await call(hass, "remove_id_tag", config_entry_id=entry_id, id_tag="04A1B2")
    assert await charge_point.authorize("04A1B2") == "Invalid"
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "remove_id_tag", config_entry_id=entry_id, id_tag="04A1B2")
    assert raised.value.translation_key == "unknown_id_tag"


async def test_id_tag_services_need_a_chargeshare_entry(
    hass: HomeAssistant, setup_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as raised:
        await call(hass, "list_id_tags", True, config_entry_id="nope")
    assert raised.value.translation_key == "unknown_config_entry"
