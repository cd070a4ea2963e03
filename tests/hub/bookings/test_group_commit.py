"""Group commit: bookings that arrive together are written in one transaction, and each learns its own outcome."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from chargeshare_hub.bookings.group_commit import GroupCommit, NewBooking
from chargeshare_hub.bookings.tables import Booking, BookingCharge, BookingRequest
from chargeshare_hub.db.engine import Database
from chargeshare_hub.listings.tables import Evse
from chargeshare_hub.web.context import HUB
from chargeshare_hub.web.errors import ApiError
from tests.hub.bookings.helpers import START_OF_TESTS, actor, listing

Make = Callable[..., NewBooking]


@pytest.fixture
async def new(client: Any) -> Make:
    """Makes a new RESERVED booking's rows with a fee, at the test listing's first or second EVSE."""
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    async with client.server.app[HUB].db.read() as session:
        evses = list(await session.scalars(select(Evse.id).where(Evse.location_id == location_id).order_by(Evse.id)))

    def make(evse: int, start_h: float, hours: float, *, location: str = location_id) -> NewBooking:
        start = START_OF_TESTS + timedelta(hours=start_h)
        booking = Booking(
            id=str(uuid.uuid4()),
            request_id=str(uuid.uuid4()),
            location_id=location,
            evse_row_id=evses[evse],
            driver_id=driver.user_id,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            reservation_status="RESERVED",
            id_tag=uuid.uuid4().hex[:20],
            created_at=START_OF_TESTS,
            last_updated=START_OF_TESTS,
        )
        request = BookingRequest(
            booking_id=booking.id,
            request_status="ACCEPTED",
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            request_received=START_OF_TESTS,
        )
        charge = BookingCharge(
            booking_id=booking.id, kind="BOOKING_FEE", amount_minor=150, currency="EUR", created_at=START_OF_TESTS
        )
        return NewBooking(booking, request, [charge])

    return make


class Transactions:
    """The write transactions the database begins."""

    def __init__(self) -> None:
        self.count = 0
        self.begun = asyncio.Event()


@pytest.fixture
def transactions(client: Any, monkeypatch: pytest.MonkeyPatch) -> Transactions:
    db: Database = client.server.app[HUB].db
    write = db.write
    seen = Transactions()

    @asynccontextmanager
    async def counted() -> AsyncIterator[AsyncSession]:
        seen.count += 1
        seen.begun.set()
        async with write() as session:
            yield session

    monkeypatch.setattr(db, "write", counted)
    return seen


async def _outcomes(group_commit: GroupCommit, news: list[NewBooking]) -> list[str]:
    results = await asyncio.gather(*(group_commit.write(rows) for rows in news), return_exceptions=True)
    return [
        "written" if result is None else result.code if isinstance(result, ApiError) else type(result).__name__
        for result in results
    ]


async def _stored(client: Any, news: list[NewBooking]) -> list[tuple[int, int, int]]:
    """Per booking: how many booking rows, request rows and fee rows the database holds."""
    counts = []
    async with client.server.app[HUB].db.read() as session:
        for rows in news:
            booking_id = rows.booking.id
            counts.append(
                (
                    await session.scalar(select(func.count()).where(Booking.id == booking_id)) or 0,
                    await session.scalar(select(func.count()).where(BookingRequest.booking_id == booking_id)) or 0,
                    await session.scalar(select(func.count()).where(BookingCharge.booking_id == booking_id)) or 0,
                )
            )
    return counts


async def test_bookings_that_arrive_together_are_written_in_one_transaction(
    client: Any, new: Make, transactions: Transactions
) -> None:
    news = [new(0, 2, 2), new(0, 4, 1), new(1, 2, 2)]

    outcomes = await _outcomes(GroupCommit(client.server.app[HUB].db), news)

    assert outcomes == ["written", "written", "written"]
    assert transactions.count == 1
    assert await _stored(client, news) == [(1, 1, 1)] * 3


async def test_an_overlap_in_a_group_fails_only_its_booking_and_the_others_commit(
    client: Any, new: Make, transactions: Transactions
) -> None:
    news = [new(0, 2, 2), new(0, 3, 2), new(1, 2, 2), new(0, 4, 1)]

    outcomes = await _outcomes(GroupCommit(client.server.app[HUB].db), news)

    assert outcomes == ["written", "slot_taken", "written", "written"]
    assert transactions.count == 2  # the group at once, refused; then a SAVEPOINT per booking
    assert await _stored(client, news) == [(1, 1, 1), (0, 0, 0), (1, 1, 1), (1, 1, 1)]


async def test_a_booking_overlapping_one_already_committed_is_refused_alone(client: Any, new: Make) -> None:
    group_commit = GroupCommit(client.server.app[HUB].db)
    first = new(0, 2, 2)
    assert await _outcomes(group_commit, [first]) == ["written"]

    news = [new(1, 2, 2), new(0, 3, 1)]

    assert await _outcomes(group_commit, news) == ["written", "slot_taken"]
    assert await _stored(client, news) == [(1, 1, 1), (0, 0, 0)]


async def test_a_row_refused_for_another_reason_fails_its_booking_with_that_error(client: Any, new: Make) -> None:
    news = [new(0, 2, 2), new(1, 2, 2, location="no-such-listing")]

    outcomes = await _outcomes(GroupCommit(client.server.app[HUB].db), news)

    assert outcomes == ["written", IntegrityError.__name__]
    assert await _stored(client, news) == [(1, 1, 1), (0, 0, 0)]


async def test_bookings_that_arrive_while_a_group_is_written_go_into_the_next_one(
    client: Any, new: Make, transactions: Transactions
) -> None:
    group_commit = GroupCommit(client.server.app[HUB].db)
    first = asyncio.create_task(group_commit.write(new(0, 2, 1)))
    await transactions.begun.wait()  # the first group's transaction is under way
    later = [new(0, 3, 1), new(1, 3, 1), new(0, 5, 1)]

    outcomes = await _outcomes(group_commit, later)
    await first

    assert outcomes == ["written"] * 3
    assert transactions.count == 2
