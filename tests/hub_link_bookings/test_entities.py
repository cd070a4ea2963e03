"""What the host sees of the bookings: a calendar per charger, its next booking, and today's earnings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.chargeshare.const import DOMAIN
from custom_components.chargeshare.hub_link.bookings_book import BookingBook, IssuedCdr
from custom_components.chargeshare.hub_link.link import LinkRefusal
from tests.integration.helpers import jump_clock

from .conftest import LinkDouble, booking

NOW = datetime(2026, 6, 3, 15, 0, tzinfo=UTC)


def entity_id(hass: HomeAssistant, platform: str, key: str) -> str:
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"ocpp_CP1_{key}")
    assert found is not None, key
    return found


async def events_between(hass: HomeAssistant, start: datetime, end: datetime) -> list[dict[str, Any]]:
    calendar = entity_id(hass, "calendar", "bookings")
    response = await hass.services.async_call(
        "calendar",
        "get_events",
        {"entity_id": calendar, "start_date_time": start.isoformat(), "end_date_time": end.isoformat()},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    events: list[dict[str, Any]] = response[calendar]["events"]  # type: ignore[index,assignment]
    return events


@pytest.mark.freeze_time(NOW, tick=True)
async def test_the_calendar_shows_the_reserved_bookings(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link: LinkDouble, freezer: Any
) -> None:
    hass.config.set_time_zone("UTC")
    await link.deliver("booking.reserved", booking(NOW + timedelta(hours=1), driver_name="Alex"))
    await link.deliver("booking.reserved", booking(NOW + timedelta(days=1), booking_id="bk-2", id_tag="BK2"))
    await link.deliver("booking.requested", booking(NOW + timedelta(days=2), booking_id="bk-3", status="PENDING"))
    await hass.async_block_till_done()

    events = await events_between(hass, NOW, NOW + timedelta(days=7))
    assert [(e["summary"], e["start"], e["end"]) for e in events] == [
        ("Booked by Alex", "2026-06-03T16:00:00+00:00", "2026-06-03T18:00:00+00:00"),
        ("Booked", "2026-06-04T15:00:00+00:00", "2026-06-04T17:00:00+00:00"),
    ]
    assert events[0]["description"] == "Booking bk-7f3a, id tag BK7F3A, may charge 15:50-18:10"
    assert await events_between(hass, NOW + timedelta(hours=4), NOW + timedelta(hours=5)) == []

    calendar = entity_id(hass, "calendar", "bookings")
    assert hass.states.get(calendar).state == STATE_OFF  # type: ignore[union-attr]
    assert hass.states.get(calendar).attributes["message"] == "Booked by Alex"  # type: ignore[union-attr]
    jump_clock(freezer, timedelta(hours=1))
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert hass.states.get(calendar).state == STATE_ON  # type: ignore[union-attr]

    await link.deliver("booking.cancelled", {"booking_id": "bk-7f3a", "reason": "HOST"})
    await hass.async_block_till_done()
    assert [e["summary"] for e in await events_between(hass, NOW, NOW + timedelta(days=7))] == ["Booked"]
    assert hass.states.get(calendar).state == STATE_OFF  # type: ignore[union-attr]
    await hass.config_entries.async_unload(setup_integration.entry_id)


@pytest.mark.freeze_time(NOW, tick=True)
async def test_the_next_booking_sensor_moves_on_when_a_booking_ends(
    hass: HomeAssistant, setup_integration: MockConfigEntry, link: LinkDouble, freezer: Any
) -> None:
    sensor = entity_id(hass, "sensor", "next_booking")
    assert hass.states.get(sensor).state == STATE_UNKNOWN  # type: ignore[union-attr]

    await link.deliver("booking.reserved", booking(NOW + timedelta(hours=1), driver_name="Alex"))
    await link.deliver("booking.reserved", booking(NOW + timedelta(days=1), booking_id="bk-2", id_tag="BK2"))
    await hass.async_block_till_done()
    state = hass.states.get(sensor)
    assert state is not None
    assert state.state == "2026-06-03T16:00:00+00:00"
    assert state.attributes["booking_id"] == "bk-7f3a"
    assert state.attributes["driver"] == "Alex"
    assert state.attributes["end"] == "2026-06-03T18:00:00+00:00"

    jump_clock(freezer, timedelta(hours=3))  # the first booking has ended
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()
    assert hass.states.get(sensor).state == "2026-06-04T15:00:00+00:00"  # type: ignore[union-attr]
    await hass.config_entries.async_unload(setup_integration.entry_id)


async def test_earnings_count_the_cdrs_received_today_per_currency(hass: HomeAssistant) -> None:
    book = BookingBook(hass)
    await book.async_load()
    midnight = dt_util.start_of_local_day()
    for cdr_id, amount, currency, received in [
        ("yesterday", 9.0, "EUR", midnight - timedelta(minutes=1)),
        ("morning", 3.25, "EUR", midnight + timedelta(hours=8)),
        ("noon", 1.5, "EUR", midnight + timedelta(hours=12)),
        ("abroad", 4.0, "CHF", midnight + timedelta(hours=13)),
    ]:
        await book.async_add_cdr(IssuedCdr(cdr_id, f"s-{cdr_id}", amount, currency, received))
    assert book.earnings_since(midnight) == {"EUR": 4.75, "CHF": 4.0}
    assert book.last_currency() == "CHF"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"cdr_id": "c1", "currency": "EUR", "total_cost": {"excl_vat": 2.0}}, "session_id"),
        ({"session_id": "s1", "cdr_id": "c1", "currency": "EURO", "total_cost": {"excl_vat": 2.0}}, "currency"),
        ({"session_id": "s1", "cdr_id": "c1", "currency": "EUR", "total_cost": 2.0}, "total_cost"),
        (
            {"session_id": "s1", "cdr_id": "c1", "currency": "EUR", "total_cost": {"excl_vat": -1}},
            "total_cost.excl_vat",
        ),
    ],
)
async def test_a_cdr_that_breaks_the_contract_is_refused(
    hass: HomeAssistant, link: LinkDouble, payload: dict[str, Any], field: str
) -> None:
    with pytest.raises(LinkRefusal) as refused:
        await link.deliver("cdr.issued", payload)
    assert refused.value.field == field
