"""Properties of any sequence of top-ups, bookings that end charged (with or without energy), canceled or unused,
refunds of the sessions charged, disputes resolved with a refund or rejected, and payout runs (hypothesis): the
ledger reconciles, no wallet and no available amount goes below zero, no hold is left HELD, a session without
energy costs nothing, no payout reaches a host while a dispute of theirs is open, the host's payable, their
payouts and the platform's fee together are what was captured less what was refunded, and the wallet is what
was topped up less that."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest
from sqlalchemy import or_, select

from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.charging.credits import paid
from chargeshare_hub.charging.tables import Cdr, ChargingSession
from chargeshare_hub.config import HubConfig
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.listings.tables import Evse
from chargeshare_hub.payments.payout_tables import PaymentDispute
from chargeshare_hub.payments.tables import PaymentHold
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock, actor
from tests.hub.charging.helpers import charger, charging, example_tariff

from .helpers import database, differences, holding_of, payments, top_up
from .payouts.helpers import THRESHOLD, dispute, paid_out, payouts, resolved

_examples = itertools.count()
_charge = st.tuples(st.just("charge"), st.integers(0, 9))  # kWh; 0: plugged in, no energy
_refund_percent = st.tuples(st.just("refund"), st.integers(1, 100))  # of what the newest CDR has left to credit
operation = st.one_of(
    st.tuples(st.just("top_up"), st.integers(1, 800)),
    _charge,
    _charge,  # twice, and refunds twice: sequences with a refund of a charged session are the ones that tell
    st.tuples(st.just("cancel"), st.just(0)),
    st.tuples(st.just("no_show"), st.just(0)),
    _refund_percent,
    _refund_percent,
    st.tuples(st.just("dispute"), st.just(0)),  # the newest charged CDR
    st.tuples(st.just("resolve"), st.integers(0, 100)),  # the open dispute: 0 rejects, else refunds that percent
    st.tuples(st.just("payout"), st.just(0)),
)


@pytest.fixture
def hub_config(hub_config: HubConfig) -> HubConfig:
    """A threshold below one session's earnings, so that the runs pay out."""
    return replace(hub_config, payout_threshold_minor=THRESHOLD)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opening=st.integers(0, 2_000), operations=st.lists(operation, max_size=10))
async def test_any_sequence_of_top_ups_and_bookings_keeps_every_invariant(
    client: Any, clock: Clock, opening: int, operations: list[tuple[str, int]]
) -> None:
    example = next(_examples)
    host = await actor(client, f"host{example}@example.org", host=True)
    driver = await actor(client, f"driver{example}@example.org")
    location_id = await charger(client, host, example_tariff("tariff_8_simple_025kwh.json", f"t{example}"))
    topped_up = refunded = 0
    open_dispute: str | None = None
    fees_before = await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None)  # shared by the examples
    for number, (action, argument) in enumerate([("top_up", opening)] * bool(opening) + operations):
        if action == "top_up":
            await top_up(client, driver, argument)
            topped_up += argument
        elif action == "refund":
            refunded += await _refund(client, host, driver, argument)
        elif action == "dispute":
            open_dispute = open_dispute or await _dispute(client, driver)
            await _payout_run(client, host, held_back=open_dispute is not None)
        elif action == "resolve" and open_dispute is not None:
            refunded += await _resolve(client, host, driver, open_dispute, argument)
            open_dispute = None
        elif action == "payout":
            await _payout_run(client, host, held_back=open_dispute is not None)
        elif action in ("charge", "cancel", "no_show"):
            await _booking(client, clock, driver, host, location_id, f"P{example}-{number}", action, argument)
        clock.advance(hours=2)

    rules = payments(client).rules
    async with database(client).read() as session:
        holds = list(await session.scalars(select(PaymentHold).where(PaymentHold.driver_id == driver.user_id)))
        sessions = {
            row.booking_id: row
            for row in await session.scalars(select(ChargingSession).where(ChargingSession.host_id == host.user_id))
        }
    assert all(hold.status != "HELD" for hold in holds)
    for hold in holds:
        charged = sessions.get(hold.booking_id)
        if charged is None or charged.energy_wh == 0:
            assert hold.captured_minor is None
    captured = sum(hold.captured_minor or 0 for hold in holds)
    payable = await holding_of(client, AccountKind.HOST_PAYABLE, host.user_id) + await _paid_to(client, host)
    fees = await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None) - fees_before
    assert payable + fees == captured - refunded
    if not refunded:
        assert payable == sum(
            hold.captured_minor - rules.session_fee(hold.captured_minor) for hold in holds if hold.captured_minor
        )
    wallet = await (await client.get("/api/v1/wallet", headers=driver.headers)).json()
    for funds in wallet["wallets"]:
        assert funds["balance"] == topped_up - captured + refunded
        assert funds["available"] >= 0
    assert await differences(client) == []


async def _refund(client: Any, host: Actor, driver: Actor, percent: int) -> int:
    """Credits `percent` of what the newest charged CDR has left; the money that went back to the wallet."""
    cdr_id, left = await _newest_charged(client, driver)
    before = await holding_of(client, AccountKind.DRIVER_WALLET, driver.user_id)
    if cdr_id is None or left <= 0:
        return 0
    response = await client.post(
        f"/api/v1/cdrs/{cdr_id}/credits",
        json={"reason": "Refund", "amount": max(1, left * percent // 100)},
        headers=host.headers,
    )
    assert response.status == 201, await response.text()
    return await holding_of(client, AccountKind.DRIVER_WALLET, driver.user_id) - before


async def _dispute(client: Any, driver: Actor) -> str | None:
    """The driver disputes the newest charged CDR; the dispute's id (None: nothing to dispute)."""
    cdr_id, _left = await _newest_charged(client, driver)
    if cdr_id is None:
        return None
    response = await dispute(client, driver, cdr_id)
    assert response.status == 201, await response.text()
    return str((await response.json())["id"])


async def _resolve(client: Any, host: Actor, driver: Actor, dispute_id: str, percent: int) -> int:
    """The host rejects the dispute (0) or refunds `percent` of what its CDR has left; the money that went back."""
    async with database(client).read() as session:
        cdr_id = await session.scalar(select(PaymentDispute.cdr_id).where(PaymentDispute.id == int(dispute_id)))
    assert cdr_id is not None
    left = await _left_of(client, cdr_id)
    before = await holding_of(client, AccountKind.DRIVER_WALLET, driver.user_id)
    if percent == 0 or left <= 0:
        await resolved(client, host, dispute_id, {"outcome": "reject", "note": "Charged as metered"})
        return 0
    amount = max(1, left * percent // 100)
    await resolved(client, host, dispute_id, {"outcome": "refund", "amount": amount, "note": "Sorry"})
    return await holding_of(client, AccountKind.DRIVER_WALLET, driver.user_id) - before


async def _payout_run(client: Any, host: Actor, *, held_back: bool) -> None:
    """Runs the payouts; a host with an open dispute is paid nothing."""
    paid_before = await _paid_to(client, host)
    await payouts(client).run()
    if held_back:
        assert await _paid_to(client, host) == paid_before


async def _paid_to(client: Any, host: Actor) -> int:
    return sum(payout.amount_minor for payout in await paid_out(client) if payout.host_id == host.user_id)


async def _newest_charged(client: Any, driver: Actor) -> tuple[str | None, int]:
    """The newest CDR that captured a hold of the driver, and what of it is not credited yet."""
    async with database(client).read() as session:
        cdr_id = await session.scalar(
            select(PaymentHold.cdr_id)
            .where(PaymentHold.driver_id == driver.user_id, PaymentHold.status == "CAPTURED")
            .order_by(PaymentHold.id.desc())
            .limit(1)
        )
    if cdr_id is None:
        return None, 0
    return cdr_id, await _left_of(client, cdr_id)


async def _left_of(client: Any, cdr_id: str) -> int:
    """What of the CDR's cost no credit CDR has given back yet."""
    async with database(client).read() as session:
        cdrs = await session.scalars(select(Cdr).where(or_(Cdr.id == cdr_id, Cdr.credit_reference_id == cdr_id)))
        return sum(paid(cdr) for cdr in cdrs)  # the credits' are negative


async def _booking(
    client: Any, clock: Clock, driver: Actor, host: Actor, location_id: str, tag: str, outcome: str, kwh: int
) -> None:
    starts = clock.now + timedelta(minutes=20)
    async with database(client).write() as session:
        evse_row_id = await session.scalar(select(Evse.id).where(Evse.location_id == location_id))
        session.add(
            Booking(
                id=f"booking-{tag}", request_id=f"request-{tag}", location_id=location_id, evse_row_id=evse_row_id,
                connector_id="1", driver_id=driver.user_id, starts_at=starts, ends_at=starts + timedelta(hours=1),
                reservation_status="RESERVED", id_tag=tag, created_at=clock.now, last_updated=clock.now,
            )
        )  # fmt: skip
    await payments(client).sweep()  # the hold: placed, or refused and the booking canceled
    clock.now = starts
    if outcome == "charge":
        await charging(client).session_started(
            host.user_id, tag, location_id=location_id, evse_uid="wallbox-1", connector_id="1", id_tag=tag,
            auth_method="WHITELIST", start=starts, meter_start_wh=0,
        )  # fmt: skip
        clock.advance(minutes=50)
        await charging(client).session_ended(host.user_id, tag, end=clock.now, meter_stop_wh=kwh * 1000)
    elif outcome == "cancel":
        await client.post(
            f"/api/v1/bookings/booking-{tag}/cancel", json={"cancellation_reason": "TRAFFIC"}, headers=driver.headers
        )
    else:
        clock.advance(minutes=30)
        await client.server.app[HUB].bookings.sweep()
    await payments(client).sweep()
