"""A PostgreSQL database a benchmark may wipe: dropped and created again before each run."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url


async def recreate_database(url: str) -> bool:
    """Drops and creates the database `url` names, through the server's `postgres` database; False when the
    server cannot be reached."""
    target = make_url(url)
    try:
        connection = await asyncpg.connect(
            host=target.host, port=target.port or 5432, user=target.username, password=target.password,
            database="postgres",
        )  # fmt: skip
    except (OSError, asyncpg.PostgresError):
        return False
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{target.database}"')
        await connection.execute(f'CREATE DATABASE "{target.database}"')
    finally:
        await connection.close()
    return True
