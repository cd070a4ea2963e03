"""Drivers' disputes of what a CDR charged them, and their resolution by the host or an admin.

A driver disputes a CDR of theirs within `dispute_window_days` of it, one OPEN dispute per CDR at a time, and the
host is told. While a host has an OPEN dispute, payout runs hold back all of the host's payouts (payouts.py), so
the money a refund would take back is still with the platform. The host of the charger or an admin resolves it:
with a refund, a credit CDR issued by charging (whose hook gives the money back) in the very transaction that
resolves the dispute, or without one; the driver is told either way, and the host too when an admin decided.

A dispute is seen by its driver, the host and admins; to anyone else it looks like nothing at all (404), as its
CDR does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..charging.credits import paid
from ..charging.service import Charging
from ..charging.tables import Cdr
from ..config import HubConfig
from ..db.engine import Database
from ..idempotency.keys import Reply
from ..idempotency.service import Write
from ..ledger.balances import MAX_PAGE, PAGE
from ..listings.ocpi_json import ocpi_time
from ..notifications.inbox import notify
from ..web.errors import ApiError, bad_request, conflict, forbidden, not_found
from .payout_tables import NOTE_MAX, REASON_MAX, DisputeOutcome, DisputeStatus, PaymentDispute
from .payouts import lock_host_payables


class Outcome(StrEnum):
    """What the resolver decides."""

    REFUND = "refund"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Resolution:
    outcome: Outcome
    note: str  # to the driver: why
    amount: int | None = None  # a refund's minor units; None: all of the CDR not yet credited


@dataclass(frozen=True, slots=True)
class DisputePage:
    disputes: list[PaymentDispute]
    next_cursor: int | None  # `before` for the next (older) page; None on the last


def dispute_link(dispute_id: int) -> str:
    return f"/api/v1/disputes/{dispute_id}"


class Disputes:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime], charging: Charging) -> None:
        self._db = db
        self.window = timedelta(days=config.dispute_window_days)
        self.clock = clock
        self._charging = charging

    async def open(self, principal: Principal, cdr_id: str, reason: str) -> PaymentDispute:
        """The driver's dispute of CDR `cdr_id`; the host is told."""
        reason = _text(reason, REASON_MAX, "reason")
        async with self._db.write() as session:
            now = self.clock()
            cdr = await session.get(Cdr, cdr_id)
            if cdr is None or not (principal.is_admin or principal.user_id in (cdr.host_id, cdr.driver_id)):
                raise not_found("CDR")
            if principal.user_id != cdr.driver_id:
                raise forbidden("Only the driver of the session disputes its charge.")
            if cdr.credit:
                raise conflict("dispute_of_credit", "This CDR is a credit, a refund; dispute the original CDR.")
            if now > cdr.created_at + self.window:
                raise conflict(
                    "dispute_window_closed",
                    f"A charge is disputed within {self.window.days} days of its CDR; ask the hub's support instead.",
                )
            return await open_dispute(session, cdr, principal.user_id, reason, now)

    async def list(
        self, principal: Principal, *, status: DisputeStatus | None, before: int | None, limit: int = PAGE
    ) -> DisputePage:
        """Newest first: a driver's disputes and those about a host's CDRs; every dispute for admins."""
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit is 1 to {MAX_PAGE}")
        query = select(PaymentDispute)
        if not principal.is_admin:
            query = query.where(
                or_(PaymentDispute.driver_id == principal.user_id, PaymentDispute.host_id == principal.user_id)
            )
        if status is not None:
            query = query.where(PaymentDispute.status == status)
        if before is not None:
            query = query.where(PaymentDispute.id < before)
        async with self._db.read() as session:
            rows = list(await session.scalars(query.order_by(PaymentDispute.id.desc()).limit(limit + 1)))
        return DisputePage(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)

    async def get(self, principal: Principal, dispute_id: int) -> PaymentDispute:
        async with self._db.read() as session:
            dispute = await session.get(PaymentDispute, dispute_id)
        if dispute is None or not _may_see(principal, dispute):
            raise not_found("dispute")
        return dispute

    def resolve(self, principal: Principal, dispute_id: int, resolution: Resolution) -> Write:
        """The write of a resolution, for the idempotency keys to run with the key's claim: a refund moves money."""
        note = _text(resolution.note, NOTE_MAX, "note")

        async def write(session: AsyncSession) -> Reply:
            # Locked: a second resolution waits, then finds the dispute RESOLVED.
            dispute = await session.scalar(
                select(PaymentDispute).where(PaymentDispute.id == dispute_id).with_for_update()
            )
            if dispute is None or not _may_see(principal, dispute):
                raise not_found("dispute")
            if not (principal.is_admin or principal.user_id == dispute.host_id):
                raise forbidden("Only the host of the charger or an admin resolves a dispute.")
            if dispute.status != DisputeStatus.OPEN:
                raise conflict("dispute_resolved", "This dispute is resolved already.")
            refund: Cdr | None = None
            if resolution.outcome is Outcome.REFUND:
                refund = await self._charging.credit_in(
                    session,
                    principal,
                    dispute.cdr_id,
                    resolution.amount,
                    reason=f"dispute {dispute.id}: {note}",
                    request_key=f"dispute:{dispute.id}",
                )
            dispute.status, dispute.resolved_by, dispute.note = DisputeStatus.RESOLVED, principal.user_id, note
            dispute.outcome = DisputeOutcome.REJECTED if refund is None else DisputeOutcome.REFUNDED
            dispute.refund_cdr_id = None if refund is None else refund.id
            dispute.resolved_at = self.clock()
            await session.flush()
            await _tell_resolved(session, dispute, refund)
            return Reply(200, dispute_json(dispute))

        return write


async def open_dispute(session: AsyncSession, cdr: Cdr, driver_id: int, reason: str, now: datetime) -> PaymentDispute:
    """Opens the dispute of CDR `cdr` in the caller's transaction and tells the host (the driver's, or a
    chargeback their bank opened at the provider); a 409 when the CDR has an open dispute already."""
    await lock_host_payables(session, cdr.host_id)
    if await _open_dispute_of(session, cdr.id) is not None:
        raise _already_open()
    dispute = PaymentDispute(
        cdr_id=cdr.id, driver_id=driver_id, host_id=cdr.host_id, reason=reason, status=DisputeStatus.OPEN,
        created_at=now,
    )  # fmt: skip
    session.add(dispute)
    try:
        await session.flush()
    except IntegrityError as err:  # the same driver's other request won the race to the unique index
        raise _already_open() from err
    await notify(
        session,
        cdr.host_id,
        kind="payment.dispute_opened",
        subject="A driver disputes a charge",
        body=f"The driver of charging session {cdr.session_id} disputes what its CDR charged: {reason}\n\n"
        "Refund the driver or reject the dispute, with a note; your payouts wait until it is resolved.",
        link=dispute_link(dispute.id),
    )
    return dispute


def dispute_json(dispute: PaymentDispute) -> dict[str, Any]:
    return {
        "id": str(dispute.id),
        "cdr_id": dispute.cdr_id,
        "driver_id": dispute.driver_id,
        "host_id": dispute.host_id,
        "reason": dispute.reason,
        "status": dispute.status,
        "outcome": dispute.outcome,
        "refund_cdr_id": dispute.refund_cdr_id,
        "resolved_by": dispute.resolved_by,
        "note": dispute.note,
        "created_at": ocpi_time(dispute.created_at),
        "resolved_at": None if dispute.resolved_at is None else ocpi_time(dispute.resolved_at),
    }


async def _tell_resolved(session: AsyncSession, dispute: PaymentDispute, refund: Cdr | None) -> None:
    """The driver hears the outcome; the host too, when it was an admin's decision."""
    if refund is None:
        decided = "rejected"
        subject = "Your dispute of a charge was rejected"
    else:
        decided = f"resolved with a refund of {-paid(refund)} (minor units of {refund.currency})"
        subject = "Your disputed charge was refunded"
    text = f"The dispute of CDR {dispute.cdr_id} was {decided}: {dispute.note}"
    await notify(
        session, dispute.driver_id, kind="payment.dispute_resolved", subject=subject, body=text,
        link=dispute_link(dispute.id),
    )  # fmt: skip
    if dispute.resolved_by != dispute.host_id:
        await notify(
            session, dispute.host_id, kind="payment.dispute_resolved", subject="An admin resolved a dispute",
            body=text, link=dispute_link(dispute.id),
        )  # fmt: skip


async def _open_dispute_of(session: AsyncSession, cdr_id: str) -> int | None:
    return await session.scalar(
        select(PaymentDispute.id).where(PaymentDispute.cdr_id == cdr_id, PaymentDispute.status == DisputeStatus.OPEN)
    )


def _may_see(principal: Principal, dispute: PaymentDispute) -> bool:
    return principal.is_admin or principal.user_id in (dispute.driver_id, dispute.host_id)


def _text(value: str, most: int, field: str) -> str:
    text = value.strip()
    if not 1 <= len(text) <= most:
        raise bad_request("invalid", f"{field} has 1 to {most} characters (not only spaces).", field)
    return text


def _already_open() -> ApiError:
    return conflict("dispute_open", "This CDR has an open dispute already; it is resolved first.")
