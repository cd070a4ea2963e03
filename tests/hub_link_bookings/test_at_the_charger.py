"""A booking at the charger: its id tag charges inside its window only, over a real OCPP connection; chargers
with the Reservation profile are reserved when the window opens; a start or stop from the hub page reaches the
charger and its outcome goes back up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.chargeshare.const import CONF_ID_TAGS
from custom_components.chargeshare.hub_link.bookings_book import loaded_booking_book
from custom_components.chargeshare.hub_link.link import LinkRefusal
from custom_components.chargeshare.hub_link.state import OpenSession
from sim.ocpp_charge_point import SimOptions, SimulatedChargePoint
from tests.integration.helpers import ConnectCharger, jump_clock, settle
from tests.waiting import until

from .conftest import LinkDouble, booking

NOW = datetime(2026, 6, 3, 15, 0, tzinfo=UTC)


def reservation_of(booking_id: str, hass: HomeAssistant) -> int | None:
    """The OCPP reservation the integration holds for a booking, once the charger accepted it."""
    book = loaded_booking_book(hass)
    stored = None if book is None else book.booking(booking_id)
    return None if stored is None else stored.reservation_id


def actions(charge_point: SimulatedChargePoint, name: str) -> list[dict[str, Any]]:
    return [payload for action, payload in charge_point.received if action == name]


async def test_the_booked_tag_is_accepted_inside_its_window_and_refused_outside(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    now = dt_util.utcnow()
    await link.deliver("booking.reserved", booking(now + timedelta(minutes=5), booking_id="now", id_tag="NOW1"))
    await link.deliver("booking.reserved", booking(now + timedelta(hours=3), booking_id="later", id_tag="LATER1"))
    await link.deliver("booking.reserved", booking(now - timedelta(hours=3), booking_id="past", id_tag="PAST1"))
    charge_point = await connect_charger()

    assert await charge_point.authorize("NOW1") == "Accepted"  # 5 minutes early: within the early start
    assert await charge_point.authorize("now1") == "Accepted"
    assert await charge_point.authorize("LATER1") == "Invalid"
    assert await charge_point.authorize("PAST1") == "Invalid"
    assert await charge_point.authorize("ANY-CARD") == "Accepted"  # no allow-list: the host's charger is open


async def test_a_booking_at_another_charger_does_not_open_this_one(
    hass: HomeAssistant, config_entry: MockConfigEntry, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    hass.config_entries.async_update_entry(
        config_entry, options={**config_entry.options, CONF_ID_TAGS: {"04A1": "Anna"}}
    )
    await link.deliver("booking.reserved", booking(dt_util.utcnow(), evse_uid="CP2"))
    charge_point = await connect_charger()
    assert await charge_point.authorize("BK7F3A") == "Invalid"


async def test_with_an_allow_list_the_booked_tag_still_charges_in_its_window(
    hass: HomeAssistant, config_entry: MockConfigEntry, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    hass.config_entries.async_update_entry(
        config_entry, options={**config_entry.options, CONF_ID_TAGS: {"04A1": "Anna"}}
    )
    await link.deliver("booking.reserved", booking(dt_util.utcnow()))
    charge_point = await connect_charger()
    assert await charge_point.authorize("BK7F3A") == "Accepted"
    assert await charge_point.authorize("04A1") == "Accepted"
    assert await charge_point.authorize("STRANGER") == "Invalid"


async def test_a_session_starts_on_the_booked_tag_and_is_refused_once_cancelled(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    await link.deliver("booking.reserved", booking(dt_util.utcnow()))
    charge_point = await connect_charger()
    await charge_point.plug_in()
    assert await charge_point.start_transaction("BK7F3A") == "Accepted"
    await charge_point.stop_transaction()

    await link.deliver("booking.cancelled", {"booking_id": "bk-7f3a", "reason": "DRIVER"})
    assert await charge_point.authorize("BK7F3A") == "Invalid"
    assert await charge_point.start_transaction("BK7F3A") == "Invalid"


async def test_a_moved_booking_moves_its_window(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    now = dt_util.utcnow()
    await link.deliver("booking.reserved", booking(now))
    charge_point = await connect_charger()
    assert await charge_point.authorize("BK7F3A") == "Accepted"
    moved = booking(now + timedelta(days=1))
    del moved["id_tag"]  # a change may leave out what did not change
    await link.deliver("booking.changed", moved)
    assert await charge_point.authorize("BK7F3A") == "Invalid"


@pytest.mark.freeze_time(NOW, tick=True)
async def test_a_charger_with_reservations_is_reserved_when_the_window_opens(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger, freezer: Any
) -> None:
    charge_point = await connect_charger(options=SimOptions(reservations=True))
    await link.deliver("booking.reserved", booking(NOW + timedelta(hours=1)))
    assert actions(charge_point, "ReserveNow") == []  # a reservation holds the connector: not an hour early

    jump_clock(freezer, timedelta(minutes=50))  # the early start: 10 minutes before the slot
    async_fire_time_changed(hass, dt_util.utcnow())
    await until(lambda: reservation_of("bk-7f3a", hass) is not None)
    reservation = actions(charge_point, "ReserveNow")[0]
    assert reservation["id_tag"] == "BK7F3A"
    assert reservation["expiry_date"] == "2026-06-03T18:10:00Z"  # the end plus the late stop
    assert reservation["connector_id"] == 1

    await link.deliver("booking.cancelled", {"booking_id": "bk-7f3a", "reason": "DRIVER"})
    assert actions(charge_point, "CancelReservation") == [{"reservation_id": reservation["reservation_id"]}]
    assert charge_point.reservations == {}


async def test_a_booking_open_already_is_reserved_at_once_and_a_moved_one_again(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger(options=SimOptions(reservations=True))
    now = dt_util.utcnow()
    await link.deliver("booking.reserved", booking(now))
    await link.deliver("booking.reserved", booking(now))  # the same again: one reservation
    [first] = actions(charge_point, "ReserveNow")

    await link.deliver("booking.changed", booking(now - timedelta(minutes=5)))
    assert actions(charge_point, "CancelReservation") == [{"reservation_id": first["reservation_id"]}]
    [_, second] = actions(charge_point, "ReserveNow")
    assert second["reservation_id"] != first["reservation_id"]


@pytest.mark.freeze_time(NOW, tick=True)
async def test_a_charger_offline_when_the_window_opens_is_reserved_once_it_is_back(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger, freezer: Any
) -> None:
    await link.deliver("booking.reserved", booking(NOW))  # open now; CP1 is configured, not connected
    assert reservation_of("bk-7f3a", hass) is None
    charge_point = await connect_charger(options=SimOptions(reservations=True))
    await settle(hass)
    assert actions(charge_point, "ReserveNow") == []  # nothing tells the plan; the minute's retry does

    jump_clock(freezer, timedelta(minutes=1))
    async_fire_time_changed(hass, dt_util.utcnow())
    await until(lambda: reservation_of("bk-7f3a", hass) is not None)
    assert [r["id_tag"] for r in actions(charge_point, "ReserveNow")] == ["BK7F3A"]


async def test_a_charger_without_reservations_only_checks_the_tag(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    charge_point = await connect_charger()
    await link.deliver("booking.reserved", booking(dt_util.utcnow()))
    await settle(hass)
    assert actions(charge_point, "ReserveNow") == []
    assert await charge_point.authorize("BK7F3A") == "Accepted"


async def test_start_from_the_hub_page_starts_the_booked_session(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    await link.deliver("booking.reserved", booking(dt_util.utcnow()))
    charge_point = await connect_charger()
    await charge_point.plug_in()
    start = {"command_id": "c1", "booking_id": "bk-7f3a", "evse_uid": "CP1", "connector_id": "1", "id_tag": "BK7F3A"}
    await link.deliver("command.start", start)

    assert actions(charge_point, "RemoteStartTransaction")[0]["id_tag"] == "BK7F3A"
    assert link.sent == [("command.result", {"command_id": "c1", "result": "ACCEPTED"})]
    await until(lambda: charge_point.transaction_id is not None)  # the charger started it, with our consent
    await settle(hass)

    transaction_id, session_id = charge_point.transaction_id, "5f0c3c1e-hub-session"
    link.guest_sessions["CP1"] = OpenSession(str(transaction_id), session_id, "LOC1", 1_234_000)
    await link.deliver("command.stop", {"command_id": "c2", "session_id": session_id})
    assert actions(charge_point, "RemoteStopTransaction") == [{"transaction_id": transaction_id}]
    assert link.sent[-1] == ("command.result", {"command_id": "c2", "result": "ACCEPTED", "session_id": session_id})
    await until(lambda: charge_point.transaction_id is None)


async def test_start_outside_the_window_is_refused_and_reaches_no_charger(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    await link.deliver("booking.reserved", booking(dt_util.utcnow() + timedelta(hours=2)))
    charge_point = await connect_charger()
    start = {"command_id": "c1", "booking_id": "bk-7f3a", "evse_uid": "CP1", "connector_id": "1", "id_tag": "BK7F3A"}
    with pytest.raises(LinkRefusal) as refused:
        await link.deliver("command.start", start)
    assert (refused.value.code, refused.value.field) == ("outside_window", "booking_id")
    assert actions(charge_point, "RemoteStartTransaction") == []
    assert link.sent == []


@pytest.mark.parametrize(
    ("command", "code", "field"),
    [
        ({"booking_id": "unknown", "id_tag": "BK7F3A"}, "unknown_booking", "booking_id"),
        ({"booking_id": "bk-7f3a", "id_tag": "SOMEONE"}, "invalid", "id_tag"),
        ({"booking_id": "bk-7f3a"}, "invalid", "id_tag"),
    ],
)
async def test_a_start_for_the_wrong_booking_or_tag_is_refused(
    hass: HomeAssistant, link: LinkDouble, command: dict[str, Any], code: str, field: str
) -> None:
    await link.deliver("booking.reserved", booking(dt_util.utcnow()))
    with pytest.raises(LinkRefusal) as refused:
        await link.deliver("command.start", {"command_id": "c1", **command})
    assert (refused.value.code, refused.value.field) == (code, field)


async def test_a_start_the_charger_cannot_take_comes_back_failed(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link: LinkDouble
) -> None:
    await link.deliver("booking.reserved", booking(dt_util.utcnow()))  # CP1 is configured, not connected
    await link.deliver("command.start", {"command_id": "c1", "booking_id": "bk-7f3a", "id_tag": "BK7F3A"})
    assert link.sent == [("command.result", {"command_id": "c1", "result": "FAILED"})]


async def test_a_start_while_the_charger_charges_another_car_comes_back_rejected(
    hass: HomeAssistant, link: LinkDouble, connect_charger: ConnectCharger
) -> None:
    await link.deliver("booking.reserved", booking(dt_util.utcnow()))
    charge_point = await connect_charger()
    await charge_point.plug_in()
    assert await charge_point.start_transaction("HOST-CAR") == "Accepted"  # the host's own car, still charging
    await link.deliver("command.start", {"command_id": "c1", "booking_id": "bk-7f3a", "id_tag": "BK7F3A"})
    assert link.sent == [("command.result", {"command_id": "c1", "result": "REJECTED"})]


async def test_a_stop_for_a_session_not_running_here_is_refused(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link: LinkDouble
) -> None:
    with pytest.raises(LinkRefusal) as refused:
        await link.deliver("command.stop", {"command_id": "c2", "session_id": "S-404"})
    assert (refused.value.code, refused.value.field) == ("unknown_session", "session_id")
