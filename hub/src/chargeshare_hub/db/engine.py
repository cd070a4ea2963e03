"""Connections to the hub's database, with SQLite's single writer.

SQLite allows one writer at a time. Writes go through an engine with exactly one connection whose
transactions begin IMMEDIATE (the write lock is taken at BEGIN, so two writers queue instead of failing
half-way); reads use a second engine and, in WAL mode, never wait for the writer. Triggers that guard
invariants (no double booking) therefore run inside the single writer, race-free. On PostgreSQL both are
one pooled engine, and constraints guard the same invariants.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from ..config import HubConfig

BUSY_TIMEOUT_MS = 10_000


class Database:
    """The engines and sessions of one hub process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self._reader = _sqlite_engine(url, begin="BEGIN", pool_size=4)
            self._writer = _sqlite_engine(url, begin="BEGIN IMMEDIATE", pool_size=1)
        else:
            self._reader = self._writer = create_async_engine(url, pool_pre_ping=True)
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

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed when the block ends, rolled back (changing nothing) when it raises."""
        async with self._write_sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        await self._reader.dispose()
        if self._writer is not self._reader:
            await self._writer.dispose()


def _sqlite_engine(url: str, *, begin: str, pool_size: int) -> AsyncEngine:
    engine = create_async_engine(
        url, poolclass=AsyncAdaptedQueuePool, pool_size=pool_size, max_overflow=0, pool_timeout=60
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
        connection.exec_driver_sql(begin)

    return engine
