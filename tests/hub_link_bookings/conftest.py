"""The booking handlers on a link double, with a real central system and simulated chargers dialling in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from custom_components.chargeshare.hub_link.bookings_book import BookingBook, loaded_booking_book
from custom_components.chargeshare.hub_link.bookings_commands import ReportedSession
from custom_components.chargeshare.hub_link.bookings_link import Handler, async_attach_bookings

# A central system in a test Home Assistant, and chargers that dial in: the integration tests' fixtures.
from tests.integration.conftest import (  # noqa: F401
    chargers,
    config_entry,
    connect_charger,
    http,
    ocpp_port,
    publish_at_once,
    setup_integration,
    write_profiles_at_once,
)


class LinkDouble:
    """The HubLink interface (hub_link/link.py) without a hub: what goes up is recorded, down is delivered."""

    def __init__(self) -> None:
        self.connected = True
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.handlers: dict[str, Handler] = {}
        self.guest_sessions: dict[str, ReportedSession] = {}  # by EVSE uid: what the link reported as started

    async def send(self, type_: str, payload: dict[str, Any]) -> str:
        self.sent.append((type_, payload))
        return f"up-{len(self.sent)}"

    def register(self, type_: str, handler: Handler) -> None:
        self.handlers[type_] = handler

    def open_session(self, evse_uid: str) -> ReportedSession | None:
        return self.guest_sessions.get(evse_uid)

    async def deliver(self, type_: str, payload: dict[str, Any]) -> None:
        """What the link does with a down message: run its handler (LinkRefusal propagates: the nack)."""
        await self.handlers[type_](payload)


@pytest.fixture
async def link(hass: HomeAssistant) -> AsyncIterator[LinkDouble]:
    """The linked hub, with the booking handlers attached as the link entry attaches them."""
    double = LinkDouble()
    detach = await async_attach_bookings(hass, double, double)
    yield double
    detach()


def ocpi_time(at: datetime) -> str:
    return dt_util.as_utc(at).isoformat().replace("+00:00", "Z")


def booking(
    start: datetime,
    hours: float = 2,
    *,
    booking_id: str = "bk-7f3a",
    status: str = "RESERVED",
    id_tag: str | None = "BK7F3A",
    evse_uid: str = "CP1",
    **changes: Any,
) -> dict[str, Any]:
    """A booking as the hub sends it down (OCPI 2.3 Booking with the hub's id_tag), ten minutes' grace each side."""
    payload: dict[str, Any] = {
        "id": booking_id,
        "location_id": "LOC1",
        "evse_uid": evse_uid,
        "connector_id": "1",
        "period": {"start_from": ocpi_time(start), "end_before": ocpi_time(start + timedelta(hours=hours))},
        "reservation_status": status,
        "booking_terms": {"early_start_allowed": True, "early_start_time": 10, "late_stop_allowed": False},
        "early_start_time": 10,  # the hub spells the id tag's window out
        "late_stop_time": 10,
    }
    if id_tag is not None:
        payload["id_tag"] = id_tag
    payload.update(changes)
    return payload


def book_of(hass: HomeAssistant) -> BookingBook:
    book = loaded_booking_book(hass)
    assert book is not None
    return book
