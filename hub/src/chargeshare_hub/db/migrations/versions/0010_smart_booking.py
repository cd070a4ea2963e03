"""Smarter booking: vehicle profiles, and the waitlist with the slots offered from it.

Revision ID: 0010_smart_booking
Revises: 0009_listing_health
Create Date: 2026-11-21

A driver has at most one default vehicle: a partial unique index on (owner_id) WHERE is_default, which both
SQLite and PostgreSQL support.
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0010_smart_booking"
down_revision = "0009_listing_health"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vehicles",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("connector_standards", sa.JSON(), nullable=False),
        sa.Column("max_ac_power_w", sa.Integer(), nullable=False),
        sa.Column("ac_phases", sa.Integer(), nullable=False),
        sa.Column("max_dc_power_w", sa.Integer(), nullable=True),
        sa.Column("usable_battery_wh", sa.Integer(), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_updated", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_vehicles_owner_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_vehicles"),
    )
    op.create_index("ix_vehicles_owner_id", "vehicles", ["owner_id"])
    op.create_index(
        "uq_vehicles_owner_id_default",
        "vehicles",
        ["owner_id"],
        unique=True,
        sqlite_where=sa.text("is_default"),
        postgresql_where=sa.text("is_default"),
    )
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("vehicle_id", sa.String(36), nullable=True),
        sa.Column("window_from", UtcDateTime(), nullable=False),
        sa.Column("window_to", UtcDateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("energy_wh", sa.Integer(), nullable=True),
        sa.Column("standards", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_updated", UtcDateTime(), nullable=False),
        sa.CheckConstraint("window_to > window_from", name="ck_waitlist_entries_window"),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name="fk_waitlist_entries_location_id_locations", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"], ["users.id"], name="fk_waitlist_entries_driver_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"], ["vehicles.id"], name="fk_waitlist_entries_vehicle_id_vehicles", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name="fk_waitlist_entries_booking_id_bookings", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_waitlist_entries"),
    )
    op.create_index("ix_waitlist_entries_driver_id", "waitlist_entries", ["driver_id"])
    op.create_index("ix_waitlist_entries_vehicle_id", "waitlist_entries", ["vehicle_id"])
    op.create_index("ix_waitlist_entries_location_id_status", "waitlist_entries", ["location_id", "status"])
    op.create_table(
        "waitlist_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("evse_row_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.String(36), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("offered_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name="ck_waitlist_offers_period"),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["waitlist_entries.id"],
            name="fk_waitlist_offers_entry_id_waitlist_entries",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evse_row_id"], ["evses.id"], name="fk_waitlist_offers_evse_row_id_evses", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_waitlist_offers"),
    )
    op.create_index("ix_waitlist_offers_entry_id", "waitlist_offers", ["entry_id"])
    op.create_index("ix_waitlist_offers_evse_row_id", "waitlist_offers", ["evse_row_id"])
    op.create_index("ix_waitlist_offers_status_expires_at", "waitlist_offers", ["status", "expires_at"])


def downgrade() -> None:
    op.drop_table("waitlist_offers")
    op.drop_table("waitlist_entries")
    op.drop_table("vehicles")
