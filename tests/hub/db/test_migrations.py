"""Migrations build the schema the tables declare, on both backends, and can run again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from chargeshare_hub.db.engine import Database
from chargeshare_hub.db.migrate import current_revision, head_revision, migrate
from chargeshare_hub.db.schema import metadata
from chargeshare_hub.search.spatial import SPATIAL_INDEX_NAMES


async def test_migrating_an_empty_database_reaches_the_newest_revision(empty_db: Database) -> None:
    assert await current_revision(empty_db) is None

    assert await migrate(empty_db) == head_revision()

    assert await current_revision(empty_db) == head_revision()


async def test_migrating_again_changes_nothing(db: Database) -> None:
    assert await migrate(db) == head_revision()


async def test_the_migrated_schema_matches_the_tables(db: Database) -> None:
    def differences(connection: Connection) -> list[object]:
        # The spatial index of search cannot be declared as metadata (an R*Tree, a GiST index on an expression).
        context = MigrationContext.configure(connection, opts={"include_name": _declarable})
        return list(compare_metadata(context, metadata))

    async with db.writer.connect() as connection:
        assert await connection.run_sync(differences) == []


def _declarable(name: str | None, _type: str, _parents: object) -> bool:
    return name not in SPATIAL_INDEX_NAMES
