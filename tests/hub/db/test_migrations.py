"""Migrations build the schema the tables declare, on both backends, and can run again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from chargeshare_hub.db.engine import Database
from chargeshare_hub.db.migrate import current_revision, head_revision, migrate
from chargeshare_hub.db.schema import metadata


async def test_migrating_an_empty_database_reaches_the_newest_revision(empty_db: Database) -> None:
    assert await current_revision(empty_db) is None

    assert await migrate(empty_db) == head_revision()

    assert await current_revision(empty_db) == head_revision()


async def test_migrating_again_changes_nothing(db: Database) -> None:
    assert await migrate(db) == head_revision()


async def test_the_migrated_schema_matches_the_tables(db: Database) -> None:
    def differences(connection: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(connection), metadata))

    async with db.writer.connect() as connection:
        assert await connection.run_sync(differences) == []
