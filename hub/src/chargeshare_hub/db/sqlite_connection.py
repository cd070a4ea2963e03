"""aiosqlite connections whose statements take one trip to the connection's thread instead of four.

aiosqlite runs each call in the connection's own thread: SQLAlchemy's adapter makes a cursor, executes, fetches
and closes, four hand-offs between threads per statement, and on a busy hub each costs more processor time
than a small query itself. Here a statement is executed, its rows fetched and its cursor closed in one call.
This leans on aiosqlite's `_execute` (run a function in the thread) and `_conn`, as SQLAlchemy's adapter does, and
on `_running` (the thread has not been told to stop).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
import sqlite3
from typing import Any

import aiosqlite

_Outcome = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows


async def connect(database: str) -> SingleTripConnection:
    """An open connection to the file `database`, for `create_async_engine(async_creator=...)`."""
    connection = SingleTripConnection(lambda: sqlite3.connect(database), iter_chunk_size=64)
    await connection  # opens it in its thread
    return connection


class SingleTripConnection(aiosqlite.Connection):
    async def cursor(self) -> SingleTripCursor:  # type: ignore[override]
        return SingleTripCursor(self)

    def stop_if_running(self) -> None:
        """Closes the connection in its thread and ends the thread, unless that was done already."""
        if self._running:
            self.stop()


class SingleTripCursor:
    """What SQLAlchemy's adapter uses of a cursor; rows are fetched with the statement."""

    def __init__(self, connection: SingleTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def execute(self, sql: str, parameters: Any = None) -> SingleTripCursor:
        await self._in_thread(_run, sql, () if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> SingleTripCursor:
        await self._in_thread(_run_many, sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        taken, self._rows = self._rows[: size or 1], self._rows[size or 1 :]
        return taken

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def close(self) -> None:
        self._rows = []

    async def _in_thread(self, run: Callable[[sqlite3.Connection, str, Any], _Outcome], sql: str, args: Any) -> None:
        outcome = await self._connection._execute(run, self._connection._conn, sql, args)  # type: ignore[no-untyped-call]
        self.description, self.rowcount, self.lastrowid, self._rows = outcome


def _run(connection: sqlite3.Connection, sql: str, parameters: Sequence[Any]) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, sql: str, parameters: Iterable[Any]) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(sql, parameters)
        return None, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()
