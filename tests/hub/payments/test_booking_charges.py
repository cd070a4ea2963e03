"""Booking and no-show fees reach the ledger: the driver pays from the wallet what it has available, the host
earns the fee less the platform's share, and a refunded fee goes back to the wallet."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.ledger.kinds import AccountKind
from tests.hub.bookings.helpers import Clock, actor, booked, cancel, period, priced_listing

from .helpers import differences, holding_of, payments, top_up

FEE_TARIFF = "tariff_16_reservation_2_euro_fee_5_euro_per_hour.json"  # 2.00 EUR + 5.00 EUR an hour, incl. 20 % VAT


async def test_a_booking_fee_is_paid_from_the_wallet_and_earned_by_the_host_less_the_share(
    client: Any, clock: Clock
) -> None:
    host, location_id = await priced_listing(client, FEE_TARIFF)
    driver = await actor(client, "driver@example.org")
    await top_up(client, driver, 5000)
    await booked(client, driver, location_id, period(48, 1, now=clock.now))

    swept = await payments(client).sweep()

    assert swept.fees_posted == 1
    assert await holding_of(client, AccountKind.DRIVER_WALLET, driver.user_id) == 5000 - 840  # (2 + 5) x 1.2
    assert await holding_of(client, AccountKind.HOST_PAYABLE, host.user_id) == 756
    assert await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None) == 84
    assert await differences(client) == []


async def test_a_fee_the_wallet_cannot_cover_stays_owed_and_a_refund_settles_it_first(
    client: Any, clock: Clock
) -> None:
    host, location_id = await priced_listing(client, FEE_TARIFF)
    driver = await actor(client, "driver@example.org")
    await top_up(client, driver, 500)
    booking = await booked(client, driver, location_id, period(48, 1, now=clock.now))
    await payments(client).sweep()

    owed = await holding_of(client, AccountKind.DRIVER_RECEIVABLE, driver.user_id)
    await cancel(client, driver, booking["id"])
    await payments(client).sweep()

    assert owed == 340
    assert await holding_of(client, AccountKind.DRIVER_WALLET, driver.user_id) == 500
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, driver.user_id) == 0
    assert await holding_of(client, AccountKind.HOST_PAYABLE, host.user_id) == 0
    assert await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None) == 0
    assert await differences(client) == []
