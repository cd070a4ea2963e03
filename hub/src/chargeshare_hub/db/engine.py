"""Connections to the hub's database, with SQLite's single writer.

SQLite allows one writer at a time. Writes go through an engine with exactly one connection whose
transactions begin IMMEDIATE (the write lock is taken at BEGIN, so two writers queue instead of failing
half-way); reads use a second engine and, in WAL mode, never wait for the writer. Triggers that guard
invariants (no double booking) therefore run inside the single writer, race-free. On PostgreSQL both are
one pooled engine, and constraints guard the same invariants. SQLite's connections take one trip to their
thread per statement (see `sqlite_connection`); PostgreSQL's are pinged only after being idle a while.

`close` stops every SQLite connection the engines opened, also one that a task cancelled mid-statement left
checked out (the pool's dispose closes only those returned to it): each has a thread that would otherwise keep the
process from exiting.

A query of a single statement needs no transaction around it (one statement sees one consistent state):
`read_row` runs it without BEGIN and ROLLBACK, which on a busy hub are much of a small query's cost.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
import time
from typing import Any
import weakref

from sqlalchemy import Executable, Row, event, exc, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry

from ..config import HubConfig
from . import sqlite_connection

BUSY_TIMEOUT_MS = 10_000
PING_AFTER_IDLE_S = 10.0
_NO_BEGIN = "chargeshare_no_begin"  # an execution option: this connection runs single statements only


class Database:
    """The engines and sessions of one hub process."""

    def __init__(self, url: str, *, ping_after_idle_s: float = PING_AFTER_IDLE_S) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._sqlite_connections: weakref.WeakSet[sqlite_connection.SingleTripConnection] = weakref.WeakSet()
        if self.is_sqlite:
            self._reader = _sqlite_engine(url, self._sqlite_connections, begin="BEGIN", pool_size=4)
            self._writer = _sqlite_engine(url, self._sqlite_connections, begin="BEGIN IMMEDIATE", pool_size=1)
        else:
            self._reader = self._writer = _postgresql_engine(url, ping_after_idle_s=ping_after_idle_s)
        self._read_sessions = async_sessionmaker(self._reader, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(self._writer, expire_on_commit=False)

    @classmethod
    def from_config(cls, config: HubConfig) -> Database:
        if config.is_sqlite:
            config.data_dir.mkdir(parents=True, exist_ok=True)
        return cls(config.database_url)

    @property
    def writer(self) -> AsyncEngine:
        return self._writer

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries; nothing it changes is kept."""
        async with self._read_sessions() as session:
            yield session

    async def read_row(self, statement: Executable, params: Mapping[str, Any] | None = None) -> Row[Any] | None:
        """The first row of a query (never a change: nothing would roll it back) read outside any transaction."""
        async with self._reader.connect() as connection:
            await connection.execution_options(
                **({_NO_BEGIN: True} if self.is_sqlite else {"isolation_level": "AUTOCOMMIT"})
            )
            return (await connection.execute(statement, params)).first()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed when the block ends, rolled back (changing nothing) when it raises."""
        async with self._write_sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        await self._reader.dispose()
        if self._writer is not self._reader:
            await self._writer.dispose()
        for connection in list(self._sqlite_connections):
            connection.stop_if_running()


def _sqlite_engine(
    url: str, opened: weakref.WeakSet[sqlite_connection.SingleTripConnection], *, begin: str, pool_size: int
) -> AsyncEngine:
    database = make_url(url).database or ""

    async def connect() -> sqlite_connection.SingleTripConnection:
        connection = await sqlite_connection.connect(database)
        opened.add(connection)
        return connection

    engine = create_async_engine(
        url,
        poolclass=AsyncAdaptedQueuePool,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=60,
        async_creator=connect,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own implicit BEGIN is turned off so that the "begin" hook decides the kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        if not connection.get_execution_options().get(_NO_BEGIN):
            connection.exec_driver_sql(begin)

    return engine


def _postgresql_engine(url: str, *, ping_after_idle_s: float) -> AsyncEngine:
    """A pool that checks a connection before use only when it has been idle a while (the server may have closed
    it meanwhile); a busy hub's connections are in constant use, and a ping per checkout would cost a round trip
    per query."""
    engine = create_async_engine(url)

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) < ping_after_idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as err:
            # The pool drops this connection and checks out another (a new one if need be).
            raise exc.DisconnectionError("the connection was closed while idle") from err

    return engine
