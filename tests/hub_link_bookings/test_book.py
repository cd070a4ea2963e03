"""The booking book keeps what the hub sent across restarts, forgets what is long past, and goes with the link."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.chargeshare.hub_link.bookings import RequestState, booking_from_ocpi, request_from_ocpi
from custom_components.chargeshare.hub_link.bookings_book import (
    STORAGE_KEY,
    BookingBook,
    IssuedCdr,
    async_booking_book,
)
from custom_components.chargeshare.hub_link.bookings_link import async_forget_bookings

from .conftest import booking

COMPONENT = Path(__file__).parents[2] / "custom_components" / "chargeshare"


async def loaded(hass: HomeAssistant) -> BookingBook:
    book = BookingBook(hass)
    await book.async_load()
    return book


async def test_bookings_cdrs_and_reservation_ids_survive_a_restart(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    now = dt_util.utcnow()
    book = await loaded(hass)
    reserved = booking_from_ocpi(booking(now, driver_name="Alex"), needs_id_tag=True)
    await book.async_put(reserved)
    asked = request_from_ocpi(booking(now, booking_id="bk-2", status="PENDING", id_tag=None)).booking
    await book.async_put(asked)
    await book.async_add_cdr(IssuedCdr("CDR-1", "s1", 2.38, "EUR", now))
    first = await book.async_new_reservation_id()
    assert hass_storage[STORAGE_KEY]["data"]["last_reservation_id"] == first  # stored before the charger has it

    again = await loaded(hass)
    assert again.booking("bk-7f3a") == reserved
    assert again.booking("bk-2") == asked
    assert asked.request is RequestState.WAITING
    assert again.earnings_since(now - timedelta(seconds=1)) == {"EUR": 2.38}
    assert await again.async_new_reservation_id() == first + 1


async def test_a_booking_long_over_is_forgotten(hass: HomeAssistant) -> None:
    now = dt_util.utcnow()
    book = await loaded(hass)
    await book.async_put(booking_from_ocpi(booking(now - timedelta(days=31)), needs_id_tag=True))
    await book.async_put(booking_from_ocpi(booking(now, booking_id="bk-now"), needs_id_tag=True))
    assert book.booking("bk-7f3a") is None
    assert [b.booking_id for b in book.holding("CP1")] == ["bk-now"]


async def test_a_booking_sent_again_keeps_the_reservation_made_for_it(hass: HomeAssistant) -> None:
    book = await loaded(hass)
    stored = booking_from_ocpi(booking(dt_util.utcnow()), needs_id_tag=True)
    await book.async_put(stored)
    reservation_id = await book.async_new_reservation_id()
    await book.async_update(replace(stored, reservation_id=reservation_id))
    await book.async_put(stored)
    assert book.booking("bk-7f3a") == replace(stored, reservation_id=reservation_id)


async def test_removing_the_hub_link_forgets_its_bookings(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    book = await async_booking_book(hass)
    told: list[None] = []
    book.add_listener(lambda: told.append(None))
    await book.async_put(booking_from_ocpi(booking(dt_util.utcnow()), needs_id_tag=True))
    await async_forget_bookings(hass)
    assert book.holding() == []
    assert hass_storage[STORAGE_KEY]["data"]["bookings"] == []
    assert len(told) == 2  # the calendars and sensors follow


def test_every_booking_entity_and_error_has_its_text_in_every_language() -> None:
    for language in ("en", "de"):
        texts = json.loads((COMPONENT / "translations" / f"{language}.json").read_text())
        assert texts["entity"]["calendar"]["bookings"]["name"]
        assert texts["entity"]["sensor"]["next_booking"]["name"]
        assert texts["entity"]["sensor"]["todays_earnings"]["name"]
        for key in ("hub_not_linked", "unknown_booking_request", "booking_already_answered", "booking_request_expired"):
            assert "{booking_id}" in texts["exceptions"][key]["message"], (language, key)
