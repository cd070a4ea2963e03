"""The hub is a service of its own: its tests run without a Home Assistant instance.

Every test that takes `db` runs once per backend: SQLite always, PostgreSQL when `HUB_TEST_POSTGRES_URL` names
a database the tests may wipe (`.ci/run` creates one on the CI machine's server).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
import contextlib
from datetime import datetime
import os
from pathlib import Path
import socket
import threading
from typing import Any

import aiohttp
from aiohttp import web
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.db.migrate import migrate
from chargeshare_hub.web.app import create_app

POSTGRES_URL = os.environ.get("HUB_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Overrides the suite-wide fixture, which starts Home Assistant for every test."""


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """The hub talks to PostgreSQL and serves HTTP on 127.0.0.1."""


@pytest.fixture(autouse=True)
def _sqlite_threads_ended() -> Iterator[None]:
    """aiosqlite answers a connection's close before that connection's thread has ended, and the suite-wide
    cleanup check fails a test that leaves a thread behind: wait for them (after the databases were closed)."""
    yield
    for thread in threading.enumerate():
        if thread.name.endswith("(_connection_worker_thread)"):
            thread.join(timeout=10)


@pytest.fixture(params=BACKENDS)
def hub_config(request: pytest.FixtureRequest, tmp_path: Path) -> HubConfig:
    database = "" if request.param == "sqlite" else POSTGRES_URL
    return HubConfig(data_dir=tmp_path / "hub", database=database, secret_key="test-secret", secure_cookies=False)


@pytest.fixture
async def empty_db(hub_config: HubConfig) -> AsyncIterator[Database]:
    """A database with no tables at all."""
    if not hub_config.is_sqlite:
        engine = create_async_engine(hub_config.database_url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    database = Database.from_config(hub_config)
    yield database
    await database.close()


@pytest.fixture
async def db(empty_db: Database) -> Database:
    """A database at the newest schema."""
    await migrate(empty_db)
    return empty_db


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any) -> Any:
    """The hub's API on 127.0.0.1, on a migrated database."""
    return await aiohttp_client(create_app(hub_config, db))


def clocked_app(config: HubConfig, db: Database, clock: Callable[[], datetime]) -> web.Application:
    """The hub without background timers, every service on `clock` (which a test moves by hand)."""
    return create_app(config, db, background_tasks=False, clock=clock)


async def register(client: Any, email: str, *, host: bool = False, password: str = "correct horse battery") -> Any:
    response = await client.post(
        "/api/v1/accounts",
        json={"email": email, "password": password, "name": email.split("@", maxsplit=1)[0], "host": host},
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def sign_in(client: Any, email: str, password: str = "correct horse battery") -> Any:
    response = await client.post("/api/v1/session", json={"email": email, "password": password})
    assert response.status == 200, await response.text()
    return response


def free_port() -> int:
    """A port nothing listens on right now, for a hub process the test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def health_when_up(base_url: str) -> dict[str, Any]:
    """The hub's /healthz answer once a starting process gives one (for up to 10 s)."""
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with session.get(f"{base_url}/healthz") as response:
                    if response.status == 200:
                        return dict(await response.json())
            await asyncio.sleep(0.05)
    raise AssertionError(f"{base_url} never answered")
