"""An idempotency key, per user, makes a money-moving write happen once: the same request again gets the first
response, a different request under the key is refused, a failed request leaves the key free, and after 24 hours
the key is new again."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chargeshare_hub.db.engine import Database
from chargeshare_hub.idempotency.keys import KEPT, Reply, claim, fingerprint
from chargeshare_hub.idempotency.service import IdempotencyKeys, Write
from chargeshare_hub.idempotency.tables import IdempotencyKey
from chargeshare_hub.ledger.postings import credit, debit, post
from chargeshare_hub.ledger.tables import LedgerPosting
from chargeshare_hub.web.errors import ApiError
from tests.hub.bookings.helpers import Clock
from tests.hub.ledger.helpers import NOW, Books, books

TOP_UP = fingerprint("POST", "/api/v1/wallet/top-ups", {"amount": 500, "currency": "EUR"})


def _top_up(accounts: Books, amount: int = 500) -> tuple[list[int], Write]:
    """A write that tops the wallet up, and the ids of the postings it made (one per time it ran)."""
    made: list[int] = []

    async def write(session: AsyncSession) -> Reply:
        posted = await post(
            session, [debit(accounts.clearing, amount), credit(accounts.wallet, amount)], kind="wallet.top_up", at=NOW
        )
        made.append(posted.id)
        return Reply(201, {"posting": posted.id, "wallet": posted.holdings[accounts.wallet.id]})

    return made, write


async def _postings(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count(LedgerPosting.id))) or 0)


async def test_the_same_request_again_gets_the_first_response_and_writes_nothing(db: Database) -> None:
    accounts = await books(db)
    keys = IdempotencyKeys(db, Clock(NOW))
    made, write = _top_up(accounts)

    first = await keys.run(accounts.driver_id, "k-1", TOP_UP, write)
    again = await keys.run(accounts.driver_id, "k-1", TOP_UP, write)

    assert first == (Reply(201, {"posting": made[0], "wallet": 500}), False)
    assert again == (first[0], True)
    assert await _postings(db) == 1


async def test_a_different_request_under_a_used_key_is_refused_with_422(db: Database) -> None:
    accounts = await books(db)
    keys = IdempotencyKeys(db, Clock(NOW))
    _made, write = _top_up(accounts)
    await keys.run(accounts.driver_id, "k-1", TOP_UP, write)

    other = fingerprint("POST", "/api/v1/wallet/top-ups", {"amount": 900, "currency": "EUR"})
    with pytest.raises(ApiError) as refused:
        await keys.run(accounts.driver_id, "k-1", other, write)

    assert (refused.value.status, refused.value.code, refused.value.field) == (
        422,
        "idempotency_key_reused",
        "Idempotency-Key",
    )
    assert await _postings(db) == 1


def test_the_fingerprint_ignores_the_order_of_keys_but_not_the_path_or_values() -> None:
    body = {"amount": 500, "currency": "EUR", "note": {"a": 1, "b": 2}}
    same = {"note": {"b": 2, "a": 1}, "currency": "EUR", "amount": 500}

    assert fingerprint("POST", "/x", body) == fingerprint("post", "/x", same)
    assert fingerprint("POST", "/x", body) != fingerprint("POST", "/y", body)
    assert fingerprint("POST", "/x", body) != fingerprint("POST", "/x", body | {"amount": 501})


async def test_keys_belong_to_their_user(db: Database) -> None:
    accounts, others = await books(db), await books(db, driver="other@example.org")
    keys = IdempotencyKeys(db, Clock(NOW))
    _made, write = _top_up(accounts)
    _made_too, write_too = _top_up(others)

    mine = await keys.run(accounts.driver_id, "shared-key", TOP_UP, write)
    theirs = await keys.run(others.driver_id, "shared-key", TOP_UP, write_too)

    assert (mine[1], theirs[1]) == (False, False)
    assert await _postings(db) == 2


async def test_a_request_that_fails_keeps_no_key_and_its_retry_writes(db: Database) -> None:
    accounts = await books(db)
    keys = IdempotencyKeys(db, Clock(NOW))

    async def failing(_session: AsyncSession) -> Reply:
        raise ApiError(503, "provider_down", "The payment provider did not answer.")

    with pytest.raises(ApiError, match="did not answer"):
        await keys.run(accounts.driver_id, "k-1", TOP_UP, failing)
    made, write = _top_up(accounts)
    reply, replayed = await keys.run(accounts.driver_id, "k-1", TOP_UP, write)

    assert (reply.status, replayed, len(made)) == (201, False, 1)


async def test_a_key_committed_before_its_response_answers_409_in_use(db: Database) -> None:
    """A flow that calls an outside service between two transactions commits its claim first."""
    accounts = await books(db)
    async with db.write() as session:
        assert await claim(session, accounts.driver_id, "k-1", TOP_UP, NOW) is None

    with pytest.raises(ApiError) as refused:
        async with db.write() as session:
            await claim(session, accounts.driver_id, "k-1", TOP_UP, NOW + timedelta(seconds=1))

    assert (refused.value.status, refused.value.code) == (409, "idempotency_key_in_use")
    assert refused.value.headers == {"Retry-After": "1"}


async def test_after_24_hours_a_key_is_a_new_request_and_the_purge_forgets_it(db: Database) -> None:
    accounts = await books(db)
    clock = Clock(NOW)
    keys = IdempotencyKeys(db, clock)
    made, write = _top_up(accounts)
    await keys.run(accounts.driver_id, "old", TOP_UP, write)
    clock.advance(hours=1)
    await keys.run(accounts.driver_id, "newer", TOP_UP, write)

    clock.now = NOW + KEPT - timedelta(seconds=1)
    assert (await keys.run(accounts.driver_id, "old", TOP_UP, write))[1] is True
    clock.now = NOW + KEPT
    assert (await keys.run(accounts.driver_id, "old", TOP_UP, write))[1] is False
    assert len(made) == 3

    clock.now = NOW + KEPT + timedelta(hours=1)
    assert await keys.purge() == 1  # "newer"; "old" was claimed again at NOW + 24 h
    async with db.read() as session:
        assert list(await session.scalars(select(IdempotencyKey.key))) == ["old"]


@pytest.mark.timeout(300)
async def test_a_hundred_concurrent_requests_with_one_key_write_once_and_all_get_the_first_response(
    db: Database,
) -> None:
    accounts = await books(db)
    keys = IdempotencyKeys(db, Clock(NOW))
    made, write = _top_up(accounts)

    outcomes = await asyncio.gather(*(keys.run(accounts.driver_id, "one-key", TOP_UP, write) for _ in range(100)))

    assert len(made) == 1
    assert [reply for reply, _replayed in outcomes] == [Reply(201, {"posting": made[0], "wallet": 500})] * 100
    assert sorted(replayed for _reply, replayed in outcomes) == [False] + [True] * 99
    assert await _postings(db) == 1
