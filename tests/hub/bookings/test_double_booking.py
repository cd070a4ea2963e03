"""Double booking is impossible by construction: the database refuses it, whoever writes and however fast."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import random
from typing import Any
import uuid

import pytest
from sqlalchemy import false, insert, select, update
from sqlalchemy.exc import IntegrityError

from chargeshare_hub.bookings import creation
from chargeshare_hub.bookings.guard import is_slot_taken
from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.listings.tables import Evse
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import START_OF_TESTS, actor, book, listing, overlapping_pairs, period

RACERS = 200


async def _evses_and_driver(client: Any) -> tuple[str, list[int], int]:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    async with client.server.app[HUB].db.read() as session:
        evse_ids = list(await session.scalars(select(Evse.id).where(Evse.location_id == location_id).order_by(Evse.id)))
    return location_id, evse_ids, driver.user_id


def _row(location_id: str, evse_id: int, driver_id: int, start_h: float, hours: float, status: str) -> dict[str, Any]:
    start = START_OF_TESTS + timedelta(hours=start_h)
    return {
        "id": str(uuid.uuid4()),
        "request_id": str(uuid.uuid4()),
        "location_id": location_id,
        "evse_row_id": evse_id,
        "driver_id": driver_id,
        "starts_at": start,
        "ends_at": start + timedelta(hours=hours),
        "reservation_status": status,
        "id_tag": uuid.uuid4().hex[:20],
        "created_at": START_OF_TESTS,
        "last_updated": START_OF_TESTS,
    }


async def _write(client: Any, statement: Any) -> None:
    async with client.server.app[HUB].db.write() as session:
        await session.execute(statement)


async def _outcome(client: Any, statement: Any) -> str:
    try:
        await _write(client, statement)
    except IntegrityError as err:
        return "slot_taken" if is_slot_taken(err) else repr(err)
    return "written"


async def test_a_raw_insert_of_an_overlapping_booking_is_refused(client: Any) -> None:
    location_id, (evse, other_evse), driver = await _evses_and_driver(client)
    await _write(client, insert(Booking).values(_row(location_id, evse, driver, 2, 2, "RESERVED")))

    attempts = [
        (evse, 3, 2, "RESERVED"),
        (evse, 2.5, 0.5, "PENDING"),
        (evse, 4, 1, "RESERVED"),
        (evse, 3, 1, "CANCELED"),
        (other_evse, 2, 2, "RESERVED"),
    ]

    outcomes = [
        await _outcome(client, insert(Booking).values(_row(location_id, evse_id, driver, start_h, hours, status)))
        for evse_id, start_h, hours, status in attempts
    ]

    assert outcomes == ["slot_taken", "slot_taken", "written", "written", "written"]


async def test_a_raw_update_that_makes_bookings_overlap_is_refused(client: Any) -> None:
    location_id, (evse, other_evse), driver = await _evses_and_driver(client)
    held = _row(location_id, evse, driver, 2, 2, "RESERVED")
    canceled = _row(location_id, evse, driver, 2, 2, "CANCELED")
    later = _row(location_id, evse, driver, 5, 1, "RESERVED")
    elsewhere = _row(location_id, other_evse, driver, 2, 2, "RESERVED")
    for row in (held, canceled, later, elsewhere):
        await _write(client, insert(Booking).values(row))

    def change(row: dict[str, Any], **values: Any) -> Any:
        return update(Booking).where(Booking.id == row["id"]).values(**values)

    assert await _outcome(client, change(canceled, reservation_status="RESERVED")) == "slot_taken"
    assert await _outcome(client, change(later, starts_at=START_OF_TESTS + timedelta(hours=3))) == "slot_taken"
    straddling = change(later, starts_at=held["ends_at"] - timedelta(minutes=1))
    assert await _outcome(client, straddling) == "slot_taken"
    assert await _outcome(client, change(elsewhere, evse_row_id=evse)) == "slot_taken"
    assert await _outcome(client, change(later, starts_at=held["ends_at"])) == "written"
    async with client.server.app[HUB].db.read() as session:
        assert await overlapping_pairs(session) == 0


@pytest.mark.parametrize("pre_check", [True, False], ids=["with-pre-check", "database-only"])
async def test_racing_drivers_commit_a_non_overlapping_set_and_the_rest_get_slot_taken(
    client: Any, monkeypatch: pytest.MonkeyPatch, pre_check: bool
) -> None:
    if not pre_check:
        monkeypatch.setattr(creation, "overlap", lambda *_args: false())
        monkeypatch.setattr(creation, "EVSES", creation.evses_queries())
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    drivers = [await actor(client, f"racer{n}@example.org") for n in range(RACERS)]
    rng = random.Random(5)  # noqa: S311 (reproducible slots, not secrets)
    # Slots on a 15-minute grid within eight hours, 30 minutes to 2 hours long: most attempts collide.
    slots = [period(2 + rng.randrange(32) / 4, rng.randrange(2, 9) / 4) for _ in drivers]

    responses = await asyncio.gather(
        *(
            book(client, driver, location_id, slot, evse_uid="wallbox-1")
            for driver, slot in zip(drivers, slots, strict=True)
        )
    )

    answers = [(response.status, await response.json()) for response in responses]
    won = {document["id"] for status, document in answers if status == 201}
    lost = [document["error"]["code"] for status, document in answers if status != 201]
    assert won
    assert lost
    assert set(lost) == {"slot_taken"}
    async with client.server.app[HUB].db.read() as session:
        held = set(await session.scalars(select(Booking.id).where(Booking.reservation_status == "RESERVED")))
        assert await overlapping_pairs(session) == 0
    assert held == won
