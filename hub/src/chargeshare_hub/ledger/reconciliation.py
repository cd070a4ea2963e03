"""The ledger's invariants, checked over every row (`chargeshare-hub reconcile`, nightly): each posting has two
lines or more summing to zero in each currency; each entry's running balance is the sum of its account's
amounts up to it; no driver's wallet was ever below zero; each reversal mirrors its original line by line.

Each check is one statement, so it sees one consistent state even while postings are written (a posting and its
entries commit together).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, false, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from .kinds import AccountKind
from .tables import LedgerAccount, LedgerEntry, LedgerPosting

SHOWN_PER_CHECK = 100


@dataclass(frozen=True, slots=True)
class Difference:
    check: str  # unbalanced, too_few_lines, running_balance, negative_balance, reversal_mismatch
    subject: str  # e.g. "posting 12", "entry 40 of account 3"
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.subject}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Reconciliation:
    accounts: int
    postings: int
    entries: int
    differences: list[Difference]  # at most SHOWN_PER_CHECK of each check


async def reconcile(session: AsyncSession, shown_per_check: int = SHOWN_PER_CHECK) -> Reconciliation:
    differences = [
        *await _unbalanced(session, shown_per_check),
        *await _too_few_lines(session, shown_per_check),
        *await _running_balances(session, shown_per_check),
        *await _reversal_mismatches(session, shown_per_check),
    ]
    return Reconciliation(
        accounts=await _count(session, LedgerAccount.id),
        postings=await _count(session, LedgerPosting.id),
        entries=await _count(session, LedgerEntry.id),
        differences=differences,
    )


async def _count(session: AsyncSession, column: SQLColumnExpression[int]) -> int:
    return int(await session.scalar(select(func.count(column))) or 0)


async def _unbalanced(session: AsyncSession, shown: int) -> list[Difference]:
    total = func.sum(LedgerEntry.amount)
    rows = await session.execute(
        select(LedgerEntry.posting_id, LedgerAccount.currency, total)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .group_by(LedgerEntry.posting_id, LedgerAccount.currency)
        .having(total != 0)
        .order_by(LedgerEntry.posting_id)
        .limit(shown)
    )
    return [
        Difference("unbalanced", f"posting {posting_id}", f"its {currency} lines sum to {int(amount)}, not 0")
        for posting_id, currency, amount in rows
    ]


async def _too_few_lines(session: AsyncSession, shown: int) -> list[Difference]:
    lines = func.count(LedgerEntry.id)
    rows = await session.execute(
        select(LedgerPosting.id, lines)
        .outerjoin(LedgerEntry, LedgerEntry.posting_id == LedgerPosting.id)
        .group_by(LedgerPosting.id)
        .having(lines < 2)
        .order_by(LedgerPosting.id)
        .limit(shown)
    )
    return [Difference("too_few_lines", f"posting {posting_id}", f"{count} line(s)") for posting_id, count in rows]


async def _running_balances(session: AsyncSession, shown: int) -> list[Difference]:
    """One pass over the entries in account order for two checks: the stored running balances, and the true
    ones of the accounts that may not go negative."""
    running = func.sum(LedgerEntry.amount).over(partition_by=LedgerEntry.account_id, order_by=LedgerEntry.id)
    entries = (
        select(
            LedgerEntry.id,
            LedgerEntry.account_id,
            LedgerEntry.balance_after,
            running.label("running"),
            LedgerAccount.kind,
        )
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .subquery()
    )
    below_zero = _below_zero(entries.c.kind, entries.c.running)
    wrong = entries.c.running != entries.c.balance_after
    rows = await session.execute(
        select(entries.c.id, entries.c.account_id, entries.c.balance_after, entries.c.running, entries.c.kind, wrong)
        .where(or_(wrong, below_zero))
        .order_by(entries.c.account_id, entries.c.id)
        .limit(2 * shown)
    )
    found: dict[str, list[Difference]] = {"running_balance": [], "negative_balance": []}
    for entry_id, account_id, stored, true_sum, kind, is_wrong in rows:
        subject = f"entry {entry_id} of account {account_id}"
        if is_wrong:
            found["running_balance"].append(
                Difference("running_balance", subject, f"stores {stored}, sums to {int(true_sum)}")
            )
        holding = AccountKind(kind).holding(int(true_sum))
        if holding < 0:
            found["negative_balance"].append(Difference("negative_balance", subject, f"the {kind} held {holding}"))
    return [difference for listed in found.values() for difference in listed[:shown]]


def _below_zero(kind: ColumnElement[str], running: ColumnElement[int]) -> ColumnElement[bool]:
    conditions = [
        and_(kind == account_kind.value, running > 0 if account_kind.credit_normal else running < 0)
        for account_kind in AccountKind
        if account_kind.never_negative
    ]
    return or_(false(), *conditions)


async def _reversal_mismatches(session: AsyncSession, shown: int) -> list[Difference]:
    """Lines of an original with no negated twin in its reversal, and the other way round."""
    reversal = aliased(LedgerPosting)
    mine, theirs = aliased(LedgerEntry), aliased(LedgerEntry)

    def unmatched(
        side: str, own_posting: SQLColumnExpression[int | None], other_posting: SQLColumnExpression[int | None]
    ) -> Select[tuple[int, str, int, int]]:
        return (
            select(reversal.id, literal(side), mine.account_id, mine.amount)
            .join(mine, mine.posting_id == own_posting)
            .outerjoin(
                theirs,
                and_(
                    theirs.posting_id == other_posting,
                    theirs.account_id == mine.account_id,
                    theirs.amount == -mine.amount,
                ),
            )
            .where(reversal.reversal_of.is_not(None), theirs.id.is_(None))
        )

    rows = await session.execute(
        union_all(
            unmatched("the original's", reversal.reversal_of, reversal.id),
            unmatched("the reversal's", reversal.id, reversal.reversal_of),
        ).limit(shown)
    )
    return [
        Difference(
            "reversal_mismatch", f"posting {posting_id}", f"{side} line {amount} on account {account_id} has no mirror"
        )
        for posting_id, side, account_id, amount in rows
    ]
