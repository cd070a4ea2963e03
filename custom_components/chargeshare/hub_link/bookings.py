"""Bookings as the hub sends them down the link (OCPI 2.3 `Booking`), and when their id tag may charge.

Pure: no Home Assistant. A booking's id tag may charge from its start less the terms' early start to its end
plus the late stop (docs/hub-link.md, `booking.reserved`): 10 minutes each when the terms do not say, none
when they forbid it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
import enum
from typing import Any

from ..ocpp.authorization import TagWindow

DEFAULT_EARLY_START_MIN = 10
DEFAULT_LATE_STOP_MIN = 10
_MAX_TERM_MIN = 24 * 60  # the hub allows at most 4 h; anything beyond a day is not a term but a mistake
_ID_TAG_MAX = 20  # OCPP 1.6 idTag is CiString20


class BookingStatus(enum.StrEnum):
    """OCPI 2.3 ReservationStatus."""

    PENDING = "PENDING"
    RESERVED = "RESERVED"
    REJECTED = "REJECTED"
    FAILED = "FAILED"
    FULFILLED = "FULFILLED"
    CANCELED = "CANCELED"
    NO_SHOW = "NO_SHOW"
    UNKNOWN = "UNKNOWN"


class RequestState(enum.StrEnum):
    WAITING = "waiting"  # for the host's answer
    ANSWERED = "answered"  # sent up; the hub's reserved / changed / cancelled follows


# A booking holds its slot (calendar, authorization) while reserved, and once its session started.
HOLDING = frozenset({BookingStatus.RESERVED, BookingStatus.FULFILLED})


class BookingPayloadError(ValueError):
    """A down message's booking breaks the contract; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Booking:
    """One booking of one EVSE, as the integration keeps it."""

    booking_id: str
    evse_uid: str
    start: datetime
    end: datetime
    status: BookingStatus
    id_tag: str | None = None
    connector_id: str | None = None
    location_id: str | None = None
    driver: str | None = None  # the driver's display name, when the hub shares it
    respond_by: datetime | None = None  # the deadline of the request waiting for the host's answer
    early_start_min: int = DEFAULT_EARLY_START_MIN
    late_stop_min: int = DEFAULT_LATE_STOP_MIN
    request: RequestState | None = None  # a request for the booking, or a change of it, asked of the host
    reservation_id: int | None = None  # the OCPP ReserveNow made for it, until cancelled
    cancel_reason: str | None = None

    @property
    def holds_slot(self) -> bool:
        return self.status in HOLDING

    @property
    def opens(self) -> datetime:
        """When its id tag may start charging."""
        return self.start - timedelta(minutes=self.early_start_min)

    @property
    def closes(self) -> datetime:
        """When its id tag may charge no longer."""
        return self.end + timedelta(minutes=self.late_stop_min)

    def window(self) -> TagWindow:
        return TagWindow(self.opens, self.closes, cancelled=not self.holds_slot, name=self.driver)

    def open_at(self, now: datetime) -> bool:
        return self.window().open_at(now)

    def cancelled(self, reason: str | None) -> Booking:
        """Cancelled, and nothing left to answer about it."""
        return replace(self, status=BookingStatus.CANCELED, cancel_reason=reason, request=None)

    def to_dict(self) -> dict[str, Any]:
        stored = asdict(self)
        for name in ("start", "end", "respond_by"):
            if stored[name] is not None:
                stored[name] = stored[name].isoformat()
        stored["status"] = self.status.value
        stored["request"] = None if self.request is None else self.request.value
        return stored

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any]) -> Booking:
        times = {name: _stored_time(stored.get(name)) for name in ("start", "end", "respond_by")}
        request = stored.get("request")
        return cls(
            **{
                **stored,
                **times,
                "status": BookingStatus(stored["status"]),
                "request": None if request is None else RequestState(request),
            }
        )


def _stored_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def windows_of(bookings: Iterable[Booking], id_tag: str) -> list[TagWindow]:
    """The windows of every booking that uses `id_tag` (compared without case, as chargers differ)."""
    key = id_tag.casefold()
    return [b.window() for b in bookings if b.id_tag is not None and b.id_tag.casefold() == key]


def booking_from_ocpi(payload: Mapping[str, Any], *, needs_id_tag: bool) -> Booking:
    """The booking of a `booking.requested` / `.reserved` / `.changed` payload; BookingPayloadError if unusable."""
    start, end = _period(payload.get("period"), "period")
    terms = payload.get("booking_terms")
    if terms is None:
        terms = {}
    if not isinstance(terms, Mapping):
        raise BookingPayloadError("booking_terms", "booking_terms must be an object")
    id_tag = _text(payload, "id_tag", required=needs_id_tag, maximum=_ID_TAG_MAX)
    try:
        status = BookingStatus(str(payload.get("reservation_status")))
    except ValueError:
        raise BookingPayloadError(
            "reservation_status", f"unknown reservation_status {payload.get('reservation_status')!r}"
        ) from None
    connector = payload.get("connector_id")
    respond_by = payload.get("respond_by")
    return Booking(
        booking_id=_text(payload, "id", required=True),
        evse_uid=_text(payload, "evse_uid", required=True),
        start=start,
        end=end,
        status=status,
        id_tag=id_tag,
        connector_id=None if connector is None else str(connector),
        location_id=_text(payload, "location_id", required=False),
        driver=_text(payload, "driver_name", required=False),
        respond_by=None if respond_by is None else _time(payload, "respond_by", "respond_by"),
        early_start_min=_grace(payload, terms, "early_start", DEFAULT_EARLY_START_MIN),
        late_stop_min=_grace(payload, terms, "late_stop", DEFAULT_LATE_STOP_MIN),
    )


@dataclass(frozen=True, slots=True)
class Request:
    """A `booking.requested`: a new booking, or a change of a reserved one, waiting for the host's answer."""

    booking: Booking  # as it stands: a change leaves a reserved booking where it is until the host accepts
    start: datetime  # the period asked for
    end: datetime

    @property
    def is_change(self) -> bool:
        return self.booking.holds_slot


def request_from_ocpi(payload: Mapping[str, Any]) -> Request:
    """The booking and the period asked for: its pending `booking_requests` entry's, else its own."""
    booking = booking_from_ocpi(payload, needs_id_tag=False)
    if booking.status not in (BookingStatus.PENDING, BookingStatus.RESERVED):
        raise BookingPayloadError("reservation_status", f"a {booking.status} booking is not asked for")
    requests = payload.get("booking_requests") or []
    if not isinstance(requests, list):
        raise BookingPayloadError("booking_requests", "booking_requests must be a list")
    pending = [r for r in requests if isinstance(r, Mapping) and r.get("request_status") == "PENDING"]
    if not pending:
        if booking.holds_slot:
            raise BookingPayloadError("booking_requests", "a change request needs its PENDING booking_request")
        return Request(replace(booking, request=RequestState.WAITING), booking.start, booking.end)
    asked = pending[-1]
    detail = asked.get("booking_request")
    start, end = _period(detail.get("period") if isinstance(detail, Mapping) else None, "booking_request.period")
    respond_by = booking.respond_by
    if asked.get("respond_by") is not None:
        respond_by = _time(asked, "respond_by", "booking_requests.respond_by")
    return Request(replace(booking, request=RequestState.WAITING, respond_by=respond_by), start, end)


def _period(period: object, field: str) -> tuple[datetime, datetime]:
    if not isinstance(period, Mapping):
        raise BookingPayloadError(field, f"{field} must be an object with start_from and end_before")
    start, end = _time(period, "start_from", f"{field}.start_from"), _time(period, "end_before", f"{field}.end_before")
    if end <= start:
        raise BookingPayloadError(f"{field}.end_before", "the period ends before it starts")
    return start, end


def _text(payload: Mapping[str, Any], name: str, *, required: bool, maximum: int = 64) -> Any:
    value = payload.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > maximum:
        raise BookingPayloadError(name, f"{name} must be a non-empty string of at most {maximum} characters")
    return value


def _time(payload: Mapping[str, Any], name: str, field: str) -> datetime:
    value = payload.get(name)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if not isinstance(value, str) or parsed is None or parsed.tzinfo is None:
        raise BookingPayloadError(field, f"{field} must be an RFC 3339 time with a zone, not {value!r}")
    return parsed


def _grace(payload: Mapping[str, Any], terms: Mapping[str, Any], term: str, default: int) -> int:
    """Minutes of early start or late stop: the hub spells them out (`early_start_time`, 0 when the terms do not
    allow it); else OCPI BookingTerms (`early_start_allowed` / `early_start_time`); else the default."""
    if payload.get(f"{term}_time") is not None:
        return _minutes(payload[f"{term}_time"], f"{term}_time")
    if terms.get(f"{term}_allowed") is False:
        return 0
    value = terms.get(f"{term}_time")
    return default if value is None else _minutes(value, f"booking_terms.{term}_time")


def _minutes(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_TERM_MIN:
        raise BookingPayloadError(field, f"{field} must be whole minutes, 0 to {_MAX_TERM_MIN}")
    return value
