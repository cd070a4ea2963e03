"""An OCPP charger behind the Charger contract: what it learns, what it does, what it keeps."""

from __future__ import annotations

from ocpp.v16 import call
import pytest

from custom_components.chargeshare.charger import (
    Capability,
    ChargerNotSupported,
    ChargerOffline,
    ChargerRejected,
    ChargerStatus,
    ConnectorStatus,
)
from custom_components.chargeshare.ocpp.charger import REMOTE_START_TAG, OcppChargerSettings
from sim.ocpp_charge_point import SimOptions
from tests.waiting import until

from .conftest import Harness, make_charger, settle


def actions(charge_point) -> list[str]:  # type: ignore[no-untyped-def]
    return [action for action, _ in charge_point.received]


def profile_limits(charge_point) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    return [
        (
            p["cs_charging_profiles"]["charging_profile_purpose"],
            float(p["cs_charging_profiles"]["charging_schedule"]["charging_schedule_period"][0]["limit"]),
        )
        for action, p in charge_point.received
        if action == "SetChargingProfile"
    ]


async def test_after_boot_it_learns_the_charger_and_asks_for_the_meter_values_it_shows(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await until(lambda: "TriggerMessage" in actions(charge_point))
    assert actions(charge_point)[:3] == ["GetConfiguration", "ChangeConfiguration", "TriggerMessage"]
    assert charge_point.configuration["MeterValuesSampledData"].split(",")[:4] == [
        "Energy.Active.Import.Register",
        "Power.Active.Import",
        "Current.Import",
        "Voltage",
    ]
    assert charger.state.capabilities & Capability.SMART_CHARGING
    assert charger.state.capabilities & Capability.TRIGGER_MESSAGE
    assert not charger.state.capabilities & Capability.RESERVATIONS
    assert charger.state.identity.firmware == "1.0.0"


async def test_measurands_are_changed_once_per_run_so_a_rebooting_charger_cannot_loop(harness: Harness) -> None:
    harness.add()
    first = await harness.connect()
    await until(lambda: "TriggerMessage" in actions(first))
    second = await harness.connect()
    await until(lambda: "TriggerMessage" in actions(second))
    assert "ChangeConfiguration" not in actions(second)


async def test_a_sample_interval_of_zero_is_raised(harness: Harness) -> None:
    harness.add()
    charge_point = await harness.connect(options=SimOptions(configuration={"MeterValueSampleInterval": "0"}))
    await until(lambda: charge_point.configuration["MeterValueSampleInterval"] == "15")


async def test_status_notifications_set_the_iec_state(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    for ocpp_status, connector, iec in [
        ("Available", ConnectorStatus.AVAILABLE, ChargerStatus.NO_VEHICLE),
        ("Preparing", ConnectorStatus.PREPARING, ChargerStatus.CONNECTED),
        ("Charging", ConnectorStatus.CHARGING, ChargerStatus.CHARGING),
        ("SuspendedEV", ConnectorStatus.SUSPENDED_EV, ChargerStatus.CONNECTED),
        ("Faulted", ConnectorStatus.FAULTED, ChargerStatus.ERROR),
        ("Unavailable", ConnectorStatus.UNAVAILABLE, ChargerStatus.FAULT),
    ]:
        await charge_point.send_status(ocpp_status)
        assert (charger.state.connector_status, charger.state.status) == (connector, iec)
    assert charger.state.available is False


async def test_a_fault_of_the_whole_charge_point_shows_on_the_connector(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charge_point.send_status("Charging")
    await charge_point.send_status("Available", connector_id=0)
    assert charger.state.status is ChargerStatus.CHARGING
    await charge_point.send_status("Faulted", connector_id=0, error_code="GroundFailure")
    assert charger.state.status is ChargerStatus.ERROR
    assert charger.state.error_code == "GroundFailure"
    await charge_point.send_status("Available", connector_id=0)  # says nothing about the connector
    assert charger.state.error_code == "GroundFailure"
    await charge_point.send_status("Unavailable", connector_id=2)  # a connector we do not serve
    assert charger.state.status is ChargerStatus.ERROR


async def test_a_session_is_metered_and_ends_with_no_current_flowing(harness: Harness) -> None:
    charger = harness.add(tags={"CARD1": "Anna"})
    charge_point = await harness.connect()
    await charge_point.plug_in()
    assert await charge_point.authorize("CARD1") == "Accepted"
    await charge_point.start_transaction("CARD1")
    await charge_point.charge(1800)
    state = charger.state
    assert state.meter.power_w == 16 * 230 * 3
    assert state.meter.current_a == (16.0, 16.0, 16.0)
    assert state.session is not None
    assert state.session.energy_kwh == pytest.approx(16 * 230 * 3 / 2000)
    assert (state.last_id_tag, state.last_id_tag_name) == ("CARD1", "Anna")
    await charge_point.stop_transaction()
    state = charger.state
    assert state.meter.power_w == 0
    assert state.meter.current_a == (0.0, 0.0, 0.0)
    assert state.session is not None
    assert state.session.ended_at is not None
    assert state.meter.energy_kwh == pytest.approx(1234 + 16 * 230 * 3 / 2000)


async def test_unknown_cards_are_refused_once_the_list_is_in_use_and_open_no_session(harness: Harness) -> None:
    charger = harness.add(tags={"CARD1": "Anna"})
    charge_point = await harness.connect()
    await charge_point.plug_in()
    assert await charge_point.authorize("STRANGER") == "Invalid"
    assert await charge_point.start_transaction("STRANGER") == "Invalid"
    assert charger.state.session is None
    assert charger.state.last_id_tag == "STRANGER"


async def test_meter_values_of_a_transaction_we_never_saw_start_are_followed(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    charge_point.transaction_id = 555
    charge_point.status = "Charging"
    await charge_point.charge(3600)
    assert charger.state.session is not None
    assert charger.state.session.session_id == "555"


async def test_allowing_charging_starts_a_session_for_a_waiting_car(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charge_point.plug_in()
    await charger.async_enable(True)
    await until(lambda: charge_point.transaction_id is not None)
    assert ("RemoteStartTransaction", {"id_tag": REMOTE_START_TAG, "connector_id": 1}) in charge_point.received
    await settle()
    assert charger.state.status is ChargerStatus.CHARGING


async def test_forbidding_charging_pauses_the_session_with_a_zero_amp_profile(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await charger.async_enable(False)
    await until(lambda: charge_point.status == "SuspendedEVSE")
    assert profile_limits(charge_point)[-1] == ("ChargePointMaxProfile", 0.0)
    assert not charger.state.enabled
    assert charge_point.transaction_id is not None
    await charger.async_enable(True)
    await until(lambda: charge_point.status == "Charging")
    assert profile_limits(charge_point)[-1] == ("ChargePointMaxProfile", 16.0)


async def test_without_smart_charging_forbidding_charging_stops_the_session(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect(options=SimOptions(smart_charging=False))
    await until(lambda: "TriggerMessage" in actions(charge_point))
    assert not charger.state.capabilities & Capability.SMART_CHARGING
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await charger.async_enable(False)
    await until(lambda: charge_point.transaction_id is None)
    assert "RemoteStopTransaction" in actions(charge_point)
    with pytest.raises(ChargerNotSupported):
        await charger.async_enable(True) or await charger.async_set_current(10)


async def test_a_charger_that_refuses_profiles_on_connector_0_gets_them_per_transaction(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect(options=SimOptions(accepts_charge_point_max_profile=False))
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await charger.async_set_current(10)
    assert profile_limits(charge_point) == [
        ("ChargePointMaxProfile", 10.0),
        ("TxDefaultProfile", 10.0),
        ("TxProfile", 10.0),
    ]
    assert charge_point.limit_a == 10
    assert charger.state.current_limit_a == 10


async def test_the_limit_is_clamped_to_the_chargers_maximum(harness: Harness) -> None:
    charger = harness.add(max_current_a=11)
    await harness.connect()
    await charger.async_set_current(32)
    assert charger.state.current_limit_a == 11


async def test_a_limit_set_while_charging_is_forbidden_applies_when_allowed_again(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charger.async_enable(False)
    await charger.async_set_current(8)
    assert charge_point.limit_a == 0
    await charger.async_enable(True)
    assert charge_point.limit_a == 8


async def test_after_a_reboot_our_limit_is_written_again(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charger.async_set_current(9)
    charge_point.profiles.clear()  # the charger lost it
    await charge_point.boot()
    await until(lambda: charge_point.limit_a == 9)


async def test_commands_reach_the_charger(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charger.async_reset()
    await charger.async_unlock()
    await charger.async_set_available(False)
    await until(lambda: charger.state.available is False)
    assert ("Reset", {"type": "Hard"}) in charge_point.received
    assert ("UnlockConnector", {"connector_id": 1}) in charge_point.received
    assert ("ChangeAvailability", {"connector_id": 0, "type": "Inoperative"}) in charge_point.received
    assert await charger.async_change_configuration("HeartbeatInterval", "60") == "NotSupported"
    assert await charger.async_change_configuration("MeterValueSampleInterval", "30") == "Accepted"
    configuration = await charger.async_get_configuration(["MeterValueSampleInterval", "Nope"])
    assert configuration == {
        "configuration": [{"key": "MeterValueSampleInterval", "value": "30", "readonly": False}],
        "unknown_keys": ["Nope"],
    }
    assert await charger.async_trigger_message("MeterValues") == "Accepted"


async def test_stopping_without_a_session_is_refused(harness: Harness) -> None:
    charger = harness.add()
    await harness.connect()
    with pytest.raises(ChargerRejected, match="no session"):
        await charger.async_stop_session()


async def test_a_refused_remote_start_is_an_error(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    charge_point.route_map["RemoteStartTransaction"]["_on_action"] = lambda **_: _rejected()
    with pytest.raises(ChargerRejected, match="Rejected"):
        await charger.async_start_session("CARD")


def _rejected():  # type: ignore[no-untyped-def]
    from ocpp.v16 import call_result

    return call_result.RemoteStartTransaction(status="Rejected")


async def test_commands_to_an_offline_charger_fail_at_once(harness: Harness) -> None:
    charger = harness.add()
    with pytest.raises(ChargerOffline):
        await charger.async_reset()
    with pytest.raises(ChargerOffline):
        await charger.async_set_current(10)


async def test_its_records_survive_being_stored_and_restored(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await charger.async_set_current(12)
    await charge_point.charge(3600)
    restored = make_charger(stored=charger.persisted())
    assert restored.state.meter.energy_kwh == charger.state.meter.energy_kwh
    assert restored.state.session == charger.state.session
    assert restored.state.current_limit_a == 12
    assert restored.state.enabled


@pytest.mark.parametrize("stored", [{"enabled": "yes"}, {"current_limit_a": "10"}, {"book": {"version": 7}}])
def test_unreadable_records_are_an_error(stored: dict) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        make_charger(stored=stored)


async def test_a_register_glitch_is_reported_once(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charge_point.send_meter_values()
    charge_point.register_wh = 0
    await charge_point.send_meter_values()
    await charge_point.send_meter_values()
    assert charger.state.meter.energy_kwh == pytest.approx(1234.0)
    assert caplog.text.count("ignored an energy register reading") == 1


async def test_new_settings_apply_and_the_limit_follows_a_lower_maximum(harness: Harness) -> None:
    charger = harness.add()
    await harness.connect()
    await charger.async_set_current(16)
    charger.update_settings(OcppChargerSettings("CP1", max_current_a=10))
    assert charger.state.current_limit_a == 10
    assert charger.state.max_current_a == 10


async def test_timestamps_without_a_time_zone_are_taken_as_utc(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charge_point.plug_in()
    await charge_point.start_transaction("CARD")
    await charge_point.call(
        call.MeterValues(
            connector_id=1,
            transaction_id=charge_point.transaction_id,
            meter_value=[{"timestamp": "2026-11-21T10:00:00", "sampledValue": [{"value": "1234500"}]}],
        )
    )
    assert charger.state.meter.energy_kwh == pytest.approx(1234.5)


async def test_phase_switching_is_refused_rather_than_ignored(harness: Harness) -> None:
    charger = harness.add(phases=3)
    await harness.connect()
    await charger.async_set_current(10, phases=3)
    with pytest.raises(ChargerNotSupported, match="1 phases"):
        await charger.async_set_current(10, phases=1)


async def test_a_second_boot_on_the_same_connection_configures_once_more(harness: Harness) -> None:
    harness.add()
    charge_point = await harness.connect()
    await charge_point.boot()
    await until(lambda: actions(charge_point).count("TriggerMessage") == 2)
    assert actions(charge_point).count("GetConfiguration") == 2


async def test_a_charger_without_remote_trigger_is_not_asked_for_its_status(harness: Harness) -> None:
    harness.add()
    options = SimOptions(configuration={"SupportedFeatureProfiles": "Core,SmartCharging"})
    charge_point = await harness.connect(options=options)
    await until(lambda: "ChangeConfiguration" in actions(charge_point))
    await settle()
    assert "TriggerMessage" not in actions(charge_point)


async def test_a_charger_that_refuses_a_setup_step_still_gets_its_limit_back(harness: Harness) -> None:
    charger = harness.add()
    charge_point = await harness.connect()
    await charger.async_set_current(9)
    charge_point.profiles.clear()
    charge_point.route_map["GetConfiguration"]["_on_action"] = _refuse
    await charge_point.boot()
    await until(lambda: charge_point.limit_a == 9)


def _refuse(**_: object) -> object:
    from ocpp.exceptions import InternalError

    raise InternalError
