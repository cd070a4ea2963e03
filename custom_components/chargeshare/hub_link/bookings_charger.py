"""Bookings at the charger: which charger an EVSE is, its booked id tags, and OCPP reservations.

A booking's id tag is checked live against the book whenever the charger asks (Authorize, StartTransaction),
so a change or cancellation applies from the moment it is stored. Chargers with the OCPP "Reservation"
profile also get a ReserveNow when a booking's window opens (not when the booking is made: a reservation
holds the connector from the moment the charger accepts it), lasting until the window closes; a cancelled or
moved booking's reservation is cancelled. A charger that is offline when the window opens, or that refuses
(occupied by the host's own car), is asked again every minute while the window is open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
import logging
from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from ..charger import Capability, ChargerError
from ..const import DOMAIN, LOGGER
from ..coordinator import ChargerCoordinator
from ..ocpp.authorization import BookedTags, TagWindow
from ..ocpp.charger import OcppCharger
from .bookings import Booking
from .bookings_book import BookingBook, loaded_booking_book

RESERVE_RETRY: Final = timedelta(minutes=1)


def evse_uid_for(charger_id: str) -> str:
    """The EVSE a charger is in the hub's listing: its charger id (the OCPP charge point id)."""
    return charger_id


def evse_uid_of(coordinator: ChargerCoordinator) -> str:
    return evse_uid_for(coordinator.charger.charger_id)


def charger_coordinators(hass: HomeAssistant) -> Iterator[ChargerCoordinator]:
    """Every charger of every loaded entry."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            yield from getattr(entry.runtime_data, "coordinators", {}).values()


def coordinator_for_evse(hass: HomeAssistant, evse_uid: str) -> ChargerCoordinator | None:
    return next((c for c in charger_coordinators(hass) if evse_uid_of(c) == evse_uid), None)


def booked_tags(hass: HomeAssistant, charger_id: str) -> BookedTags:
    """The id tag lookup for one charger's IdTagAuthorizer: its bookings in the book, read at every check."""

    def windows(id_tag: str) -> Sequence[TagWindow]:
        book = loaded_booking_book(hass)
        return () if book is None else book.tag_windows(evse_uid_for(charger_id), id_tag)

    return windows


class Reservations:
    """Sends ReserveNow as bookings' windows open, and CancelReservation when they are cancelled or moved."""

    def __init__(self, hass: HomeAssistant, book: BookingBook) -> None:
        self._hass = hass
        self._book = book
        self._timer: CALLBACK_TYPE | None = None
        self._warned: set[str] = set()  # bookings whose failed ReserveNow was logged as a warning: once each

    @callback
    def start(self) -> Callable[[], None]:
        """Plan the next ReserveNow; returns the function that stops planning."""
        remove_listener = self._book.add_listener(self._plan)
        self._plan()

        def stop() -> None:
            remove_listener()
            self._cancel_timer()

        return stop

    async def async_release(self, before: Booking | None, after: Booking) -> None:
        """After a change: cancel `before`'s reservation when `after` no longer holds the slot or moved it."""
        if before is None or before.reservation_id is None:
            return
        if after.holds_slot and (after.start, after.end, after.id_tag) == (before.start, before.end, before.id_tag):
            return
        charger = self._ocpp_charger(before.evse_uid)
        if charger is not None and before.closes > dt_util.utcnow():
            try:
                await charger.async_cancel_reservation(before.reservation_id)
            except ChargerError as err:  # the charger lets it lapse at its expiry, or has lost it already
                LOGGER.warning("Could not cancel the reservation of booking %s: %s", before.booking_id, err)
        await self._book.async_update(replace(after, reservation_id=None))

    async def async_reserve_due(self) -> None:
        """ReserveNow for every booking whose window is open and that has no reservation yet; a failure is tried
        again at the next minute's retry (meanwhile the id tag check alone lets the driver charge)."""
        for booking in self._unreserved_open(dt_util.utcnow()):
            charger = self._ocpp_charger(booking.evse_uid)
            if charger is None or Capability.RESERVATIONS not in charger.state.capabilities:
                continue
            assert booking.id_tag is not None  # _unreserved_open yields only bookings with one
            reservation_id = await self._book.async_new_reservation_id()
            try:
                await charger.async_reserve(reservation_id, booking.id_tag, booking.closes)
            except ChargerError as err:
                level = logging.DEBUG if booking.booking_id in self._warned else logging.WARNING
                self._warned.add(booking.booking_id)
                LOGGER.log(level, "Could not reserve %s for booking %s: %s", booking.evse_uid, booking.booking_id, err)
                continue
            current = self._book.booking(booking.booking_id)
            if current is not None:
                await self._book.async_update(replace(current, reservation_id=reservation_id))

    def _ocpp_charger(self, evse_uid: str) -> OcppCharger | None:
        coordinator = coordinator_for_evse(self._hass, evse_uid)
        if coordinator is None or not isinstance(coordinator.charger, OcppCharger):
            return None
        return coordinator.charger

    def _unreserved_open(self, now: datetime) -> Iterator[Booking]:
        for booking in self._book.holding():
            if booking.reservation_id is None and booking.opens <= now < booking.closes and booking.id_tag:
                yield booking

    @callback
    def _plan(self) -> None:
        """Wake up when the next window opens, or in a minute to retry a booking open and not reserved yet."""
        self._cancel_timer()
        now = dt_util.utcnow()
        wake = [b.opens for b in self._book.holding() if b.reservation_id is None and b.opens > now]
        if next(self._unreserved_open(now), None) is not None:
            wake.append(now + RESERVE_RETRY)
        if wake:
            self._timer = async_track_point_in_utc_time(self._hass, self._on_time, min(wake))

    @callback
    def _on_time(self, _now: datetime) -> None:
        self._timer = None
        self._hass.async_create_task(self._async_reserve_and_plan(), "chargeshare reserve booked chargers")

    async def _async_reserve_and_plan(self) -> None:
        await self.async_reserve_due()
        self._plan()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer()
            self._timer = None
