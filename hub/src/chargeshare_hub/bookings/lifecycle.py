"""The booking lifecycle as OCPI 2.3 names it, and the only way a booking's status changes.

PENDING → RESERVED | REJECTED | FAILED; RESERVED → FULFILLED | CANCELED | NO_SHOW. The hub adds one edge:
PENDING → CANCELED, a driver withdrawing a request the host has not answered yet.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from .tables import Booking


class Status(StrEnum):
    PENDING = "PENDING"
    RESERVED = "RESERVED"
    REJECTED = "REJECTED"
    FAILED = "FAILED"
    FULFILLED = "FULFILLED"
    CANCELED = "CANCELED"
    NO_SHOW = "NO_SHOW"
    UNKNOWN = "UNKNOWN"


class RequestStatus(StrEnum):
    """OCPI ReservationRequestStatus: the answer to one request to make or change a booking."""

    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    FAILED = "FAILED"


NEXT: dict[Status, frozenset[Status]] = {
    Status.PENDING: frozenset({Status.RESERVED, Status.REJECTED, Status.FAILED, Status.CANCELED}),
    Status.RESERVED: frozenset({Status.FULFILLED, Status.CANCELED, Status.NO_SHOW}),
}


class TransitionError(ValueError):
    """A status change the lifecycle does not allow."""


def transition(booking: Booking, to: Status, at: datetime) -> None:
    current = Status(booking.reservation_status)
    if to not in NEXT.get(current, frozenset()):
        raise TransitionError(f"a {current} booking cannot become {to}")
    booking.reservation_status = to
    booking.respond_by = None
    booking.last_updated = at
