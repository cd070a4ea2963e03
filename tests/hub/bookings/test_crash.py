"""A hub process killed with SIGKILL in the middle of a booking storm loses nothing it confirmed and keeps
nothing half-written: after a restart there is no overlap, every booking has its request and its fee, and
every booking a driver saw 201 for is there."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from datetime import UTC, datetime, timedelta
import random
import sys
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from chargeshare_hub.accounts.scopes import ALL_SCOPES
from chargeshare_hub.accounts.service import Accounts
from chargeshare_hub.accounts.tables import User
from chargeshare_hub.bookings.tables import Booking, BookingCharge, BookingRequest
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from tests.hub.bookings.helpers import overlapping_pairs, two_evse_charger
from tests.hub.conftest import free_port, health_when_up

CLIENTS = 200
KILL_AFTER = 150  # confirmed bookings before the kill: the storm is well under way, far from its end
FEE_TARIFF = {
    "currency": "EUR",
    "elements": [
        {
            "price_components": [{"type": "FLAT", "price": 1.50, "vat": 20.0, "step_size": 1}],
            "restrictions": {"reservation": "RESERVATION"},
        },
        {"price_components": [{"type": "ENERGY", "price": 0.30, "vat": 20.0, "step_size": 1}]},
    ],
}
FEE_MINOR = 180


@contextlib.asynccontextmanager
async def _hub_process(config: HubConfig) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    port = free_port()
    database = ["--database", config.database] if config.database else []
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "chargeshare_hub", "--data-dir", str(config.data_dir), *database,
        "serve", "--port", str(port),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        await health_when_up(url)
        yield process, url
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def _tokens(db: Database, config: HubConfig, count: int) -> tuple[str, list[str]]:
    accounts = Accounts(db, config)
    async with db.write() as session:
        users = [User(email=f"u{n}@example.org", password_hash="!", name=f"u{n}", is_host=n == 0) for n in range(count)]
        session.add_all(users)
        await session.flush()
        user_ids = [user.id for user in users]
    secrets = [(await accounts.create_token(user_id, "crash", ALL_SCOPES)).secret for user_id in user_ids]
    return secrets[0], secrets[1:]


async def _storm(url: str, location_id: str, driver_tokens: list[str], kill: Any) -> set[str]:
    """Books until the process dies; returns the ids of the bookings the hub confirmed."""
    confirmed: set[str] = set()
    first_hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)

    async def driver(token: str, seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 (reproducible slots, not secrets)
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers) as session:
            while True:
                start = first_hour + timedelta(minutes=15 * rng.randrange(2000))
                slot = {"start_from": _z(start), "end_before": _z(start + timedelta(minutes=15 * rng.randrange(2, 9)))}
                try:
                    async with session.post(
                        f"{url}/api/v1/bookings", json={"location_id": location_id, "period": slot}
                    ) as response:
                        document = await response.json()
                except (TimeoutError, aiohttp.ClientError):
                    return  # the hub is gone
                if response.status == 201:
                    confirmed.add(document["id"])
                    if len(confirmed) == KILL_AFTER:
                        kill()
                else:
                    assert document["error"]["code"] == "slot_taken", document

    await asyncio.gather(*(driver(token, seed) for seed, token in enumerate(driver_tokens)))
    return confirmed


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.timeout(300)
async def test_a_hub_killed_during_a_booking_storm_keeps_every_confirmed_booking_whole(
    hub_config: HubConfig, db: Database
) -> None:
    host_token, driver_tokens = await _tokens(db, hub_config, CLIENTS + 1)
    host = {"Authorization": f"Bearer {host_token}"}
    async with _hub_process(hub_config) as (process, url), aiohttp.ClientSession(headers=host) as session:
        async with session.post(f"{url}/api/v1/tariffs", json=FEE_TARIFF) as response:
            tariff_id = (await response.json())["id"]
        listing = two_evse_charger()
        for evse in listing["evses"]:
            evse["connectors"][0]["tariff_ids"] = [tariff_id]
        async with session.post(f"{url}/api/v1/listings", json=listing) as response:
            location_id = (await response.json())["id"]
        confirmed = await _storm(url, location_id, driver_tokens, process.kill)
    assert process.returncode == -9

    async with _hub_process(hub_config) as (_process, url), aiohttp.ClientSession(headers=host) as session:
        async with session.get(f"{url}/api/v1/bookings?role=host") as response:
            assert response.status == 200
        async with db.read() as read:
            bookings = {booking.id: booking for booking in await read.scalars(select(Booking))}
            requests = dict(
                (
                    await read.execute(
                        select(BookingRequest.booking_id, func.count()).group_by(BookingRequest.booking_id)
                    )
                )
                .tuples()
                .all()
            )
            fees = dict(
                (
                    await read.execute(
                        select(BookingCharge.booking_id, func.sum(BookingCharge.amount_minor)).group_by(
                            BookingCharge.booking_id
                        )
                    )
                )
                .tuples()
                .all()
            )
            assert await overlapping_pairs(read) == 0
    assert len(confirmed) >= KILL_AFTER
    assert confirmed <= set(bookings)
    assert {booking.reservation_status for booking in bookings.values()} == {"RESERVED"}
    assert all(requests.get(booking_id) == 1 for booking_id in bookings)
    assert all(fees.get(booking_id) == FEE_MINOR for booking_id in bookings)
