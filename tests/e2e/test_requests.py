"""A listing that needs the host's approval: the driver's request reaches Home Assistant as an event, and the
host's answer from Home Assistant (the approve_booking / decline_booking services) settles it on the hub."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_capture_events

from custom_components.chargeshare.const import DOMAIN
from custom_components.chargeshare.hub_link.bookings import BookingStatus
from tests.waiting import until

from .conftest import TERMS, Home, next_slot
from .home import WAIT_S, booking_at_home, calendar_events

EVENT_REQUESTED = "chargeshare_booking_requested"


async def request_booking(hass: HomeAssistant, home: Home) -> tuple[dict[str, Any], dict[str, Any]]:
    """The driver asks for a slot in two hours; returns the booking and the event Home Assistant fired for it."""
    await home.api.set_terms(home.host, home.location_id, {**TERMS, "approval": "HOST_APPROVAL"})
    requested = async_capture_events(hass, EVENT_REQUESTED)
    start, end = next_slot(later=timedelta(hours=2))
    booking = await home.api.book(home.driver, home.location_id, start, end)
    assert booking["reservation_status"] == "PENDING"
    await until(lambda: len(requested) == 1, WAIT_S)
    event = requested[0].data
    assert (event["booking_id"], event["driver"], event["evse_uid"], event["change"]) == (booking["id"], "Dev", "CP1",
                                                                                          False)  # fmt: skip
    assert (datetime.fromisoformat(event["start"]), datetime.fromisoformat(event["end"])) == (start, end)
    return booking, event


async def test_the_host_declines_a_request_from_home_assistant_and_the_hub_shows_it_declined(
    hass: HomeAssistant, home: Home
) -> None:
    booking, event = await request_booking(hass, home)

    await hass.services.async_call(DOMAIN, "decline_booking", {"booking_id": booking["id"]}, blocking=True)
    await until(lambda: booking_at_home(hass, booking["id"]).status is BookingStatus.CANCELED, WAIT_S)

    shown = await home.api.booking(home.driver, booking["id"])
    assert shown["reservation_status"] == "REJECTED"
    assert [request["request_status"] for request in shown["booking_requests"]] == ["DECLINED"]
    assert booking_at_home(hass, booking["id"]).cancel_reason == "DECLINED"
    start = datetime.fromisoformat(event["start"])
    assert await calendar_events(hass, start - timedelta(hours=1), start + timedelta(hours=2)) == []


async def test_the_host_approves_a_request_and_the_booking_enters_the_calendar_with_its_id_tag(
    hass: HomeAssistant, home: Home
) -> None:
    booking, event = await request_booking(hass, home)

    await hass.services.async_call(DOMAIN, "approve_booking", {"booking_id": booking["id"]}, blocking=True)
    await until(lambda: booking_at_home(hass, booking["id"]).status is BookingStatus.RESERVED, WAIT_S)

    shown = await home.api.booking(home.driver, booking["id"])
    assert shown["reservation_status"] == "RESERVED"
    assert booking_at_home(hass, booking["id"]).id_tag == shown["id_tag"]
    start = datetime.fromisoformat(event["start"])
    events = await calendar_events(hass, start - timedelta(hours=1), start + timedelta(hours=2))
    assert [(e["summary"], datetime.fromisoformat(e["start"])) for e in events] == [("Booked by Dev", start)]
    assert shown["id_tag"] in events[0]["description"]
