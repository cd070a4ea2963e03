"""Posting to the ledger, in the caller's transaction: a posting's lines sum to zero in each currency, and a
correction is the mirror posting of the original (`reverse`), never an edit.

Each entry stores its account's running balance. The accounts a posting touches are locked first: on PostgreSQL
with a row lock taken in the order of their ids (so two postings never wait for each other in a circle), on
SQLite by the single writer that every write transaction already holds. The balances are read after the locks
are held, so concurrent postings to one account follow each other, each starting from the one before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Table, bindparam, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from .errors import InsufficientFunds, LedgerError, already_reversed, reversal_of_reversal
from .kinds import AccountKind
from .tables import LedgerAccount, LedgerEntry, LedgerPosting
from .validation import MAX_AMOUNT

KIND_MAX, REFERENCE_MAX, MEMO_MAX = 40, 80, 300
REVERSAL = "reversal"

# The statements of a posting, built once and run on the session's connection: a posting is the hub's hottest
# write, and building and running statements through the ORM costs more than the database's own work.
_ACCOUNTS = cast("Table", LedgerAccount.__table__).c
_ENTRIES = cast("Table", LedgerEntry.__table__)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_LOCK = select(_ACCOUNTS.id).where(_ACCOUNTS.id.in_(_IDS)).order_by(_ACCOUNTS.id).with_for_update(key_share=True)
_NEWEST = (
    select(_ENTRIES.c.balance_after)
    .where(_ENTRIES.c.account_id == _ACCOUNTS.id)
    .order_by(_ENTRIES.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
_SUMS = select(_ACCOUNTS.id, _ACCOUNTS.kind, _ACCOUNTS.currency, func.coalesce(_NEWEST, 0)).where(
    _ACCOUNTS.id.in_(_IDS)
)
_INSERT_POSTING = insert(cast("Table", LedgerPosting.__table__)).returning(
    LedgerPosting.__table__.c.id, sort_by_parameter_order=True
)
_INSERT_ENTRIES = insert(_ENTRIES)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a posting: `amount` minor units of `currency`, a debit positive and a credit negative."""

    account_id: int
    currency: str
    amount: int


def debit(account: LedgerAccount, amount: int) -> Line:
    """A debit of `amount` (positive): it raises what a debit-normal account holds and lowers a credit-normal one."""
    return Line(account.id, account.currency, _positive(amount))


def credit(account: LedgerAccount, amount: int) -> Line:
    """A credit of `amount` (positive): a top-up credits the driver's wallet, a sale credits the host's payable."""
    return Line(account.id, account.currency, -_positive(amount))


@dataclass(frozen=True, slots=True)
class Posting:
    """A posting to write (`post_many`): its lines, what it is (`kind`), what it is about, a note."""

    lines: Sequence[Line]
    kind: str
    reference: str | None = None
    memo: str | None = None


@dataclass(frozen=True, slots=True)
class Posted:
    id: int
    kind: str
    reference: str | None
    memo: str | None
    created_at: datetime
    reversal_of: int | None
    lines: tuple[Line, ...]
    holdings: Mapping[int, int]  # account id → what the account holds after this posting (see kinds.py)


async def post(
    session: AsyncSession,
    lines: Sequence[Line],
    *,
    kind: str,
    at: datetime,
    reference: str | None = None,
    memo: str | None = None,
) -> Posted:
    """Writes one posting; refuses (LedgerError) one that is not balanced double entry, and (InsufficientFunds)
    one that would take a driver's wallet below zero. Nothing is written when it refuses, but on PostgreSQL a
    refusal by the database leaves the transaction unusable: let the error end it."""
    (posted,) = await _write(session, [(Posting(lines, kind, reference, memo), None)], at)
    return posted


async def post_many(session: AsyncSession, postings: Sequence[Posting], *, at: datetime) -> list[Posted]:
    """Writes postings in order, exactly as `post` would one after the other, with the accounts' balances read
    once and each table written by one statement: for a payout run, or the postings of concurrent flows written
    together. One refused refuses them all: nothing is written."""
    return await _write(session, [(posting, None) for posting in postings], at)


async def reverse(
    session: AsyncSession,
    posting_id: int,
    *,
    at: datetime,
    kind: str = REVERSAL,
    memo: str | None = None,
) -> Posted:
    """The mirror of posting `posting_id`: every line negated, the same reference. A posting is reversed at most
    once (409 already_reversed), and a reversal is not reversed again (409 reversal_of_reversal): a correction of
    a correction is a new posting."""
    original = await session.scalar(
        select(LedgerPosting).where(LedgerPosting.id == posting_id).with_for_update(key_share=True)
    )
    if original is None:
        raise LedgerError("unknown_posting", f"There is no posting {posting_id}.")
    if original.reversal_of is not None:
        raise reversal_of_reversal()
    if await session.scalar(select(LedgerPosting.id).where(LedgerPosting.reversal_of == posting_id)) is not None:
        raise already_reversed()
    rows = await session.execute(
        select(LedgerEntry.account_id, LedgerAccount.currency, LedgerEntry.amount)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(LedgerEntry.posting_id == posting_id)
        .order_by(LedgerEntry.id)
    )
    mirrored = [Line(account_id, currency, -amount) for account_id, currency, amount in rows]
    (posted,) = await _write(session, [(Posting(mirrored, kind, original.reference, memo), posting_id)], at)
    return posted


async def _write(session: AsyncSession, postings: Sequence[tuple[Posting, int | None]], at: datetime) -> list[Posted]:
    """The postings (each with the posting it reverses, if it does), checked in order against the balances the
    ones before leave."""
    for posting, _ in postings:
        _check_text(posting.kind, posting.reference, posting.memo)
        _check_lines(posting.lines)
    connection = await session.connection()
    sums = await _locked_sums(connection, [line.account_id for posting, _ in postings for line in posting.lines])
    stored = {account_id: account.stored for account_id, account in sums.items()}
    afters = []
    for posting, _ in postings:
        after = {line.account_id: stored[line.account_id] + line.amount for line in posting.lines}
        for line in posting.lines:
            _check_line(line, sums[line.account_id], stored[line.account_id], after[line.account_id])
        stored.update(after)
        afters.append(after)
    rows = [
        {"kind": posting.kind, "memo": posting.memo, "reference": posting.reference, "created_at": at,
         "reversal_of": reversal_of}
        for posting, reversal_of in postings
    ]  # fmt: skip
    ids: list[int] = list((await connection.execute(_INSERT_POSTING, rows)).scalars())
    await connection.execute(
        _INSERT_ENTRIES,
        [
            {"posting_id": posting_id, "account_id": line.account_id, "amount": line.amount,
             "balance_after": after[line.account_id]}
            for posting_id, (posting, _), after in zip(ids, postings, afters, strict=True)
            for line in posting.lines
        ],
    )  # fmt: skip
    return [
        Posted(
            posting_id,
            posting.kind,
            posting.reference,
            posting.memo,
            at,
            reversal_of,
            tuple(posting.lines),
            {account_id: sums[account_id].kind.holding(balance) for account_id, balance in after.items()},
        )
        for posting_id, (posting, reversal_of), after in zip(ids, postings, afters, strict=True)
    ]


def _check_line(line: Line, account: _Sum, before: int, after: int) -> None:
    if account.currency != line.currency:
        raise LedgerError(
            "currency_mismatch", f"Account {line.account_id} is in {account.currency}, not {line.currency}."
        )
    if account.kind.never_negative and account.kind.holding(after) < 0:
        raise InsufficientFunds(
            line.account_id, account.currency, account.kind.holding(before), -account.kind.holding(line.amount)
        )


@dataclass(frozen=True, slots=True)
class _Sum:
    kind: AccountKind
    currency: str
    stored: int  # the sum of the account's amounts so far (debit-positive)


async def _locked_sums(connection: AsyncConnection, account_ids: Sequence[int]) -> dict[int, _Sum]:
    ids = sorted(set(account_ids))
    if connection.dialect.name == "postgresql":
        # A statement of its own: the balances must be read after the locks are granted, by a statement that sees
        # what the transactions it waited for committed.
        await connection.execute(_LOCK, {"ids": ids})
    rows = await connection.execute(_SUMS, {"ids": ids})
    found = {account_id: _Sum(AccountKind(kind), currency, int(stored)) for account_id, kind, currency, stored in rows}
    missing = [account_id for account_id in ids if account_id not in found]
    if missing:
        raise LedgerError("unknown_account", f"There is no account {missing[0]}.")
    return found


def _check_lines(lines: Sequence[Line]) -> None:
    if len(lines) < 2:
        raise LedgerError("too_few_lines", "A posting has at least two lines.")
    totals: dict[str, int] = defaultdict(int)
    seen: set[int] = set()
    for line in lines:
        _check_amount(line.amount)
        if line.account_id in seen:
            raise LedgerError("duplicate_account", f"Account {line.account_id} is on two lines; add them up.")
        seen.add(line.account_id)
        totals[line.currency] += line.amount
    unbalanced = {currency: total for currency, total in totals.items() if total != 0}
    if unbalanced:
        raise LedgerError("unbalanced", f"The lines do not sum to zero: {unbalanced}.")


def _check_amount(amount: Any) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise LedgerError("not_whole", f"An amount is a whole number of minor units, not {amount!r}.")
    if amount == 0:
        raise LedgerError("zero_line", "A line moves money: its amount is not zero.")
    if abs(amount) > MAX_AMOUNT:
        raise LedgerError("too_large", f"An amount is at most {MAX_AMOUNT} minor units.")


def _positive(amount: int) -> int:
    _check_amount(amount)
    if amount < 0:
        raise LedgerError("negative", "debit() and credit() take a positive amount; the side gives the sign.")
    return amount


def _check_text(kind: str, reference: str | None, memo: str | None) -> None:
    if not 1 <= len(kind) <= KIND_MAX:
        raise LedgerError("invalid_kind", f"A posting's kind has 1 to {KIND_MAX} characters.")
    if reference is not None and not 1 <= len(reference) <= REFERENCE_MAX:
        raise LedgerError("invalid_reference", f"A reference has 1 to {REFERENCE_MAX} characters.")
    if memo is not None and len(memo) > MEMO_MAX:
        raise LedgerError("invalid_memo", f"A memo has at most {MEMO_MAX} characters.")
