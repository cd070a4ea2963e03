"""The `stripe` provider: a driver's saved card pays, through a Connect destination charge to the host.

A hold is a PaymentIntent with manual capture for the host's connected account, confirmed off session with the
driver's saved card, keeping the platform's fee as the application fee. Its capture takes the CDR's cost with
the fee recomputed, and Stripe at once transfers the rest to the host's connected account: the ledger records
the money arriving at the processor (processor_clearing → driver_receivable) and the host's share leaving it
(host_payable → processor_clearing), so a Stripe capture leaves the host's payable where it was and the payout
runs (payouts.py) have nothing of it to pay. A booking or no-show fee (`collect`) is charged to the saved card
at once, the same destination charge captured automatically, and recorded the same way. A refund of a captured
session or a collected fee gives the money back from the processor and takes the host's share back from their
account (`reverse_transfer`), the mirror of both.

A fee the card cannot pay (no card or host account saved, declined, refused by Stripe, e.g. below its minimum
amount) stays owed in the driver's receivable, as a fee an empty wallet cannot pay; a fee Stripe cannot answer
for now waits, unposted, for the next sweep (`FeeDeferred`). What Stripe cannot do here: there is no prepaid
wallet to top up, and the processor's own fees are not recorded.

Every call carries an idempotency key made of the hold's (credit CDR's, fee's) id and the step, so a step
repeated after a crash between the call and the commit does the work once at Stripe (see repair.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ...bookings.tables import Booking
from ...ledger.accounts import open_account
from ...ledger.kinds import AccountKind
from ...ledger.postings import credit, debit, post
from ...listings.tables import Location
from ..charges import Charge
from ..provider import Collected, FeeDeferred, HoldDeferred, HoldRefused, RefundOf, TopUpRefused
from ..rules import PaymentRules
from ..tables import PaymentHold
from .errors import PaymentDeclined, PaymentStateConflict, ProviderUnavailable, StripeFailure
from .gateway import StripeGateway
from .objects import Intent
from .parties import party_of

CAPTURE, TRANSFER = "stripe.capture", "stripe.transfer"  # the money arriving; the host's share sent on
REFUND, TRANSFER_REVERSAL = "stripe.refund", "stripe.transfer_reversal"  # and their mirrors


class StripeProvider:
    name = "stripe"

    def __init__(self, gateway: StripeGateway, rules: PaymentRules) -> None:
        self.gateway = gateway
        self.rules = rules

    async def top_up(
        self, session: AsyncSession, driver_id: int, amount: int, currency: str, *, reference: str, at: datetime
    ) -> int:
        raise TopUpRefused("This hub takes payments by card through Stripe: there is no prepaid wallet to top up.")

    async def place_hold(self, session: AsyncSession, hold: PaymentHold, at: datetime) -> str | None:
        """Authorises the hold on the driver's saved card for the host's connected account."""
        host_id = await session.scalar(
            select(Location.host_id)
            .join(Booking, Booking.location_id == Location.id)
            .where(Booking.id == hold.booking_id)
        )
        driver = await party_of(session, hold.driver_id)
        host = None if host_id is None else await party_of(session, host_id)
        if driver is None or driver.payment_method_id is None:
            raise HoldRefused("You have no card saved for payments; save one in your account's payment settings.")
        if host is None or host.connected_account_id is None:
            raise HoldRefused("The host cannot be paid by card yet: they have not connected a Stripe account.")
        try:
            intent = await self.gateway.authorise(
                amount=hold.amount_minor,
                currency=hold.currency,
                destination=host.connected_account_id,
                application_fee=self.rules.session_fee(hold.amount_minor),
                payment_method=driver.payment_method_id,
                customer=driver.customer_id,
                idempotency_key=f"hold:{hold.booking_id}:authorise",
                metadata={"booking": hold.booking_id},
            )
        except PaymentDeclined as declined:
            raise HoldRefused(f"Your card was declined: {declined.message}") from declined
        except ProviderUnavailable as outage:
            raise HoldDeferred(outage.message) from outage
        except StripeFailure as failure:  # Stripe refused the request itself, e.g. a host account it does not know
            raise HoldRefused(f"Stripe refused the payment: {failure.message}") from failure
        return intent.id

    async def capture(self, session: AsyncSession, hold: PaymentHold, charge: Charge, at: datetime) -> None:
        intent_id = _intent_of(hold)
        key = f"hold:{hold.id}:capture"
        try:
            await self.gateway.capture(intent_id, amount=charge.amount, application_fee=charge.fee, idempotency_key=key)
        except PaymentStateConflict:
            # Captured already, longer ago than Stripe keeps the key (24 hours): that capture is this one.
            if not _captured(await self.gateway.retrieve(intent_id), charge.amount):
                raise
        await _post_taken(session, charge, reference=f"hold:{hold.id}", at=at)

    async def release(self, session: AsyncSession, hold: PaymentHold, at: datetime) -> None:
        """Cancels the PaymentIntent; one Stripe canceled already (an authorisation expires after 7 days) is as
        good. Stripe out of reach defers it to a later sweep."""
        intent_id = _intent_of(hold)
        try:
            try:
                await self.gateway.cancel(intent_id, idempotency_key=f"hold:{hold.id}:cancel")
            except PaymentStateConflict:
                if (await self.gateway.retrieve(intent_id)).status != "canceled":
                    raise
        except ProviderUnavailable as outage:
            raise HoldDeferred(outage.message) from outage

    async def collect(
        self, session: AsyncSession, charge: Charge, *, reference: str, key: str, at: datetime
    ) -> Collected:
        """Charges the fee to the driver's saved card for the host's connected account, the platform's share as
        the application fee. Takes nothing when the card cannot pay it (see the module's docstring); raises
        FeeDeferred when Stripe cannot be reached."""
        driver = await party_of(session, charge.driver_id)
        host = await party_of(session, charge.host_id)
        if driver is None or driver.payment_method_id is None or host is None or host.connected_account_id is None:
            return Collected(0, None)
        try:
            intent = await self.gateway.charge(
                amount=charge.amount,
                currency=charge.currency,
                destination=host.connected_account_id,
                application_fee=charge.fee,
                payment_method=driver.payment_method_id,
                customer=driver.customer_id,
                idempotency_key=key,
                metadata={"fee": key},
            )
        except ProviderUnavailable as outage:
            raise FeeDeferred(outage.message) from outage
        except StripeFailure:  # declined, or refused by Stripe itself: it stays owed
            return Collected(0, None)
        await _post_taken(session, charge, reference=reference, at=at)
        return Collected(charge.amount, intent.id)

    async def refund(
        self,
        session: AsyncSession,
        driver_id: int,
        amount: int,
        currency: str,
        *,
        reference: str,
        at: datetime,
        of: RefundOf | None = None,
    ) -> None:
        """Refunds `amount` of the session's or fee's captured PaymentIntent, the host's share taken back from their
        account. Without a PaymentIntent (`of` None, or a fee the card did not pay) it gives nothing back at
        Stripe: what the hub owes the driver stays in their receivable."""
        if of is None or of.provider_reference is None:
            return
        await self.gateway.refund(of.provider_reference, amount=amount, idempotency_key=f"{reference}:refund")
        clearing = await open_account(session, AccountKind.PROCESSOR_CLEARING, currency, None, at=at)
        receivable = await open_account(session, AccountKind.DRIVER_RECEIVABLE, currency, driver_id, at=at)
        await post(
            session, [debit(receivable, amount), credit(clearing, amount)], kind=REFUND, at=at, reference=reference
        )
        # The host's share of what is refunded, as the hub's refund posting took it from their payable; Stripe's
        # own rounding of a partial reversal may differ by a unit, which is not recorded.
        shares = of.charge
        host_share = shares.amount - shares.fee
        if amount < shares.amount:
            host_share = host_share * amount // shares.amount
        if host_share > 0:
            payable = await open_account(session, AccountKind.HOST_PAYABLE, currency, shares.host_id, at=at)
            await post(
                session, [debit(clearing, host_share), credit(payable, host_share)], kind=TRANSFER_REVERSAL, at=at,
                reference=reference,
            )  # fmt: skip


async def _post_taken(session: AsyncSession, charge: Charge, *, reference: str, at: datetime) -> None:
    """The money of a captured PaymentIntent arriving at the processor, settling the driver's receivable, and the
    host's share sent on to their connected account, settling the host's payable."""
    clearing = await open_account(session, AccountKind.PROCESSOR_CLEARING, charge.currency, None, at=at)
    receivable = await open_account(session, AccountKind.DRIVER_RECEIVABLE, charge.currency, charge.driver_id, at=at)
    await post(
        session, [debit(clearing, charge.amount), credit(receivable, charge.amount)], kind=CAPTURE, at=at,
        reference=reference,
    )  # fmt: skip
    host_share = charge.amount - charge.fee
    if host_share > 0:
        payable = await open_account(session, AccountKind.HOST_PAYABLE, charge.currency, charge.host_id, at=at)
        await post(
            session, [debit(payable, host_share), credit(clearing, host_share)], kind=TRANSFER, at=at,
            reference=reference,
        )  # fmt: skip


def _intent_of(hold: PaymentHold) -> str:
    if hold.provider_reference is None:
        raise ValueError(f"Hold {hold.id} has no PaymentIntent: it was not placed through Stripe.")
    return hold.provider_reference


def _captured(intent: Intent, amount: int) -> bool:
    return intent.status == "succeeded" and intent.amount_received == amount
