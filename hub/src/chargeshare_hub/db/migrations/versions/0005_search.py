"""Search: the listings' read model and its spatial index; a listing's energy mix.

Revision ID: 0005_search
Revises: 0004_bookings
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0005_search"
down_revision = "0004_bookings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("locations", sa.Column("energy_mix", sa.JSON(), nullable=True))
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("publish", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("city", sa.String(45), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("time_zone", sa.String(255), nullable=False),
        sa.Column("always_open", sa.Boolean(), nullable=False),
        sa.Column("connectors", sa.JSON(), nullable=False),
        sa.Column("max_power", sa.Integer(), nullable=False),
        sa.Column("price_per_kwh", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=True),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column("green", sa.Boolean(), nullable=False),
        sa.Column("evse_statuses", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_search_entries_location_id_locations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("location_id", name=op.f("uq_search_entries_location_id")),
    )
    op.create_table(
        "search_connectors",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("evse_row_id", sa.Integer(), nullable=False),
        sa.Column("standard", sa.String(30), nullable=False),
        sa.Column("max_power", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["search_entries.id"], name=op.f("fk_search_connectors_entry_id_search_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "evse_row_id", "standard", name=op.f("pk_search_connectors")),
    )  # fmt: skip
    # The spatial index: not a table of the metadata, so written out here (see search/spatial.py).
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon)")
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS cube")
        op.execute("CREATE EXTENSION IF NOT EXISTS earthdistance")
        op.execute(
            "CREATE INDEX ix_search_entries_earth ON search_entries USING gist (ll_to_earth(latitude, longitude))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_rtree")
    op.drop_table("search_connectors")
    op.drop_table("search_entries")
    with op.batch_alter_table("locations") as batch:
        batch.drop_column("energy_mix")
