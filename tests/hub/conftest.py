"""The hub is a service of its own: its tests run without a Home Assistant instance.

Every test that takes `db` runs once per backend: SQLite always, PostgreSQL when `HUB_TEST_POSTGRES_URL` names
a database the tests may wipe (`.ci/run` creates one on the CI machine's server). Under pytest-xdist
(`scripts/test` runs a worker per core) each worker has a database of its own, named after that one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
import contextlib
from datetime import datetime
import os
from pathlib import Path
import shutil
import socket
import threading
from typing import Any

import aiohttp
from aiohttp import web
import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.db.migrate import migrate
from chargeshare_hub.web.app import create_app

POSTGRES_URL = os.environ.get("HUB_TEST_POSTGRES_URL", "")
# Under pytest-xdist every worker has a database of its own beside the named one (see pytest_configure).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if POSTGRES_URL and _WORKER:
    POSTGRES_URL = f"{POSTGRES_URL}_{_WORKER}"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)] if POSTGRES_URL else ["sqlite"]


def pytest_configure(config: pytest.Config) -> None:
    if POSTGRES_URL and _WORKER:
        asyncio.run(_fresh_database(POSTGRES_URL))


async def _fresh_database(url: str) -> None:
    server, _, name = url.rpartition("/")
    connection = await asyncpg.connect(f"{server}/postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


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
        await _wipe_postgres(hub_config.database_url)
    database = Database.from_config(hub_config)
    yield database
    await database.close()


@pytest.fixture
async def db(hub_config: HubConfig, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Database]:
    """A database at the newest schema, with no rows. Migrating takes longer than most tests, so each backend is
    migrated once: SQLite's file is copied from a migrated one, PostgreSQL's tables are emptied."""
    if hub_config.is_sqlite:
        hub_config.data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(await _migrated_sqlite(tmp_path_factory), _sqlite_file(hub_config))
    else:
        await _empty_postgres(hub_config.database_url)
    database = Database.from_config(hub_config)
    yield database
    await database.close()


_migrated_sqlite_file: list[Path] = []  # made by the first test that needs it
_postgres_emptying: dict[str, str] = {}  # by URL: the script that empties the database, once it is migrated


def _sqlite_file(config: HubConfig) -> Path:
    return Path(config.database_url.partition(":///")[2])


async def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not _migrated_sqlite_file:
        config = HubConfig(data_dir=tmp_path_factory.mktemp("migrated-hub"))
        database = Database.from_config(config)
        await migrate(database)
        await database.close()  # the last connection's close moves the write-ahead log into the file
        _migrated_sqlite_file.append(_sqlite_file(config))
    return _migrated_sqlite_file[0]


async def _empty_postgres(url: str) -> None:
    if url not in _postgres_emptying:
        await _wipe_postgres(url)
        database = Database(url)
        await migrate(database)
        await database.close()
        _postgres_emptying[url] = await _emptying_script(url)
    connection = await asyncpg.connect(url.replace("+asyncpg", "", 1))
    try:
        await connection.execute(_postgres_emptying[url])
    finally:
        await connection.close()


async def _emptying_script(url: str) -> str:
    """Deletes every row and restarts every sequence: ten times faster than TRUNCATE on tables this small. As a
    replica the session fires no triggers, so the ledger's append-only rule stays out of it."""
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        tables = await connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != 'alembic_version'")
        )
        deletes = [f'DELETE FROM "{table}";' for table in tables]  # noqa: S608  # names from the catalog
        sequences = await connection.scalars(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"))
        restarts = [f'ALTER SEQUENCE "{sequence}" RESTART;' for sequence in sequences]
    await engine.dispose()
    return "\n".join(["BEGIN;", "SET LOCAL session_replication_role = replica;", *deletes, *restarts, "COMMIT;"])


async def _wipe_postgres(url: str) -> None:
    _postgres_emptying.pop(url, None)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


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
