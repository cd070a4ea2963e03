"""Group commit: new bookings that arrive while a write runs are written together, in the next transaction.

SQLite has one writer connection, and under load every statement of a transaction waits its turn on a busy
event loop: with a transaction per booking that one connection, not the processor, limits how many bookings
a hub makes per second. A group is written by a few multi-row statements instead. The database still judges
every row (see `tables`): when it refuses one, the group is written again a booking at a time, each in its
own SAVEPOINT, so that a refusal fails only the booking it concerns. Each caller learns its own outcome once
the transaction that holds its rows has committed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.base import Base
from ..db.engine import Database
from ..link import booking_messages
from . import notices
from .guard import is_slot_taken, slot_taken
from .tables import Booking, BookingCharge, BookingRequest


@dataclass(frozen=True, slots=True)
class NewBooking:
    """The rows of one new booking."""

    booking: Booking
    request: BookingRequest
    charges: list[BookingCharge] = field(default_factory=list)


_Waiting = tuple[NewBooking, "asyncio.Future[None]"]


class GroupCommit:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, new: NewBooking) -> None:
        """Returns once the booking is committed; 409 slot_taken when the database refuses the overlap."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((new, done))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_groups(), name="bookings group commit")
        await done

    async def _write_groups(self) -> None:
        group: list[_Waiting] = []
        try:
            while self._waiting:
                group, self._waiting = self._waiting, []
                await _write_group(self._db, group)
        finally:
            self._writer = None
            # Only when the hub stops half-way: nobody waits for ever, and nothing abandoned is written later.
            abandoned, self._waiting = group + self._waiting, []
            for _new, done in abandoned:
                done.cancel()


async def _write_group(db: Database, group: list[_Waiting]) -> None:
    try:
        outcomes = await _outcomes(db, [new for new, _done in group])
    except Exception as err:  # the database failed the whole transaction: every booking of it fails alike
        outcomes = [err] * len(group)
    for (_new, done), outcome in zip(group, outcomes, strict=True):
        if done.done():  # the caller went away; its booking stands or not like any other
            continue
        if outcome is None:
            done.set_result(None)
        else:
            done.set_exception(outcome)


async def _outcomes(db: Database, news: list[NewBooking]) -> list[Exception | None]:
    """None for each booking committed, else why it was refused."""
    try:
        async with db.write() as session:
            await _insert(session, news)
    except IntegrityError as err:
        if len(news) == 1:
            return [_refusal(err)]
    else:
        return [None] * len(news)
    async with db.write() as session:
        return [await _insert_alone(session, new) for new in news]


async def _insert_alone(session: AsyncSession, new: NewBooking) -> Exception | None:
    try:
        async with session.begin_nested():
            await _insert(session, [new])
    except IntegrityError as err:
        return _refusal(err)
    return None


async def _insert(session: AsyncSession, news: list[NewBooking]) -> None:
    await session.execute(insert(Booking), [_columns(new.booking) for new in news])
    await session.execute(insert(BookingRequest), [_columns(new.request) for new in news])
    charges = [_columns(charge) for new in news for charge in new.charges]
    if charges:
        await session.execute(insert(BookingCharge), charges)
    await notices.new_bookings(session, [new.booking for new in news])
    await booking_messages.new_bookings(session, [new.booking for new in news])


def _columns(row: Base) -> dict[str, Any]:
    """A new row's values by column; an id still None is the database's to number."""
    values = {column.key: getattr(row, column.key) for column in row.__table__.columns}
    if "id" in values and values["id"] is None:
        del values["id"]
    return values


def _refusal(err: IntegrityError) -> Exception:
    return slot_taken() if is_slot_taken(err) else err
