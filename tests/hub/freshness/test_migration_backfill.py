"""Migration 0009 on a hub with listings: existing listings count as confirmed at the upgrade, an existing status
as written when its EVSE last was, the search rows learn their EVSEs' states, and no row is lost on the way
(rebuilding a table on SQLite would cascade to the rows referring to it). Downgrading gives the counts back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from typing import Any

from alembic import command
import sqlalchemy as sa
from sqlalchemy import Connection

from chargeshare_hub.db.base import UtcDateTime
from chargeshare_hub.db.engine import Database
from chargeshare_hub.db.migrate import alembic_config

BEFORE, OURS = "0008_trust_reviews", "0009_listing_health"
EDITED = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _table(name: str, *plain: str, **typed: Any) -> sa.TableClause:
    """A table as it is before the migration, with only the columns written here."""
    return sa.table(name, *(sa.column(column) for column in plain), *(sa.column(k, v) for k, v in typed.items()))


_users = _table(
    "users", "id", "email", "password_hash", "name", "is_host", "is_driver", "is_admin", created_at=UtcDateTime()
)
_locations = _table(
    "locations",
    *("id", "host_id", "publish", "address", "city", "country", "latitude", "longitude", "time_zone"),
    facilities=sa.JSON,
    directions=sa.JSON,
    created_at=UtcDateTime(),
    last_updated=UtcDateTime(),
)
_evses = _table(
    "evses",
    *("id", "location_id", "position", "uid", "status"),
    capabilities=sa.JSON,
    parking_restrictions=sa.JSON,
    directions=sa.JSON,
    last_updated=UtcDateTime(),
)
_connectors = _table(
    "connectors",
    *("id", "evse_row_id", "position", "connector_id", "standard", "format", "power_type"),
    *("max_voltage", "max_amperage"),
    tariff_ids=sa.JSON,
    last_updated=UtcDateTime(),
)
_entries = _table(
    "search_entries",
    *("id", "location_id", "host_id", "publish", "city", "latitude", "longitude", "time_zone", "always_open"),
    *("max_power", "rating_count", "green"),
    connectors=sa.JSON,
    evse_statuses=sa.JSON,
)


def _to(revision: str, *, down: bool = False) -> Any:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    return run


def _a_listing(connection: Connection) -> None:
    """A host's listing of two EVSEs, edited on different days, with its search row, as 0008 knew them."""
    host = {"id": 1, "email": "host@example.org", "password_hash": "!", "name": "host", "created_at": EDITED}
    connection.execute(_users.insert(), [host | {"is_host": True, "is_driver": True, "is_admin": False}])
    place = {"address": "Street 1", "city": "Köln", "country": "DEU", "latitude": "50.9", "longitude": "6.9"}
    connection.execute(
        _locations.insert(),
        [place | {"id": "loc-1", "host_id": 1, "publish": True, "time_zone": "Europe/Berlin", "facilities": [],
                  "directions": [], "created_at": EDITED, "last_updated": EDITED}],
    )  # fmt: skip
    for row_id, status, edited in ((1, "AVAILABLE", EDITED), (2, "OUTOFORDER", EDITED + timedelta(days=1))):
        evse = {"id": row_id, "location_id": "loc-1", "position": row_id, "uid": f"evse-{row_id}", "status": status}
        connection.execute(
            _evses.insert(),
            [evse | {"capabilities": [], "parking_restrictions": [], "directions": [], "last_updated": edited}],
        )
        connector = {"id": row_id, "evse_row_id": row_id, "position": 0, "connector_id": "1", "tariff_ids": []}
        connection.execute(
            _connectors.insert(),
            [connector | {"standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
                          "max_voltage": 230, "max_amperage": 16, "last_updated": edited}],
        )  # fmt: skip
    entry = {"id": 1, "location_id": "loc-1", "host_id": 1, "publish": True, "city": "Köln", "latitude": 50.9}
    connection.execute(
        _entries.insert(),
        [entry | {"longitude": 6.9, "time_zone": "Europe/Berlin", "always_open": True, "max_power": 11040,
                  "rating_count": 0, "green": False, "connectors": [],
                  "evse_statuses": {"AVAILABLE": 1, "OUTOFORDER": 1}}],
    )  # fmt: skip


def _json(value: Any) -> Any:
    """A JSON column as a plain SQL query returns it: text on SQLite, decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def _columns(connection: Connection, table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(connection).get_columns(table)}


async def test_upgrading_fills_the_new_columns_and_loses_nothing(empty_db: Database) -> None:
    async with empty_db.writer.begin() as connection:
        await connection.run_sync(_to(BEFORE))
        await connection.run_sync(_a_listing)
    started = datetime.now(UTC)

    async with empty_db.writer.begin() as connection:
        await connection.run_sync(_to(OURS))
        location = (await connection.execute(sa.text("SELECT * FROM locations"))).mappings().one()
        confirmed = await connection.scalar(
            sa.select(sa.column("availability_confirmed_at", UtcDateTime())).select_from(sa.table("locations"))
        )
        evses = (await connection.execute(sa.text("SELECT * FROM evses ORDER BY id"))).mappings().all()
        entry = (await connection.execute(sa.text("SELECT * FROM search_entries"))).mappings().one()
        connectors = (await connection.execute(sa.text("SELECT count(*) FROM connectors"))).scalar()

    assert confirmed is not None
    assert started - timedelta(seconds=1) <= confirmed <= datetime.now(UTC)
    assert location["stale_reminder_sent_at"] is None
    assert [(evse["status_updated_at"], bool(evse["status_live"])) for evse in evses] == [
        (evse["last_updated"], False) for evse in evses
    ]
    assert _json(entry["evse_states"]) == [
        {"status": "AVAILABLE", "at": "2026-01-05T12:00:00+00:00", "live": False},
        {"status": "OUTOFORDER", "at": "2026-01-06T12:00:00+00:00", "live": False},
    ]
    assert entry["fault_penalty_until"] is None
    assert connectors == 2


async def test_downgrading_gives_the_status_counts_back(empty_db: Database) -> None:
    async with empty_db.writer.begin() as connection:
        await connection.run_sync(_to(BEFORE))
        await connection.run_sync(_a_listing)
        await connection.run_sync(_to(OURS))

    async with empty_db.writer.begin() as connection:
        await connection.run_sync(_to(BEFORE, down=True))
        statuses = (await connection.execute(sa.text("SELECT evse_statuses FROM search_entries"))).scalar()
        evse_columns = await connection.run_sync(_columns, "evses")
        tables = await connection.run_sync(lambda sync: set(sa.inspect(sync).get_table_names()))

    assert _json(statuses) == {"AVAILABLE": 1, "OUTOFORDER": 1}
    assert not {"status_updated_at", "status_live"} & evse_columns
    assert "fault_reports" not in tables
