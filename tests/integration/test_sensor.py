"""Sensors show the charger's status, meter and session as Home Assistant expects them."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from sim.ocpp_charge_point import SimOptions

from .helpers import ConnectCharger, entity_id, settle


def state(hass: HomeAssistant, key: str, charge_point_id: str = "CP1") -> str:
    found = hass.states.get(entity_id(hass, "sensor", key, charge_point_id))
    assert found is not None
    return found.state


async def test_status_follows_the_connector(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    assert (state(hass, "status"), state(hass, "connector_status")) == ("no_vehicle", "available")
    await charge_point.plug_in()
    await settle(hass)
    assert (state(hass, "status"), state(hass, "connector_status")) == ("connected", "preparing")
    await charge_point.send_status("Faulted", error_code="GroundFailure")
    await settle(hass)
    assert (state(hass, "status"), state(hass, "connector_status")) == ("error", "faulted")


async def test_status_sensors_are_enums_with_translated_states(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    await connect_charger()
    status = hass.states.get(entity_id(hass, "sensor", "status"))
    assert status is not None
    assert status.attributes["device_class"] == "enum"
    assert status.attributes["options"] == ["no_vehicle", "connected", "charging", "error", "fault"]
    assert status.attributes["friendly_name"] == "CP1 Status"


async def test_a_three_phase_session(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD1")
    await charge_point.charge(1800)
    await settle(hass)
    assert state(hass, "status") == "charging"
    assert float(state(hass, "power")) == 16 * 230 * 3
    assert float(state(hass, "current")) == 16
    assert float(state(hass, "voltage")) == 230
    assert float(state(hass, "energy")) == pytest.approx(1234 + 11.04 / 2)
    assert float(state(hass, "session_energy")) == pytest.approx(5.52)
    assert 0 <= float(state(hass, "session_duration")) < 1  # minutes, as suggested: the session just began
    assert state(hass, "last_id_tag") == "CARD1"
    assert state(hass, "firmware") == "1.0.0"


async def test_the_session_duration_grows_without_messages(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD1")
    await settle(hass)
    with freeze_time(dt_util.utcnow()) as frozen:  # after the network traffic: frozen time stops the loop's timers
        frozen.tick(timedelta(minutes=10))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        assert float(state(hass, "session_duration")) == pytest.approx(10, abs=0.1)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_phase_values_are_diagnostics(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    charge_point = await connect_charger(options=SimOptions(phases=1))
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD1")
    await charge_point.charge(60)
    await settle(hass)
    assert float(state(hass, "current_l1")) == 16
    assert state(hass, "current_l2") == STATE_UNKNOWN
    assert float(state(hass, "voltage_l1")) == 230
    registry_entry = er.async_get(hass).async_get(entity_id(hass, "sensor", "current_l1"))
    assert registry_entry is not None
    assert registry_entry.entity_category == "diagnostic"
    assert float(state(hass, "power")) == 16 * 230


async def test_phase_sensors_are_disabled_by_default(hass: HomeAssistant, connect_charger: ConnectCharger) -> None:
    await connect_charger()
    registry_entry = er.async_get(hass).async_get(entity_id(hass, "sensor", "voltage_l3"))
    assert registry_entry is not None
    assert registry_entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION


@pytest.mark.parametrize(
    ("options", "power", "energy"),
    [
        (SimOptions(power_unit="kW", energy_unit="kWh"), 11040, 1234 + 11.04),
        (SimOptions(power_unit=None, energy_unit=None), 11040, 1234 + 11.04),
        (SimOptions(power_unit="W", energy_unit="Wh"), 11040, 1234 + 11.04),
    ],
)
async def test_units_are_normalised(
    hass: HomeAssistant, connect_charger: ConnectCharger, options: SimOptions, power: float, energy: float
) -> None:
    charge_point = await connect_charger(options=options)
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD1")
    await charge_point.charge(3600)
    await settle(hass)
    assert float(state(hass, "power")) == pytest.approx(power)
    assert float(state(hass, "energy")) == pytest.approx(energy, abs=0.01)
    energy_state = hass.states.get(entity_id(hass, "sensor", "energy"))
    assert energy_state is not None
    assert energy_state.attributes["state_class"] == "total_increasing"
    assert energy_state.attributes["unit_of_measurement"] == "kWh"


async def test_a_charger_that_reports_session_energy_in_the_register(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger(options=SimOptions(register="session"))
    await charge_point.plug_in()
    for _ in range(2):
        await charge_point.start_transaction("CARD1")
        await charge_point.charge(3600)
        await charge_point.stop_transaction()
    await settle(hass)
    assert float(state(hass, "energy")) == pytest.approx(2 * 11.04)
    assert float(state(hass, "session_energy")) == pytest.approx(11.04)


async def test_known_cards_show_their_name(
    hass: HomeAssistant, config_entry: MockConfigEntry, connect_charger: ConnectCharger
) -> None:
    hass.config_entries.async_update_entry(config_entry, options={**config_entry.options, "id_tags": {"CARD1": "Anna"}})
    charge_point = await connect_charger()
    await charge_point.authorize("card1")
    await settle(hass)
    assert state(hass, "last_id_tag") == "Anna"


async def test_sensors_are_unavailable_while_the_charger_is_offline(
    hass: HomeAssistant, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    assert state(hass, "power") != STATE_UNAVAILABLE
    await charge_point.close()
    await settle(hass)
    assert state(hass, "power") == STATE_UNAVAILABLE
    assert state(hass, "status") == STATE_UNAVAILABLE
