"""A hundred captures of one hold at once (a CDR delivered again and again, sweepers on several instances)
capture once: each waits for the hold's lock (PostgreSQL) or the single writer (SQLite) and finds it captured."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from chargeshare_hub.charging.tables import Cdr
from chargeshare_hub.ledger.kinds import AccountKind
from tests.hub.bookings.helpers import Clock
from tests.hub.charging.helpers import end, start

from .helpers import booked_charger, database, differences, held, holding_of, payments, postings


async def test_a_hundred_concurrent_captures_of_one_hold_capture_once(client: Any, clock: Clock) -> None:
    setting = await booked_charger(client, wallet=1000)
    clock.advance(minutes=30)
    await payments(client).sweep()
    await start(client, setting.host, setting.location_id, id_tag="TAG1")
    await end(client, setting.host, minutes=60, meter_wh=6_000)
    async with database(client).read() as session:
        cdr = await session.scalar(select(Cdr))
    assert cdr is not None

    async def capture() -> None:
        async with database(client).write() as session:
            await payments(client).cdr_issued(session, cdr)

    await asyncio.gather(*(capture() for _ in range(100)))

    hold = await held(client, setting.booking_id)
    assert hold is not None
    assert (hold.status, hold.captured_minor) == ("CAPTURED", 138)
    assert await postings(client, "session.charge") == 1
    assert await postings(client, "wallet.capture") == 1
    assert await holding_of(client, AccountKind.DRIVER_WALLET, setting.driver.user_id) == 862
    assert await differences(client) == []
