"""What the two backends do differently, asked of a session: row locks (PostgreSQL's only; SQLite's one writer
needs none) and the INSERT that takes ON CONFLICT clauses."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def conflict_insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """The backend's own INSERT into `table`, whose ON CONFLICT clauses both backends understand."""
    return (postgresql if is_postgresql(session) else sqlite).insert(table)
