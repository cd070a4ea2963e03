"""The booking book: every booking the hub sent down, and the CDRs it issued, in one Store.

One book per Home Assistant, shared by the hub link (which fills it) and the chargers (whose calendars,
sensors and id tag checks read it). Every change is written before the call returns: the link acks a down
message only once it is applied durably (docs/hub-link.md, "Acknowledgements").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..charger import Listeners
from ..const import DOMAIN
from ..ocpp.authorization import TagWindow
from .bookings import Booking, windows_of

STORAGE_KEY = f"{DOMAIN}.bookings"
STORAGE_VERSION = 1
# A charger that accepted RemoteStartTransaction starts once the car is plugged in, within its ConnectionTimeOut.
REMOTE_START_VALID = timedelta(minutes=5)
# Bookings stay this long after their window closed: the calendar's history, and their id tags stay refused.
KEEP_BOOKINGS = timedelta(days=30)
# Only today's earnings are shown; two days cover every time zone's "today".
KEEP_CDRS = timedelta(days=2)
_DATA_KEY = f"{DOMAIN}_booking_book"
_LOCK_KEY = f"{DOMAIN}_booking_book_loading"


@dataclass(frozen=True, slots=True)
class IssuedCdr:
    """A CDR the hub issued for a session here: what the host earned, and when we learned of it."""

    cdr_id: str
    session_id: str
    amount: float
    currency: str
    received: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "cdr_id": self.cdr_id,
            "session_id": self.session_id,
            "amount": self.amount,
            "currency": self.currency,
            "received": self.received.isoformat(),
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> IssuedCdr:
        return cls(**{**stored, "received": datetime.fromisoformat(stored["received"])})


class BookingBook:
    """Bookings by id, CDRs by id, the OCPP reservation ids handed out so far, and the remote starts under way."""

    def __init__(self, hass: HomeAssistant) -> None:
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, STORAGE_KEY)
        self._bookings: dict[str, Booking] = {}
        self._cdrs: dict[str, IssuedCdr] = {}
        self._last_reservation_id = 0
        self._listeners = Listeners()
        # Bookings whose driver started charging from the hub page, until the session starts (not stored: a start
        # lost to a restart is reported as the id tag's own, which it also is).
        self._remote_starts: dict[str, datetime] = {}

    async def async_load(self) -> None:
        data = await self._store.async_load() or {}
        self._bookings = {b["booking_id"]: Booking.from_dict(b) for b in data.get("bookings", [])}
        self._cdrs = {c["cdr_id"]: IssuedCdr.from_dict(c) for c in data.get("cdrs", [])}
        self._last_reservation_id = data.get("last_reservation_id", 0)

    def add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` after every change; returns the function that removes it."""
        return self._listeners.add(listener)

    def remote_start_sent(self, booking_id: str, at: datetime) -> None:
        """A RemoteStartTransaction for the booking goes to its charger now."""
        self._remote_starts[booking_id] = at

    def take_remote_start(self, booking_id: str, now: datetime) -> bool:
        """Whether the booking's session now starting was started from the hub page (answered once)."""
        sent = self._remote_starts.pop(booking_id, None)
        return sent is not None and now - sent <= REMOTE_START_VALID

    # ------------------------------------------------------------------ reading

    def booking(self, booking_id: str) -> Booking | None:
        return self._bookings.get(booking_id)

    def holding(self, evse_uid: str | None = None) -> list[Booking]:
        """The bookings that hold their slot (reserved or under way), of one EVSE or all, by start."""
        return sorted(
            (b for b in self._bookings.values() if b.holds_slot and evse_uid in (None, b.evse_uid)),
            key=lambda b: b.start,
        )

    def next_booking(self, evse_uid: str, now: datetime) -> Booking | None:
        """The booking under way or coming next."""
        return next((b for b in self.holding(evse_uid) if b.end > now), None)

    def tag_windows(self, evse_uid: str, id_tag: str) -> list[TagWindow]:
        """When `id_tag` may charge at this EVSE: its bookings here, cancelled ones included (always refused)."""
        return windows_of((b for b in self._bookings.values() if b.evse_uid == evse_uid), id_tag)

    def earnings_since(self, since: datetime) -> dict[str, float]:
        """What the CDRs received since `since` add up to, per currency."""
        totals: dict[str, float] = {}
        for cdr in self._cdrs.values():
            if cdr.received >= since:
                totals[cdr.currency] = round(totals.get(cdr.currency, 0.0) + cdr.amount, 6)
        return totals

    def last_currency(self) -> str | None:
        latest = max(self._cdrs.values(), key=lambda c: c.received, default=None)
        return None if latest is None else latest.currency

    # ------------------------------------------------------------------ changes, each saved before returning

    async def async_put(self, booking: Booking) -> Booking | None:
        """Add or replace a booking (keeping the reservation made for it); returns the one it replaced."""
        previous = self._bookings.get(booking.booking_id)
        if previous is not None:
            booking = replace(booking, reservation_id=previous.reservation_id)
        self._bookings[booking.booking_id] = booking
        await self._async_changed()
        return previous

    async def async_update(self, booking: Booking) -> None:
        """Store a booking as it is given (its answer, its reservation)."""
        self._bookings[booking.booking_id] = booking
        await self._async_changed()

    async def async_add_cdr(self, cdr: IssuedCdr) -> None:
        self._cdrs[cdr.cdr_id] = cdr
        await self._async_changed()

    async def async_new_reservation_id(self) -> int:
        """An OCPP reservationId never used before, not even before a restart."""
        self._last_reservation_id += 1
        await self._async_save()
        return self._last_reservation_id

    async def async_clear(self) -> None:
        """Forget every booking and CDR: the hub link is gone. Reservation ids stay unique all the same."""
        self._bookings, self._cdrs = {}, {}
        await self._async_save()
        self._listeners.notify()

    async def _async_changed(self) -> None:
        self._prune(dt_util.utcnow())
        await self._async_save()
        self._listeners.notify()

    def _prune(self, now: datetime) -> None:
        self._bookings = {k: b for k, b in self._bookings.items() if b.closes + KEEP_BOOKINGS > now}
        self._cdrs = {k: c for k, c in self._cdrs.items() if c.received + KEEP_CDRS > now}

    async def _async_save(self) -> None:
        await self._store.async_save(
            {
                "bookings": [b.to_dict() for b in self._bookings.values()],
                "cdrs": [c.to_dict() for c in self._cdrs.values()],
                "last_reservation_id": self._last_reservation_id,
            }
        )


async def async_booking_book(hass: HomeAssistant) -> BookingBook:
    """The book, loaded once per run by whoever needs it first (the link or a charger entry)."""
    async with hass.data.setdefault(_LOCK_KEY, asyncio.Lock()):
        book: BookingBook | None = hass.data.get(_DATA_KEY)
        if book is None:
            book = BookingBook(hass)
            await book.async_load()
            hass.data[_DATA_KEY] = book
    return book


@callback
def loaded_booking_book(hass: HomeAssistant) -> BookingBook | None:
    """The book if it is loaded already; charger entries load it before they create their chargers."""
    book: BookingBook | None = hass.data.get(_DATA_KEY)
    return book
