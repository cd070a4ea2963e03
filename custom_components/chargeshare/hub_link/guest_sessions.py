"""Guest sessions, as the hub hears of them: session.start, session.progress (at most every 10 s while
charging) and session.end with the meter at both ends (docs/hub-link.md, "Messages up").

Only a guest's session goes up: one whose id tag is a booking's, started inside the booking's window. The
host's own charging stays at home. A started guest session is remembered (LinkState) until its end is in the
outbox, so a restart of Home Assistant in the middle neither repeats the start nor forgets the end; the hub's
session id is derived from the charger's, so even a repeat would name the same session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.core import HomeAssistant

from ..charger import ChargerState, ChargingSession
from ..const import LOGGER
from .bookings import Booking
from .bookings_book import loaded_booking_book
from .state import LinkState, OpenSession
from .up_messages import (
    SessionStart,
    end_payload,
    energy_wh,
    hub_session_id,
    meter_start_wh,
    progress_payload,
)

PROGRESS_INTERVAL: Final = timedelta(seconds=10)
REPLACED_REASON: Final = "Other"  # OCPP's reason when a new transaction closed one we never saw end

# (type, payload, what to do once the message is durable)
Enqueue = Callable[[str, dict[str, Any], Callable[[], None] | None], None]


@dataclass(slots=True)
class SessionTracker:
    """One charger's sessions as reported: `open` is the guest session started and not yet ended."""

    evse_uid: str
    set_guest_session: Callable[[bool], None]
    open: OpenSession | None = None
    ignored: str | None = None  # the host's own session seen last, not reported
    last_progress_at: datetime | None = None
    last_progress: tuple[int, int] | None = None


class GuestSessions:
    def __init__(self, hass: HomeAssistant, state: LinkState, namespace: str, enqueue: Enqueue) -> None:
        self._hass = hass
        self._state = state
        self._namespace = namespace
        self._enqueue = enqueue

    def tracker(self, evse_uid: str, set_guest_session: Callable[[bool], None]) -> SessionTracker:
        """A charger's tracker, with the guest session it had open before a restart."""
        tracker = SessionTracker(evse_uid, set_guest_session, open=self._state.open_session(evse_uid))
        if tracker.open is not None:
            set_guest_session(True)
        return tracker

    def update(self, tracker: SessionTracker, state: ChargerState, now: datetime) -> None:
        """The charger's state changed (or the feed looks at it for the first time)."""
        session = state.session
        if tracker.open is not None and (session is None or session.session_id != tracker.open.local_id):
            self._end_replaced(tracker, tracker.open, state, session, now)
        if session is None:
            return
        if tracker.open is None:
            if not session.active or session.session_id == tracker.ignored:
                return
            tracker.open = self._start(tracker, state, session, now)
            if tracker.open is None:
                tracker.ignored = session.session_id
                return
        if session.active:
            self._progress(tracker, tracker.open, state, session, now)
        else:
            meter_stop = tracker.open.meter_start_wh + energy_wh(session.energy_kwh)
            self._end(tracker, tracker.open, session.ended_at or now, meter_stop, session.stop_reason or "Local")

    def _start(
        self, tracker: SessionTracker, state: ChargerState, session: ChargingSession, now: datetime
    ) -> OpenSession | None:
        booking = self._guest_booking(tracker.evse_uid, session)
        if booking is None or session.id_tag is None:
            return None
        location_id = booking.location_id or self._state.location_id
        if location_id is None:
            LOGGER.error(
                "A guest session started at %s, but the listing's id on the hub is unknown: it is not reported",
                tracker.evse_uid,
            )
            return None
        opened = OpenSession(
            local_id=session.session_id,
            session_id=hub_session_id(self._namespace, tracker.evse_uid, session.session_id),
            location_id=location_id,
            meter_start_wh=meter_start_wh(state, session),
        )
        book = loaded_booking_book(self._hass)
        start = SessionStart(
            opened.session_id,
            location_id,
            tracker.evse_uid,
            session.id_tag,
            session.started_at,
            opened.meter_start_wh,
            remote=book is not None and book.take_remote_start(booking.booking_id, now),
        )
        # The start carries the meter: the first progress is due a full interval later.
        tracker.last_progress_at, tracker.last_progress = now, (opened.meter_start_wh, 0)
        tracker.set_guest_session(True)
        self._enqueue("session.start", start.payload(), lambda: self._state.session_opened(tracker.evse_uid, opened))
        return opened

    def _progress(
        self,
        tracker: SessionTracker,
        reported: OpenSession,
        state: ChargerState,
        session: ChargingSession,
        now: datetime,
    ) -> None:
        if tracker.last_progress_at is not None and now - tracker.last_progress_at < PROGRESS_INTERVAL:
            return
        meter_wh = reported.meter_start_wh + energy_wh(session.energy_kwh)
        reading = (meter_wh, round(state.meter.power_w or 0.0))
        if reading == tracker.last_progress:
            return
        tracker.last_progress_at, tracker.last_progress = now, reading
        self._enqueue("session.progress", progress_payload(reported.session_id, now, *reading), None)

    def _end(
        self, tracker: SessionTracker, reported: OpenSession, end: datetime, meter_stop_wh: int, reason: str
    ) -> None:
        tracker.open = None
        tracker.set_guest_session(False)
        payload = end_payload(reported.session_id, end, max(meter_stop_wh, reported.meter_start_wh), reason)
        # Forgotten only once the end is durable in the outbox: a restart before that sends it again.
        self._enqueue("session.end", payload, lambda: self._state.session_closed(tracker.evse_uid))

    def _end_replaced(
        self,
        tracker: SessionTracker,
        reported: OpenSession,
        state: ChargerState,
        session: ChargingSession | None,
        now: datetime,
    ) -> None:
        """The charger moved on to another session (or lost ours) without telling us the guest's ended: end it
        where the next one began, with the register as it was then."""
        if session is None:
            self._end(tracker, reported, now, energy_wh(state.meter.energy_kwh), REPLACED_REASON)
        else:
            self._end(tracker, reported, session.started_at, meter_start_wh(state, session), REPLACED_REASON)

    def _guest_booking(self, evse_uid: str, session: ChargingSession) -> Booking | None:
        book = loaded_booking_book(self._hass)
        if book is None or session.id_tag is None:
            return None
        key = session.id_tag.casefold()
        return next(
            (
                booking
                for booking in book.holding(evse_uid)
                if booking.id_tag is not None
                and booking.id_tag.casefold() == key
                and booking.opens <= session.started_at <= booking.closes
            ),
            None,
        )
