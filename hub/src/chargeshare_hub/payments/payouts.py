"""Host payouts: the periodic run that pays hosts what the platform owes them, the lists of payouts, and an admin
marking a payout PAID once the money has been transferred.

A run pays, in each currency, the whole of a host's payable (what the platform owes the host) when it holds the
threshold or more and the host has no OPEN dispute: one posting per payout (the payable debited, the processor's
clearing account of the currency credited, kind "payout", reference `payout:<id>`), all written by one
`post_many`, in one transaction with the payout rows. A payout takes the payable to zero, so a second run finds
nothing to pay: a run is idempotent by construction, however often it runs. A payable below the threshold, or
below zero (refunds after a payout), waits for the host's next earnings.

Two runs at once (one per worker process) must not both pay one payable: on PostgreSQL a run locks every payable
and clearing account before it reads them, in id order as the ledger locks accounts, so a second run reads the
payables the first left at zero. Opening a dispute locks the host's payables too (`lock_host_payables`), so a run
either sees the dispute or paid before it was opened. On SQLite the single writer orders them anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
import uuid

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..config import HubConfig
from ..db.base import utcnow
from ..db.dialects import is_postgresql
from ..db.engine import Database
from ..ledger.accounts import open_account
from ..ledger.balances import MAX_PAGE, PAGE
from ..ledger.kinds import AccountKind
from ..ledger.postings import Posting, credit, debit, post_many
from ..ledger.tables import LedgerAccount, LedgerEntry
from ..notifications.inbox import notify
from ..web.errors import bad_request, conflict, forbidden, not_found
from .payout_tables import DisputeStatus, PaymentDispute, Payout, PayoutStatus

PAYOUT = "payout"  # the postings' kind


@dataclass(frozen=True, slots=True)
class PayoutRun:
    """What a run paid: for the periodic job's log, which shows a run that paid something."""

    batch: str
    payouts: int
    totals: Mapping[str, int]  # currency → minor units paid out

    def __bool__(self) -> bool:
        return self.payouts > 0

    def __str__(self) -> str:
        paid = ", ".join(f"{amount} {currency}" for currency, amount in sorted(self.totals.items()))
        return f"batch {self.batch}: {self.payouts} payout(s) of {paid} (minor units)"


@dataclass(frozen=True, slots=True)
class PayoutPage:
    payouts: list[Payout]
    next_cursor: str | None  # `before` for the next (older) page; None on the last


class Payouts:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.threshold = config.payout_threshold_minor
        self.clock = clock

    async def run(self) -> PayoutRun:
        """Pays out every payable at or above the threshold whose host has no open dispute; one transaction."""
        async with self._db.write() as session:
            now = self.clock()
            batch = f"{now:%Y%m%dT%H%M%SZ}"
            await _lock_books(session)
            due = await _due(session, self.threshold)
            if not due:
                return PayoutRun(batch, 0, {})
            clearing: dict[str, LedgerAccount] = {}
            payouts, postings = [], []
            for payable, amount in due:
                if payable.currency not in clearing:
                    clearing[payable.currency] = await open_account(
                        session, AccountKind.PROCESSOR_CLEARING, payable.currency, None, at=now
                    )
                assert payable.owner_id is not None  # a payable is a host's
                payout = Payout(
                    id=str(uuid.uuid4()),
                    host_id=payable.owner_id,
                    currency=payable.currency,
                    amount_minor=amount,
                    batch=batch,
                    status=PayoutStatus.PENDING,
                    created_at=now,
                )
                payouts.append(payout)
                lines = [debit(payable, amount), credit(clearing[payable.currency], amount)]
                postings.append(Posting(lines, PAYOUT, reference=f"payout:{payout.id}"))
            for payout, posted in zip(payouts, await post_many(session, postings, at=now), strict=True):
                payout.posting_id = posted.id
            session.add_all(payouts)
            await session.flush()
        totals: dict[str, int] = defaultdict(int)
        for payout in payouts:
            totals[payout.currency] += payout.amount_minor
        return PayoutRun(batch, len(payouts), dict(totals))

    async def of_host(self, principal: Principal, *, before: str | None, limit: int = PAGE) -> PayoutPage:
        """The principal's own payouts, newest first."""
        return await self._page(Payout.host_id == principal.user_id, before, limit)

    async def every(
        self, principal: Principal, *, status: PayoutStatus | None, before: str | None, limit: int = PAGE
    ) -> PayoutPage:
        """Every host's payouts, newest first, for admins (those still to transfer: `status` PENDING)."""
        if not principal.is_admin:
            raise forbidden("Only admins see every host's payouts.")
        return await self._page(Payout.status == status if status is not None else true(), before, limit)

    async def mark_paid(self, principal: Principal, payout_id: str, transfer_reference: str | None) -> Payout:
        """An admin records that the payout's money was transferred; the host is told. Marking it again with the
        same reference changes nothing (a retry), with another is a 409: a payout is transferred once."""
        if not principal.is_admin:
            raise forbidden("Only admins mark payouts paid.")
        async with self._db.write() as session:
            payout = await session.scalar(select(Payout).where(Payout.id == payout_id).with_for_update())
            if payout is None:
                raise not_found("payout")
            if payout.status == PayoutStatus.PAID:
                if payout.transfer_reference != transfer_reference:
                    raise conflict(
                        "payout_paid", "This payout was marked paid with another transfer.", "transfer_reference"
                    )
                return payout
            payout.status, payout.paid_at = PayoutStatus.PAID, self.clock()
            payout.transfer_reference = transfer_reference
            reference = f" with the reference {transfer_reference}" if transfer_reference else ""
            await notify(
                session,
                payout.host_id,
                kind="payment.payout_paid",
                subject="Your payout is on its way",
                body=f"Your payout of {payout.amount_minor} (minor units of {payout.currency}) of"
                f" {payout.created_at:%Y-%m-%d} was transferred to you{reference}.",
            )
            return payout

    async def _page(self, condition: ColumnElement[bool], before: str | None, limit: int) -> PayoutPage:
        """Newest first, keyed by (created_at, id): payouts made meanwhile do not shift the pages."""
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit is 1 to {MAX_PAGE}")
        query = select(Payout).where(condition)
        async with self._db.read() as session:
            if before is not None:
                cursor = await session.scalar(select(Payout).where(condition, Payout.id == before))
                if cursor is None:
                    raise bad_request("invalid", "before is the next_cursor of the previous page.", "before")
                query = query.where(
                    or_(
                        Payout.created_at < cursor.created_at,
                        and_(Payout.created_at == cursor.created_at, Payout.id < cursor.id),
                    )
                )
            newest_first = query.order_by(Payout.created_at.desc(), Payout.id.desc())
            rows = list(await session.scalars(newest_first.limit(limit + 1)))
        return PayoutPage(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


async def lock_host_payables(session: AsyncSession, host_id: int) -> None:
    """Locks the host's payables until the transaction ends: a payout run waits for it, or it for the run."""
    if is_postgresql(session):
        await session.execute(
            select(LedgerAccount.id)
            .where(LedgerAccount.kind == AccountKind.HOST_PAYABLE, LedgerAccount.owner_id == host_id)
            .order_by(LedgerAccount.id)
            .with_for_update(key_share=True)
        )


async def _lock_books(session: AsyncSession) -> None:
    """Locks every payable and clearing account, in the order postings lock accounts: the run's own postings
    then never wait for a lock held by a posting that waits for one of theirs."""
    if is_postgresql(session):
        kinds = (AccountKind.HOST_PAYABLE, AccountKind.PROCESSOR_CLEARING)
        await session.execute(
            select(LedgerAccount.id)
            .where(LedgerAccount.kind.in_(kinds))
            .order_by(LedgerAccount.id)
            .with_for_update(key_share=True)
        )


async def _due(session: AsyncSession, threshold: int) -> list[tuple[LedgerAccount, int]]:
    """The payables to pay out and what each holds."""
    newest = (
        select(LedgerEntry.balance_after)
        .where(LedgerEntry.account_id == LedgerAccount.id)
        .order_by(LedgerEntry.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    held_back = select(PaymentDispute.host_id).where(PaymentDispute.status == DisputeStatus.OPEN)
    rows = await session.execute(
        select(LedgerAccount, newest)
        .where(
            LedgerAccount.kind == AccountKind.HOST_PAYABLE,
            LedgerAccount.owner_id.not_in(held_back),
            newest <= -threshold,  # stored debit-positive: a payable holding the threshold stores minus it
        )
        .order_by(LedgerAccount.id)
    )
    return [(payable, AccountKind.HOST_PAYABLE.holding(stored)) for payable, stored in rows.tuples()]
