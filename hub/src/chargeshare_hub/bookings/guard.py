"""The double-booking guard as the service meets it: a friendly pre-check, and the database's final word.

The pre-check only spares a failed write in the common case; what makes double booking impossible is the
database (see `tables`), whose refusal `slot_taken` turns into the same 409.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Exists, SQLColumnExpression, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..web.errors import ApiError, conflict
from .tables import HOLDING, Booking

EXCLUSION_VIOLATION = "23P01"


def slot_taken() -> ApiError:
    return conflict("slot_taken", "Someone booked this slot already; pick another time or charger.", "period")


def overlap(
    evse_row_id: int | SQLColumnExpression[int],
    start: datetime | SQLColumnExpression[datetime],
    end: datetime | SQLColumnExpression[datetime],
) -> Exists:
    """Whether a booking holds part of [start, end) at the EVSE; also as a column of a query over EVSEs."""
    return exists().where(
        Booking.evse_row_id == evse_row_id,
        Booking.reservation_status.in_(HOLDING),
        Booking.starts_at < end,
        start < Booking.ends_at,
    )


async def slot_free(
    session: AsyncSession, evse_row_id: int, start: datetime, end: datetime, except_id: str | None = None
) -> bool:
    overlapping = overlap(evse_row_id, start, end)
    if except_id is not None:
        overlapping = overlapping.where(Booking.id != except_id)
    return not await session.scalar(select(overlapping))


def is_slot_taken(err: IntegrityError) -> bool:
    """Whether the database refused an overlapping booking (and not, say, a missing row)."""
    original = err.orig
    return getattr(original, "sqlstate", None) == EXCLUSION_VIOLATION or "slot_taken" in str(original)


async def flush_guarded(session: AsyncSession) -> None:
    """Writes pending changes; an overlap the database refuses becomes 409 slot_taken."""
    try:
        await session.flush()
    except IntegrityError as err:
        if is_slot_taken(err):
            raise slot_taken() from err
        raise
