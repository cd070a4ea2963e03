"""Listings: locations, EVSEs, connectors, invitations, opening hours, photos.

Revision ID: 0002_listings
Revises: 0001_accounts
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0002_listings"
down_revision = "0001_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "locations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("publish", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("address", sa.String(45), nullable=False),
        sa.Column("city", sa.String(45), nullable=False),
        sa.Column("postal_code", sa.String(10), nullable=True),
        sa.Column("state", sa.String(20), nullable=True),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("latitude", sa.String(10), nullable=False),
        sa.Column("longitude", sa.String(11), nullable=False),
        sa.Column("parking_type", sa.String(20), nullable=True),
        sa.Column("facilities", sa.JSON(), nullable=False),
        sa.Column("directions", sa.JSON(), nullable=False),
        sa.Column("operator", sa.JSON(), nullable=True),
        sa.Column("time_zone", sa.String(255), nullable=False),
        sa.Column("twentyfourseven", sa.Boolean(), nullable=True),
        sa.Column("charging_when_closed", sa.Boolean(), nullable=True),
        sa.Column("access_instructions", sa.String(1000), nullable=True),
        sa.Column("house_rules", sa.String(2000), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_updated", UtcDateTime(), nullable=False),
        sa.Column("removed_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name=op.f("fk_locations_host_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locations")),
    )
    op.create_index(op.f("ix_locations_host_id"), "locations", ["host_id"])
    op.create_table(
        "evses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("evse_id", sa.String(48), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("capabilities", sa.JSON(), nullable=False),
        sa.Column("floor_level", sa.String(4), nullable=True),
        sa.Column("physical_reference", sa.String(16), nullable=True),
        sa.Column("parking_restrictions", sa.JSON(), nullable=False),
        sa.Column("directions", sa.JSON(), nullable=False),
        sa.Column("last_updated", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_evses_location_id_locations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evses")),
        sa.UniqueConstraint("location_id", "uid", name=op.f("uq_evses_location_id_uid")),
    )
    op.create_index(op.f("ix_evses_location_id"), "evses", ["location_id"])
    op.create_table(
        "connectors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evse_row_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.String(36), nullable=False),
        sa.Column("standard", sa.String(30), nullable=False),
        sa.Column("format", sa.String(6), nullable=False),
        sa.Column("power_type", sa.String(20), nullable=False),
        sa.Column("max_voltage", sa.Integer(), nullable=False),
        sa.Column("max_amperage", sa.Integer(), nullable=False),
        sa.Column("max_electric_power", sa.Integer(), nullable=True),
        sa.Column("tariff_ids", sa.JSON(), nullable=False),
        sa.Column("terms_and_conditions", sa.String(255), nullable=True),
        sa.Column("last_updated", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evse_row_id"], ["evses.id"], name=op.f("fk_connectors_evse_row_id_evses"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connectors")),
        sa.UniqueConstraint("evse_row_id", "connector_id", name=op.f("uq_connectors_evse_row_id_connector_id")),
    )
    op.create_index(op.f("ix_connectors_evse_row_id"), "connectors", ["evse_row_id"])
    op.create_table(
        "location_invites",
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_location_invites_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_location_invites_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("location_id", "user_id", name=op.f("pk_location_invites")),
    )
    op.create_index(op.f("ix_location_invites_user_id"), "location_invites", ["user_id"])
    op.create_table(
        "location_regular_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("period_begin", sa.String(5), nullable=False),
        sa.Column("period_end", sa.String(5), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_location_regular_hours_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location_regular_hours")),
    )
    op.create_index(op.f("ix_location_regular_hours_location_id"), "location_regular_hours", ["location_id"])
    op.create_table(
        "location_exceptional_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("is_opening", sa.Boolean(), nullable=False),
        sa.Column("period_begin", UtcDateTime(), nullable=False),
        sa.Column("period_end", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_location_exceptional_periods_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location_exceptional_periods")),
    )
    op.create_index(
        op.f("ix_location_exceptional_periods_location_id"), "location_exceptional_periods", ["location_id"]
    )
    op.create_table(
        "location_photos",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("file_name", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("category", sa.String(10), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_location_photos_location_id_locations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_location_photos")),
    )
    op.create_index(op.f("ix_location_photos_location_id"), "location_photos", ["location_id"])


def downgrade() -> None:
    op.drop_table("location_photos")
    op.drop_table("location_exceptional_periods")
    op.drop_table("location_regular_hours")
    op.drop_table("location_invites")
    op.drop_table("connectors")
    op.drop_table("evses")
    op.drop_table("locations")
