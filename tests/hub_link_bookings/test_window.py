"""When a booking's id tag may charge: pure rules, with the clock passed in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.chargeshare.hub_link.bookings import (
    Booking,
    BookingPayloadError,
    BookingStatus,
    RequestState,
    booking_from_ocpi,
    request_from_ocpi,
    windows_of,
)
from custom_components.chargeshare.ocpp.authorization import AuthorizationStatus, IdTagAuthorizer

START = datetime(2026, 6, 3, 16, 0, tzinfo=UTC)
END = datetime(2026, 6, 3, 18, 30, tzinfo=UTC)


def reserved(**changes: Any) -> dict[str, Any]:
    """A `booking.reserved` payload as the hub sends it (OCPI 2.3 Booking plus the hub's id_tag)."""
    payload: dict[str, Any] = {
        "id": "bk-7f3a",
        "location_id": "LOC1",
        "evse_uid": "CP1",
        "connector_id": "1",
        "period": {"start_from": "2026-06-03T16:00:00Z", "end_before": "2026-06-03T18:30:00Z"},
        "reservation_status": "RESERVED",
        "id_tag": "BK7F3A",
        "booking_terms": {"early_start_allowed": True, "early_start_time": 10, "late_stop_allowed": True},
    }
    payload.update(changes)
    return payload


def authorizer(booking: Booking, now: datetime, allowed: dict[str, str] | None = None) -> IdTagAuthorizer:
    return IdTagAuthorizer(
        allowed or {}, "HomeAssistant", booked=lambda tag: windows_of([booking], tag), now=lambda: now
    )


@pytest.mark.parametrize(
    ("at", "status"),
    [
        (START - timedelta(minutes=10, seconds=1), AuthorizationStatus.INVALID),
        (START - timedelta(minutes=10), AuthorizationStatus.ACCEPTED),
        (START + timedelta(hours=1), AuthorizationStatus.ACCEPTED),
        (END + timedelta(minutes=10), AuthorizationStatus.ACCEPTED),
        (END + timedelta(minutes=10, seconds=1), AuthorizationStatus.INVALID),
    ],
)
def test_the_tag_charges_from_start_less_early_start_to_end_plus_late_stop(
    at: datetime, status: AuthorizationStatus
) -> None:
    booking = booking_from_ocpi(reserved(), needs_id_tag=True)
    assert authorizer(booking, at).status("BK7F3A") is status


def test_the_window_follows_the_terms() -> None:
    booking = booking_from_ocpi(
        reserved(booking_terms={"early_start_time": 30, "late_stop_allowed": True, "late_stop_time": 5}),
        needs_id_tag=True,
    )
    assert (booking.opens, booking.closes) == (START - timedelta(minutes=30), END + timedelta(minutes=5))


def test_the_hubs_spelled_out_window_wins_over_the_terms() -> None:
    booking = booking_from_ocpi(reserved(early_start_time=0, late_stop_time=15), needs_id_tag=True)
    assert (booking.opens, booking.closes) == (START, END + timedelta(minutes=15))


def test_terms_that_forbid_early_start_or_late_stop_leave_the_bare_slot() -> None:
    booking = booking_from_ocpi(
        reserved(booking_terms={"early_start_allowed": False, "early_start_time": 10, "late_stop_allowed": False}),
        needs_id_tag=True,
    )
    assert (booking.opens, booking.closes) == (START, END)


def test_without_terms_ten_minutes_each_side() -> None:
    booking = booking_from_ocpi(reserved(booking_terms=None), needs_id_tag=True)
    assert (booking.opens, booking.closes) == (START - timedelta(minutes=10), END + timedelta(minutes=10))


@pytest.mark.parametrize("status", ["CANCELED", "NO_SHOW", "PENDING", "REJECTED"])
def test_a_booking_that_does_not_hold_its_slot_never_lets_its_tag_charge(status: str) -> None:
    booking = booking_from_ocpi(reserved(reservation_status=status), needs_id_tag=True)
    assert authorizer(booking, START).status("BK7F3A") is AuthorizationStatus.INVALID


def test_a_cancelled_booking_is_refused_even_where_every_tag_may_charge() -> None:
    booking = booking_from_ocpi(reserved(), needs_id_tag=True).cancelled("DRIVER")
    assert booking.status is BookingStatus.CANCELED
    assert authorizer(booking, START).status("BK7F3A") is AuthorizationStatus.INVALID
    assert authorizer(booking, START).status("ANY-CARD") is AuthorizationStatus.ACCEPTED


def test_a_booking_tag_is_accepted_in_its_window_even_with_an_allow_list() -> None:
    booking = booking_from_ocpi(reserved(), needs_id_tag=True)
    checks = authorizer(booking, START, allowed={"04A1B2": "Anna"})
    assert checks.status("bk7f3a") is AuthorizationStatus.ACCEPTED  # chargers differ in case
    assert checks.status("04A1B2") is AuthorizationStatus.ACCEPTED
    assert checks.status("FFFFFF") is AuthorizationStatus.INVALID


def test_the_hosts_own_tags_are_never_limited_by_a_booking() -> None:
    booking = booking_from_ocpi(reserved(id_tag="04A1B2"), needs_id_tag=True)
    at_night = START - timedelta(hours=8)
    assert authorizer(booking, at_night, allowed={"04A1B2": "Anna"}).status("04A1B2") is AuthorizationStatus.ACCEPTED
    assert authorizer(booking, at_night).status("HomeAssistant") is AuthorizationStatus.ACCEPTED


def test_one_open_booking_of_a_tag_is_enough() -> None:
    earlier = booking_from_ocpi(reserved(), needs_id_tag=True)
    later = replace(earlier, booking_id="bk-2", start=END + timedelta(hours=2), end=END + timedelta(hours=3))
    checks = IdTagAuthorizer(
        {},
        "HomeAssistant",
        booked=lambda tag: windows_of([earlier, later], tag),
        now=lambda: END + timedelta(hours=2),
    )
    assert checks.status("BK7F3A") is AuthorizationStatus.ACCEPTED


def test_the_booked_drivers_name_is_the_tags_name() -> None:
    booking = booking_from_ocpi(reserved(driver_name="Alex"), needs_id_tag=True)
    assert authorizer(booking, START).name("BK7F3A") == "Alex"
    assert authorizer(booking, START).name("other") is None


def test_a_booking_survives_the_store() -> None:
    booking = booking_from_ocpi(reserved(driver_name="Alex", respond_by="2026-06-02T12:00:00Z"), needs_id_tag=True)
    assert Booking.from_dict(booking.to_dict()) == booking


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period": None}, "period"),
        ({"period": {"start_from": "tomorrow", "end_before": "2026-06-03T18:30:00Z"}}, "period.start_from"),
        ({"period": {"start_from": "2026-06-03T16:00:00", "end_before": "2026-06-03T18:30:00Z"}}, "period.start_from"),
        ({"period": {"start_from": "2026-06-03T18:30:00Z", "end_before": "2026-06-03T16:00:00Z"}}, "period.end_before"),
        ({"id_tag": None}, "id_tag"),
        ({"id_tag": "X" * 21}, "id_tag"),
        ({"id": ""}, "id"),
        ({"evse_uid": 7}, "evse_uid"),
        ({"reservation_status": "BOOKED"}, "reservation_status"),
        ({"booking_terms": {"early_start_time": -5}}, "booking_terms.early_start_time"),
        ({"booking_terms": {"late_stop_time": "10"}}, "booking_terms.late_stop_time"),
        ({"booking_terms": []}, "booking_terms"),
        ({"respond_by": "soon"}, "respond_by"),
        ({"late_stop_time": 1441}, "late_stop_time"),
    ],
)
def test_a_payload_that_breaks_the_contract_names_its_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(BookingPayloadError) as caught:
        booking_from_ocpi(reserved(**changes), needs_id_tag=True)
    assert caught.value.field == field


def test_a_request_needs_no_id_tag_yet() -> None:
    booking = booking_from_ocpi(reserved(id_tag=None, reservation_status="PENDING"), needs_id_tag=False)
    assert booking.id_tag is None
    assert not booking.holds_slot


def test_a_change_request_asks_for_its_pending_period_and_keeps_the_booking_where_it_is() -> None:
    asked = {"start_from": "2026-06-04T16:00:00Z", "end_before": "2026-06-04T17:00:00Z"}
    request = request_from_ocpi(
        reserved(
            booking_requests=[
                {"request_status": "ACCEPTED", "booking_request": {"period": reserved()["period"]}},
                {
                    "request_status": "PENDING",
                    "booking_request": {"period": asked, "evse_uid": "CP1"},
                    "respond_by": "2026-06-03T12:00:00Z",
                },
            ]
        )
    )
    assert request.is_change
    assert (request.start, request.end) == (START + timedelta(days=1), START + timedelta(days=1, hours=1))
    assert (request.booking.start, request.booking.end) == (START, END)
    assert request.booking.respond_by == datetime(2026, 6, 3, 12, tzinfo=UTC)
    assert request.booking.request is RequestState.WAITING


def test_a_new_request_asks_for_the_bookings_own_period() -> None:
    request = request_from_ocpi(reserved(reservation_status="PENDING", id_tag=None))
    assert not request.is_change
    assert (request.start, request.end) == (START, END)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reservation_status": "CANCELED"}, "reservation_status"),
        ({"booking_requests": []}, "booking_requests"),  # a reserved booking asked about without its change
        ({"booking_requests": {}}, "booking_requests"),
        ({"booking_requests": [{"request_status": "PENDING"}]}, "booking_request.period"),
    ],
)
def test_a_request_that_breaks_the_contract_names_its_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(BookingPayloadError) as caught:
        request_from_ocpi(reserved(**changes))
    assert caught.value.field == field
