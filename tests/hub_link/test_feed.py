"""What the hub hears about the chargers: statuses within 2 s, sharing, and guest sessions from start to end.

A real central system with a simulated charger dialling in, and the link to the fake hub.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.chargeshare.hub_link import guest_sessions
from custom_components.chargeshare.hub_link.up_messages import hub_session_id
from sim.ocpp_charge_point import SimulatedChargePoint
from tests.integration.helpers import ConnectCharger, entity_id, settle
from tests.waiting import until

from .conftest import link_of
from .fake_hub import FakeHub

TAG = "BK7F3A"
LISTING = {"location_id": "LOC1", "listing_url": "https://hub.example/listings/LOC1"}


def ocpi_time(at: datetime) -> str:
    return dt_util.as_utc(at).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def reserved(start: datetime, *, id_tag: str = TAG, booking_id: str = "bk-1") -> dict[str, Any]:
    """A booking.reserved payload as the hub sends it (OCPI 2.3 Booking with the driver's id tag)."""
    return {
        "id": booking_id,
        "location_id": "LOC1",
        "evse_uid": "CP1",
        "connector_id": "1",
        "id_tag": id_tag,
        "period": {"start_from": ocpi_time(start), "end_before": ocpi_time(start + timedelta(hours=2))},
        "reservation_status": "RESERVED",
    }


async def deliver(hub: FakeHub, type_: str, payload: dict[str, Any]) -> None:
    """Send a down message and wait for Home Assistant's ack."""
    frame_id = await hub.send(type_, payload)
    await until(lambda: any(frame["payload"].get("id") == frame_id for frame in hub.answers()))
    assert [f["type"] for f in hub.answers() if f["payload"].get("id") == frame_id] == ["ack"]


def statuses(hub: FakeHub) -> list[str]:
    return [payload["status"] for payload in hub.payloads("evse.status")]


async def test_statuses_wait_for_the_listing_id_then_reach_the_hub_within_2_seconds(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    charger = await connect_charger()
    await settle(hass)
    assert hub.frames("evse.status") == []  # no listing on the hub yet: nothing to name
    await deliver(hub, "listing.saved", LISTING)
    await until(lambda: statuses(hub) == ["AVAILABLE"])
    first = hub.payloads("evse.status")[0]
    assert first["location_id"] == "LOC1"
    assert first["evse_uid"] == "CP1"
    assert first["changed_at"].endswith("Z")
    began = time.monotonic()
    await charger.plug_in()
    await until(lambda: statuses(hub)[-1:] == ["CHARGING"], within_s=2.0)
    assert time.monotonic() - began < 2.0
    await charger.send_status("Faulted", error_code="GroundFailure")
    await until(lambda: statuses(hub)[-1:] == ["OUTOFORDER"])
    await until(lambda: len(hub.payloads("fault")) == 1)
    assert hub.payloads("fault")[0] == {
        "location_id": "LOC1",
        "evse_uid": "CP1",
        "error_code": "GroundFailure",
        "info": "OUTOFORDER",
    }
    await charger.close()
    await until(lambda: statuses(hub)[-1:] == ["UNKNOWN"])  # offline: OCPI's UNKNOWN


async def test_sharing_changes_reach_the_hub_with_the_windows_of_the_coming_week(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    await connect_charger()
    await deliver(hub, "listing.saved", LISTING)
    await until(lambda: len(hub.payloads("availability")) == 1)
    assert hub.payloads("availability")[0]["sharing"] is False
    assert hub.payloads("availability")[0]["windows"] == []
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": entity_id(hass, "switch", "sharing")}, blocking=True
    )
    await until(lambda: any(payload["sharing"] for payload in hub.payloads("availability")))
    shared = hub.payloads("availability")[-1]
    today = dt_util.utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    assert shared["windows"] == [{"from": ocpi_time(today), "to": ocpi_time(today + timedelta(days=8))}]
    assert shared["location_id"] == "LOC1"
    await hass.services.async_call(
        "text",
        "set_value",
        {"entity_id": entity_id(hass, "text", "sharing_windows"), "value": "mon-sun 08:00-09:00"},
        blocking=True,
    )
    await until(lambda: len(hub.payloads("availability")[-1]["windows"]) >= 7)


async def plug_in_for_a_booking(hub: FakeHub, charger: SimulatedChargePoint) -> None:
    """The listing known, a booking open since five minutes, and the guest's car plugged in."""
    await deliver(hub, "listing.saved", LISTING)
    await deliver(hub, "booking.reserved", reserved(dt_util.utcnow() - timedelta(minutes=5)))
    await charger.plug_in()


async def start_guest_session(hub: FakeHub, hass: HomeAssistant, charger: SimulatedChargePoint) -> None:
    await plug_in_for_a_booking(hub, charger)
    assert await charger.start_transaction(TAG) == "Accepted"
    await until(lambda: len(hub.payloads("session.start")) == 1)


async def test_a_session_started_from_the_hub_page_goes_up_as_started_by_command(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    charger = await connect_charger()
    await plug_in_for_a_booking(hub, charger)
    start = {"command_id": "c1", "booking_id": "bk-1", "evse_uid": "CP1", "connector_id": "1", "id_tag": TAG}
    await deliver(hub, "command.start", start)
    await until(lambda: len(hub.payloads("session.start")) == 1)
    assert hub.payloads("session.start")[0]["auth_method"] == "COMMAND"

    await charger.stop_transaction()
    assert await charger.start_transaction(TAG) == "Accepted"  # the next one, at the charger: the tag's own
    await until(lambda: len(hub.payloads("session.start")) == 2)
    assert hub.payloads("session.start")[1]["auth_method"] == "WHITELIST"


async def test_a_guest_session_goes_up_from_start_to_end_with_the_meter_at_both_ends(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    charger = await connect_charger()
    meter_start = round(charger.register_wh)
    await start_guest_session(hub, hass, charger)
    start = hub.payloads("session.start")[0]
    assert start["location_id"] == "LOC1"
    assert start["evse_uid"] == "CP1"
    assert start["connector_id"] == "1"
    assert start["id_tag"] == TAG
    assert start["auth_method"] == "WHITELIST"
    assert start["meter_start_wh"] == meter_start
    session_id = start["session_id"]
    assert len(session_id) == 36
    assert hass.states.get(entity_id(hass, "binary_sensor", "guest_session")).state == "on"
    monkeypatch.setattr(guest_sessions, "PROGRESS_INTERVAL", timedelta(0))  # test_guest_sessions.py: the 10 s
    await charger.charge(5000 / charger.power_w * 3600)  # 5 kWh
    await until(lambda: len(hub.payloads("session.progress")) == 1)
    progress = hub.payloads("session.progress")[0]
    assert progress["session_id"] == session_id
    assert progress["meter_wh"] == meter_start + 5000
    assert progress["power_w"] > 0
    await charger.stop_transaction()
    await until(lambda: len(hub.payloads("session.end")) == 1)
    end = hub.payloads("session.end")[0]
    assert end["session_id"] == session_id
    assert end["meter_stop_wh"] == round(charger.register_wh)
    assert end["reason"] == "Local"
    assert end["end"].endswith("Z")
    await until(lambda: hass.states.get(entity_id(hass, "binary_sensor", "guest_session")).state == "off")
    await until(lambda: link_of(linked).pending == 0)
    assert link_of(linked).pending == 0


async def test_the_hosts_own_charging_stays_at_home(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    charger = await connect_charger()
    await deliver(hub, "listing.saved", LISTING)
    await charger.plug_in()
    assert await charger.start_transaction("HOSTCARD") == "Accepted"
    await charger.charge(600)
    await charger.stop_transaction()
    await settle(hass)
    assert [frame["type"] for frame in hub.received if frame["type"].startswith("session.")] == []


async def test_a_restart_of_the_link_in_the_middle_of_a_session_neither_repeats_nor_loses_it(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    charger = await connect_charger()
    await start_guest_session(hub, hass, charger)
    session_id = hub.payloads("session.start")[0]["session_id"]
    await until(lambda: link_of(linked).pending == 0)
    assert await hass.config_entries.async_unload(linked.entry_id)
    assert await hass.config_entries.async_setup(linked.entry_id)
    await until(lambda: link_of(linked).connected)
    await charger.charge(3600)
    await charger.stop_transaction()
    await until(lambda: len(hub.payloads("session.end")) == 1)
    await settle(hass)
    assert len(hub.payloads("session.start")) == 1
    assert hub.payloads("session.end")[0]["session_id"] == session_id
    assert hub.payloads("session.end")[0]["meter_stop_wh"] == round(charger.register_wh)


async def test_a_session_that_ends_while_the_hub_is_away_reaches_it_once_it_is_back(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    charger = await connect_charger()
    await start_guest_session(hub, hass, charger)
    hub.refuse_with = 503
    await hub.drop()
    await until(lambda: not link_of(linked).connected)
    await charger.charge(1800)
    await charger.stop_transaction()
    await settle(hass)
    assert hub.payloads("session.end") == []
    hub.refuse_with = None
    await until(lambda: len(hub.payloads("session.end")) == 1)
    await until(lambda: link_of(linked).pending == 0)
    assert len(hub.payloads("session.end")) == 1


def test_the_hub_session_id_is_stable_and_unique_per_installation_and_charger() -> None:
    one = hub_session_id("entry-a", "CP1", "1700000000")
    assert one == hub_session_id("entry-a", "CP1", "1700000000")
    assert one != hub_session_id("entry-b", "CP1", "1700000000")
    assert one != hub_session_id("entry-a", "CP2", "1700000000")
    assert len(one) == 36


async def test_a_restart_of_home_assistant_in_the_middle_of_a_session_loses_nothing(
    hub: FakeHub,
    hass: HomeAssistant,
    setup_integration: MockConfigEntry,
    linked: MockConfigEntry,
    connect_charger: ConnectCharger,
) -> None:
    charger = await connect_charger()
    await start_guest_session(hub, hass, charger)
    start = hub.payloads("session.start")[0]
    await charger.charge(1800)
    hub.auto_ack = False  # what goes up from here is not acknowledged before the restart
    await charger.charge(1800)
    for entry in (linked, setup_integration):
        assert await hass.config_entries.async_unload(entry.entry_id)
    await charger.close()
    hub.auto_ack = True
    for entry in (setup_integration, linked):
        assert await hass.config_entries.async_setup(entry.entry_id)
    await until(lambda: link_of(linked).connected)
    # The charger dials in again and finishes the transaction it kept through the outage.
    again = await connect_charger()
    again.transaction_id, again.id_tag, again.register_wh = charger.transaction_id, TAG, charger.register_wh
    await again.stop_transaction()
    await until(lambda: len(hub.payloads("session.end")) >= 1)
    await until(lambda: link_of(linked).pending == 0)
    assert {payload["session_id"] for payload in hub.payloads("session.start")} == {start["session_id"]}
    [end] = hub.payloads("session.end")
    assert end["session_id"] == start["session_id"]
    assert end["meter_stop_wh"] == round(again.register_wh)
    assert end["meter_stop_wh"] - start["meter_start_wh"] == round(2 * 1800 * charger.power_w / 3600)
