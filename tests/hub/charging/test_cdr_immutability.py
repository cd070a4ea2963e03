"""A CDR cannot be changed or deleted, not even by SQL behind the hub's back: the database refuses."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import actor

from .helpers import charged, charger, example_tariff


async def _issued_cdr(client: Any) -> str:
    host = await actor(client, "host@example.org", host=True)
    location_id = await charger(client, host, example_tariff("tariff_8_simple_025kwh.json"))
    return (await charged(client, host, location_id)).id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE cdrs SET total_cost_excl_minor = 0 WHERE id = :id",
        "UPDATE cdrs SET credit = credit WHERE id = :id",
        "DELETE FROM cdrs WHERE id = :id",
    ],
)
async def test_sql_that_would_change_or_delete_a_cdr_fails(client: Any, statement: str) -> None:
    cdr_id = await _issued_cdr(client)
    db = client.server.app[HUB].db

    with pytest.raises(DBAPIError, match="cdr_immutable"):
        async with db.write() as session:
            await session.execute(text(statement), {"id": cdr_id})

    async with db.read() as session:
        assert (
            await session.scalar(text("SELECT total_cost_excl_minor FROM cdrs WHERE id = :id"), {"id": cdr_id}) == 125
        )
