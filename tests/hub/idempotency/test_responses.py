"""Idempotency over HTTP, as a money-moving route uses it: the header is required and checked, a retry gets the
first response marked as replayed, and a hundred requests sent at once with one key top the wallet up once."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.idempotency.keys import Reply
from chargeshare_hub.idempotency.service import IdempotencyKeys
from chargeshare_hub.ledger.accounts import open_account
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.ledger.postings import credit, debit, post
from chargeshare_hub.ledger.tables import LedgerPosting
from chargeshare_hub.web.auth import authenticate
from tests.hub.bookings.helpers import Actor, Clock, actor
from tests.hub.conftest import clocked_app
from tests.hub.ledger.helpers import NOW

TOP_UPS = "/test/wallet/top-ups"


def _app(config: HubConfig, db: Database) -> web.Application:
    """The hub with one money-moving route, written the way the wallet's will be."""
    clock = Clock(NOW)
    keys = IdempotencyKeys(db, clock)

    async def top_up(request: web.Request) -> web.StreamResponse:
        principal = await authenticate(request, "account")
        assert principal is not None
        body = await request.json()

        async def write(session: AsyncSession) -> Reply:
            wallet = await open_account(session, AccountKind.DRIVER_WALLET, "EUR", principal.user_id, at=clock())
            clearing = await open_account(session, AccountKind.PROCESSOR_CLEARING, "EUR", None, at=clock())
            posted = await post(
                session,
                [debit(clearing, body["amount"]), credit(wallet, body["amount"])],
                kind="wallet.top_up",
                at=clock(),
            )
            return Reply(201, {"posting": posted.id, "wallet": posted.holdings[wallet.id]})

        return await keys.respond(request, principal, body, write)

    app = clocked_app(config, db, clock)
    app.router.add_post(TOP_UPS, top_up)
    return app


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any) -> Any:
    return await aiohttp_client(_app(hub_config, db))


async def _driver(client: Any) -> Actor:
    return await actor(client, "driver@example.org")


async def _postings(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count(LedgerPosting.id))) or 0)


async def test_a_retry_gets_the_first_response_marked_as_replayed(client: Any, db: Database) -> None:
    driver = await _driver(client)
    headers = driver.headers | {"Idempotency-Key": "3f1c2d9e-7a55-4c1e-9b7e-1f2a3b4c5d6e"}

    first = await client.post(TOP_UPS, json={"amount": 1500}, headers=headers)
    retry = await client.post(TOP_UPS, json={"amount": 1500}, headers=headers)

    assert (first.status, retry.status) == (201, 201)
    assert await retry.json() == await first.json() == {"posting": 1, "wallet": 1500}
    assert "Idempotent-Replayed" not in first.headers
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert await _postings(db) == 1


async def test_another_amount_under_the_same_key_is_a_422(client: Any, db: Database) -> None:
    driver = await _driver(client)
    headers = driver.headers | {"Idempotency-Key": "key-1"}
    await client.post(TOP_UPS, json={"amount": 1500}, headers=headers)

    response = await client.post(TOP_UPS, json={"amount": 1600}, headers=headers)

    assert response.status == 422
    assert (await response.json())["error"]["code"] == "idempotency_key_reused"
    assert await _postings(db) == 1


async def test_a_money_moving_request_without_a_key_is_a_400(client: Any, db: Database) -> None:
    driver = await _driver(client)

    response = await client.post(TOP_UPS, json={"amount": 1500}, headers=driver.headers)

    assert response.status == 400
    assert (await response.json())["error"] == {
        "code": "idempotency_key_missing",
        "message": "This request moves money: send an Idempotency-Key header (a new UUID).",
        "field": "Idempotency-Key",
    }
    assert await _postings(db) == 0


@pytest.mark.parametrize("key", ["", "two words", "k" * 256, "caf\u00e9"])
async def test_a_malformed_key_is_a_400(client: Any, db: Database, key: str) -> None:
    driver = await _driver(client)

    response = await client.post(TOP_UPS, json={"amount": 1500}, headers=driver.headers | {"Idempotency-Key": key})

    assert response.status == 400
    assert (await response.json())["error"]["code"] == "idempotency_key_invalid"
    assert await _postings(db) == 0


@pytest.mark.timeout(300)
async def test_a_hundred_requests_at_once_with_one_key_top_up_once(client: Any, db: Database) -> None:
    driver = await _driver(client)
    headers = driver.headers | {"Idempotency-Key": "one-key"}

    responses = await asyncio.gather(
        *(client.post(TOP_UPS, json={"amount": 1500}, headers=headers) for _ in range(100))
    )

    assert [response.status for response in responses] == [201] * 100
    assert [await response.json() for response in responses] == [{"posting": 1, "wallet": 1500}] * 100
    assert [response.headers.get("Idempotent-Replayed") for response in responses].count("true") == 99
    assert await _postings(db) == 1
