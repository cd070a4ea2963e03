"""Closing the database ends every SQLite connection's thread, so that a stopping hub process can exit."""

from __future__ import annotations

import asyncio
from pathlib import Path
import threading

from sqlalchemy import text

from chargeshare_hub.db.engine import Database


def _connection_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if "_connection_worker_thread" in thread.name]


def _still_running_after(threads: list[threading.Thread], within_s: float = 5.0) -> list[threading.Thread]:
    for thread in threads:
        thread.join(within_s)
    return [thread for thread in threads if thread.is_alive()]


async def test_close_ends_the_threads_of_connections_returned_to_the_pool(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}")
    before = _connection_threads()
    async with db.write() as session:
        await session.execute(text("CREATE TABLE notes (body TEXT)"))
    async with db.read() as session:
        await session.execute(text("SELECT * FROM notes"))

    opened = [thread for thread in _connection_threads() if thread not in before]
    await db.close()

    assert opened
    assert await asyncio.to_thread(_still_running_after, opened) == []


async def test_close_ends_the_thread_of_a_connection_a_cancelled_task_left_checked_out(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'hub.db'}")
    before = _connection_threads()
    left_behind = await db.writer.connect()  # as a statement cancelled mid-way leaves it: never returned
    await left_behind.execute(text("SELECT 1"))

    opened = [thread for thread in _connection_threads() if thread not in before]
    await db.close()

    assert opened
    assert await asyncio.to_thread(_still_running_after, opened) == []
    await left_behind.invalidate()
