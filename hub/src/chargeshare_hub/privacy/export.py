"""The export: every row the hub holds about a user, as JSON, secrets left out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.schema import metadata
from .holdings import CHILDREN, HOLDINGS, SECRET_COLUMNS

EXPORT_FORMAT = 1


async def export_rows(session: AsyncSession, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Table name → its rows naming the user (and the rows belonging to those), each row once."""
    found: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    for holding in HOLDINGS:
        table = metadata.tables[holding.table]
        rows = (await session.execute(select(table).where(table.c[holding.column] == user_id))).mappings().all()
        await _collect(session, found, table, rows)
    return {name: list(rows.values()) for name, rows in sorted(found.items()) if rows}


async def _collect(
    session: AsyncSession,
    found: dict[str, dict[tuple[Any, ...], dict[str, Any]]],
    table: Table,
    rows: Iterable[Any],
) -> None:
    kept = found.setdefault(table.name, {})
    new_keys = []
    for row in rows:
        key = tuple(row[column.name] for column in table.primary_key.columns)
        if key not in kept:
            kept[key] = _json_row(table.name, row)
            new_keys.append(key)
    if not new_keys or table.name not in CHILDREN:
        return
    parent_ids = [key[0] for key in new_keys]  # every parent named in CHILDREN has a one-column key
    for child_name, column in CHILDREN[table.name]:
        child = metadata.tables[child_name]
        for start in range(0, len(parent_ids), 500):
            batch = parent_ids[start : start + 500]
            child_rows = (await session.execute(select(child).where(child.c[column].in_(batch)))).mappings().all()
            await _collect(session, found, child, child_rows)


def _json_row(table: str, row: Any) -> dict[str, Any]:
    hidden = SECRET_COLUMNS.get(table, frozenset())
    return {name: _json_value(value) for name, value in row.items() if name not in hidden}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value
