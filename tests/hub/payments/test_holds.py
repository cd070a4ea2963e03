"""A booking's hold: placed close to the slot's start for the most the slot can cost, captured for what the CDR
cost (never more), voided when the session draws no energy, released when the booking ends unused; a hold that
cannot be placed cancels the booking and tells the driver why."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select

from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.notifications.tables import Notification
from tests.hub.bookings.helpers import Actor, Clock, cancel
from tests.hub.charging.helpers import charging, end, start
from tests.hub.conftest import clocked_app

from .helpers import HOLD, booked_charger, database, differences, held, holding_of, payments, postings


async def _wallet(client: Any, driver: Actor) -> dict[str, Any]:
    wallets = (await (await client.get("/api/v1/wallet", headers=driver.headers)).json())["wallets"]
    assert [wallet.pop("currency") for wallet in wallets] == ["EUR"]
    return dict(wallets[0])


async def test_the_hold_is_placed_thirty_minutes_before_the_slot_for_an_hour_at_full_power(
    client: Any, clock: Clock
) -> None:
    setting = await booked_charger(client, wallet=1000)

    await payments(client).sweep()
    early = await held(client, setting.booking_id)
    clock.advance(minutes=30)
    await payments(client).sweep()

    assert early is None
    hold = await held(client, setting.booking_id)
    assert hold is not None
    assert (hold.status, hold.amount_minor, hold.currency) == ("HELD", HOLD, "EUR")
    assert await _wallet(client, setting.driver) == {"balance": 1000, "on_hold": HOLD, "available": 696}


async def test_a_hold_the_wallet_cannot_cover_cancels_the_booking_and_tells_the_driver(
    client: Any, clock: Clock
) -> None:
    setting = await booked_charger(client, wallet=300)
    clock.advance(minutes=30)

    swept = await payments(client).sweep()

    assert swept.refused == 1
    hold = await held(client, setting.booking_id)
    assert hold is not None
    assert hold.status == "REFUSED"
    async with database(client).read() as session:
        booking = await session.get(Booking, setting.booking_id)
        notices = list(
            await session.scalars(select(Notification).where(Notification.user_id == setting.driver.user_id))
        )
    assert booking is not None
    assert booking.reservation_status == "CANCELED"
    assert [notice.kind for notice in notices] == ["payment.hold_refused"]
    assert "could not be held" in notices[0].body
    assert "300 (minor units of EUR) available" in notices[0].body
    assert await postings(client) == 1  # the top-up only


async def test_the_cdr_captures_its_cost_pays_the_host_less_the_fee_and_releases_the_rest(
    client: Any, clock: Clock
) -> None:
    setting = await booked_charger(client, wallet=1000)
    clock.advance(minutes=30)
    await payments(client).sweep()

    await start(client, setting.host, setting.location_id, id_tag="TAG1")
    cdr = await end(client, setting.host, minutes=60, meter_wh=6_000)  # 5 kWh

    hold = await held(client, setting.booking_id)
    assert hold is not None
    assert (hold.status, hold.captured_minor, hold.uncollected_minor, hold.cdr_id) == ("CAPTURED", 138, 0, cdr.id)
    assert await _wallet(client, setting.driver) == {"balance": 862, "on_hold": 0, "available": 862}
    assert await holding_of(client, AccountKind.HOST_PAYABLE, setting.host.user_id) == 125
    assert await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None) == 13  # 10 % of 138
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, setting.driver.user_id) == 0
    assert await differences(client) == []


async def test_a_cdr_costing_more_than_the_hold_captures_the_hold_only(
    hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock
) -> None:
    client = await aiohttp_client(clocked_app(replace(hub_config, payment_hold_cap_minor=100), db, clock))
    setting = await booked_charger(client, wallet=1000)
    clock.advance(minutes=30)
    await payments(client).sweep()

    await start(client, setting.host, setting.location_id, id_tag="TAG1")
    await end(client, setting.host, minutes=60, meter_wh=6_000)

    hold = await held(client, setting.booking_id)
    assert hold is not None
    assert (hold.amount_minor, hold.captured_minor, hold.uncollected_minor) == (100, 100, 38)
    assert await _wallet(client, setting.driver) == {"balance": 900, "on_hold": 0, "available": 900}


async def test_a_session_without_energy_for_fifteen_minutes_voids_the_hold_and_costs_nothing(
    client: Any, clock: Clock
) -> None:
    setting = await booked_charger(client, wallet=1000)
    clock.advance(minutes=30)
    await payments(client).sweep()
    clock.advance(minutes=30)
    await start(client, setting.host, setting.location_id, id_tag="TAG1")

    clock.advance(minutes=14)
    await payments(client).sweep()
    still = await held(client, setting.booking_id)
    clock.advance(minutes=1)
    await payments(client).sweep()

    assert still is not None
    assert still.status == "HELD"
    hold = await held(client, setting.booking_id)
    assert hold is not None
    assert hold.status == "VOIDED"
    await end(client, setting.host, minutes=60, meter_wh=1_000)
    assert await _wallet(client, setting.driver) == {"balance": 1000, "on_hold": 0, "available": 1000}
    assert await postings(client) == 1


async def test_a_session_that_ends_without_energy_voids_the_hold_at_its_cdr(client: Any, clock: Clock) -> None:
    setting = await booked_charger(client, wallet=1000)
    clock.advance(minutes=30)
    await payments(client).sweep()
    await start(client, setting.host, setting.location_id, id_tag="TAG1")

    cdr = await end(client, setting.host, minutes=5, meter_wh=1_000)

    hold = await held(client, setting.booking_id)
    assert hold is not None
    assert (hold.status, hold.cdr_id) == ("VOIDED", cdr.id)
    assert await postings(client) == 1


async def test_a_canceled_booking_releases_its_hold(client: Any, clock: Clock) -> None:
    setting = await booked_charger(client, wallet=1000)
    clock.advance(minutes=30)
    await payments(client).sweep()

    await cancel(client, setting.driver, setting.booking_id)
    swept = await payments(client).sweep()

    assert swept.released == 1
    hold = await held(client, setting.booking_id)
    assert hold is not None
    assert hold.status == "RELEASED"
    assert await _wallet(client, setting.driver) == {"balance": 1000, "on_hold": 0, "available": 1000}


async def test_a_repeated_cdr_captures_once(client: Any, clock: Clock) -> None:
    setting = await booked_charger(client, wallet=1000)
    clock.advance(minutes=30)
    await payments(client).sweep()
    await start(client, setting.host, setting.location_id, id_tag="TAG1")

    await end(client, setting.host, minutes=60, meter_wh=6_000)
    await charging(client).session_ended(setting.host.user_id, "s1", end=clock.now, meter_stop_wh=6_000)

    assert await postings(client, "session.charge") == 1
    assert await postings(client, "wallet.capture") == 1
