"""Properties of any sequence of postings and reversals (hypothesis): every posting the ledger accepts sums to
zero in each currency, every running balance is the sum of its account's amounts, no wallet goes below zero,
every reversal mirrors its original, and the ledger refuses exactly what a model of the rules predicts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
import itertools

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.balances import holding
from chargeshare_hub.ledger.errors import InsufficientFunds, LedgerError
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.ledger.postings import Line, post, reverse
from chargeshare_hub.ledger.reconciliation import reconcile
from chargeshare_hub.ledger.tables import LedgerAccount
from chargeshare_hub.web.errors import ApiError

from .helpers import NOW, Books, books

CURRENCIES = ("EUR", "JPY")
NAMES = ("wallet", "receivable", "payable", "fees", "clearing", "processor_fees")
_drivers = itertools.count()

# A transfer moves `amount` from one account to another of the same currency (the same one: nothing moves).
transfer = st.tuples(st.sampled_from(CURRENCIES), st.sampled_from(NAMES), st.sampled_from(NAMES), st.integers(1, 3000))
operation = st.one_of(
    st.tuples(st.just("post"), st.lists(transfer, min_size=1, max_size=4)),
    st.tuples(st.just("reverse"), st.integers(0, 1000)),  # which of the postings made so far
)


@dataclass
class Model:
    """What the ledger should hold: each account's sum of amounts, the postings made, which are reversed."""

    kinds: dict[int, AccountKind]
    stored: dict[int, int]
    postings: list[tuple[int, tuple[Line, ...], bool]] = field(default_factory=list)  # id, lines, is a reversal
    reversed: set[int] = field(default_factory=set)

    def shortfall(self, lines: Sequence[Line]) -> bool:
        return any(
            self.kinds[line.account_id].never_negative
            and self.kinds[line.account_id].holding(self.stored[line.account_id] + line.amount) < 0
            for line in lines
        )

    def apply(self, posting_id: int, lines: Sequence[Line], *, is_reversal: bool = False) -> None:
        for line in lines:
            self.stored[line.account_id] += line.amount
        self.postings.append((posting_id, tuple(lines), is_reversal))


def _lines(ledgers: dict[str, Books], transfers: Sequence[tuple[str, str, str, int]]) -> list[Line]:
    net: dict[tuple[int, str], int] = defaultdict(int)
    for currency, source, target, amount in transfers:
        net[(getattr(ledgers[currency], target).id, currency)] += amount
        net[(getattr(ledgers[currency], source).id, currency)] -= amount
    return [Line(account_id, currency, amount) for (account_id, currency), amount in net.items() if amount]


async def _model(db: Database, ledgers: dict[str, Books]) -> Model:
    accounts: list[LedgerAccount] = [getattr(ledger, name) for ledger in ledgers.values() for name in NAMES]
    kinds = {account.id: AccountKind(account.kind) for account in accounts}
    async with db.read() as session:
        # The platform's accounts carry what earlier examples left in them; holding() is its own inverse.
        stored = {account.id: kinds[account.id].holding(await holding(session, account)) for account in accounts}
    return Model(kinds, stored)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, max_size=25))
async def test_any_sequence_of_postings_and_reversals_keeps_every_invariant(
    db: Database, operations: list[tuple[str, object]]
) -> None:
    driver = next(_drivers)
    ledgers = {
        currency: await books(db, currency, driver=f"d{driver}-{currency}@example.org") for currency in CURRENCIES
    }
    model = await _model(db, ledgers)

    for action, argument in operations:
        if action == "post":
            assert isinstance(argument, list)
            await _post(db, model, _lines(ledgers, argument))
        elif model.postings:
            assert isinstance(argument, int)
            await _reverse(db, model, argument % len(model.postings))

    async with db.read() as session:
        for account_id, kind in model.kinds.items():
            account = await session.get(LedgerAccount, account_id)
            assert account is not None
            assert await holding(session, account) == kind.holding(model.stored[account_id])
            if kind.never_negative:
                assert await holding(session, account) >= 0
        assert (await reconcile(session)).differences == []


async def _post(db: Database, model: Model, lines: list[Line]) -> None:
    """The model predicts the outcome; the ledger must do exactly that."""
    if not lines:  # every transfer cancelled out
        with pytest.raises(LedgerError, match="too_few_lines"):
            await _write(db, lines)
    elif model.shortfall(lines):
        with pytest.raises(InsufficientFunds):
            await _write(db, lines)
    else:
        model.apply(await _write(db, lines), lines)


async def _write(db: Database, lines: list[Line]) -> int:
    async with db.write() as session:
        return (await post(session, lines, kind="random", at=NOW)).id


async def _reverse(db: Database, model: Model, index: int) -> None:
    posting_id, lines, is_reversal = model.postings[index]
    mirrored = [Line(line.account_id, line.currency, -line.amount) for line in lines]
    if is_reversal:
        refusal: str | None = "reversal_of_reversal"
    elif posting_id in model.reversed:
        refusal = "already_reversed"
    elif model.shortfall(mirrored):
        refusal = "insufficient_funds"
    else:
        refusal = None
    if refusal is not None:
        with pytest.raises(ApiError) as refused:
            async with db.write() as session:
                await reverse(session, posting_id, at=NOW)
        assert refused.value.code == refusal
        return
    async with db.write() as session:
        reversal = await reverse(session, posting_id, at=NOW)
    assert list(reversal.lines) == mirrored
    model.reversed.add(posting_id)
    model.apply(reversal.id, mirrored, is_reversal=True)
