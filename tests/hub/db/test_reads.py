"""A single query skips the transaction; what a read session changes is never kept; tokens stop at once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text, update

from chargeshare_hub.accounts.tables import User
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from tests.hub.conftest import register, sign_in


async def _user(db: Database, name: str) -> int:
    async with db.write() as session:
        user = User(email=f"{name}@example.org", password_hash="!", name=name)
        session.add(user)
        await session.flush()
        return user.id


async def test_read_row_returns_the_first_row_or_none(db: Database) -> None:
    user_id = await _user(db, "ada")

    found = await db.read_row(select(User.id, User.name).where(User.id == user_id))
    missing = await db.read_row(select(User.id).where(User.id == user_id + 1))

    assert found is not None
    assert (found.id, found.name) == (user_id, "ada")
    assert missing is None


async def test_read_row_sees_what_was_committed_while_a_read_session_was_open(db: Database) -> None:
    user_id = await _user(db, "ada")
    async with db.read() as session:
        assert await session.scalar(select(User.name).where(User.id == user_id)) == "ada"
        async with db.write() as writing:
            await writing.execute(update(User).where(User.id == user_id).values(name="ada lovelace"))

        row = await db.read_row(select(User.name).where(User.id == user_id))

    assert row is not None
    assert row.name == "ada lovelace"


async def test_nothing_a_read_session_changes_is_kept(db: Database) -> None:
    user_id = await _user(db, "ada")

    async with db.read() as session:
        await session.execute(update(User).where(User.id == user_id).values(name="changed"))

    async with db.read() as session:
        assert await session.scalar(select(User.name).where(User.id == user_id)) == "ada"


async def test_a_postgresql_connection_closed_while_idle_is_replaced_before_use(hub_config: HubConfig) -> None:
    if hub_config.is_sqlite:
        pytest.skip("a PostgreSQL pool's behaviour")
    db = Database(hub_config.database_url, ping_after_idle_s=0.0)
    admin = Database(hub_config.database_url)
    try:
        async with db.read() as session:
            backend = await session.scalar(text("SELECT pg_backend_pid()"))
        async with admin.write() as session:
            await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})

        async with db.read() as session:
            assert await session.scalar(text("SELECT pg_backend_pid()")) != backend
    finally:
        await db.close()
        await admin.close()


async def test_a_revoked_token_is_refused_at_the_next_request(client: Any) -> None:
    await register(client, "ada@example.org")
    await sign_in(client, "ada@example.org")
    created = await (await client.post("/api/v1/tokens", json={"name": "script", "scopes": ["account"]})).json()
    bearer = {"Authorization": f"Bearer {created['token']}"}
    assert (await client.get("/api/v1/me", headers=bearer)).status == 200

    assert (await client.delete(f"/api/v1/tokens/{created['id']}")).status == 204
    client.session.cookie_jar.clear()

    assert (await client.get("/api/v1/me", headers=bearer)).status == 401
