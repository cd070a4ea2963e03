"""Bookings: slots of an EVSE's time, never overlapping.

Revision ID: 0004_bookings
Revises: 0003_tariff_catalog
Create Date: 2026-11-21

Overlapping bookings that both hold their slot (PENDING or RESERVED) are refused by the database itself:
PostgreSQL by an exclusion constraint (SQLSTATE 23P01), SQLite by triggers that abort with 'slot_taken'.
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0004_bookings"
down_revision = "0003_tariff_catalog"
branch_labels = None
depends_on = None

_HOLDING = "('PENDING', 'RESERVED')"
_OVERLAP = """
    SELECT RAISE(ABORT, 'slot_taken') WHERE EXISTS (
        SELECT 1 FROM bookings
        WHERE evse_row_id = NEW.evse_row_id AND reservation_status IN ('PENDING', 'RESERVED') AND id <> NEW.id
          AND starts_at < NEW.ends_at AND NEW.starts_at < ends_at
    );
"""


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("evse_row_id", sa.Integer(), nullable=False),
        sa.Column("connector_id", sa.String(36), nullable=True),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("reservation_status", sa.String(10), nullable=False),
        sa.Column("id_tag", sa.String(20), nullable=False),
        sa.Column("respond_by", UtcDateTime(), nullable=True),
        sa.Column("cancellation_reason", sa.String(20), nullable=True),
        sa.Column("who_canceled", sa.String(10), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_updated", UtcDateTime(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_bookings_period")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_bookings_location_id_locations"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["evse_row_id"], ["evses.id"], name=op.f("fk_bookings_evse_row_id_evses"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"], ["users.id"], name=op.f("fk_bookings_driver_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("id_tag", name=op.f("uq_bookings_id_tag")),
    )
    op.create_index(op.f("ix_bookings_location_id"), "bookings", ["location_id"])
    op.create_index(op.f("ix_bookings_driver_id"), "bookings", ["driver_id"])
    op.create_index(op.f("ix_bookings_evse_row_id_starts_at"), "bookings", ["evse_row_id", "starts_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
            f"(evse_row_id WITH =, tsrange(starts_at, ends_at, '[)') WITH &&) WHERE (reservation_status IN {_HOLDING})"
        )
    else:
        op.execute(
            f"CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings "
            f"WHEN NEW.reservation_status IN {_HOLDING} BEGIN {_OVERLAP} END"
        )
        op.execute(
            "CREATE TRIGGER bookings_no_overlap_update "
            "BEFORE UPDATE OF starts_at, ends_at, reservation_status, evse_row_id ON bookings "
            f"WHEN NEW.reservation_status IN {_HOLDING} BEGIN {_OVERLAP} END"
        )
    op.create_table(
        "booking_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("request_status", sa.String(10), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("ends_at", UtcDateTime(), nullable=False),
        sa.Column("request_received", UtcDateTime(), nullable=False),
        sa.Column("respond_by", UtcDateTime(), nullable=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_booking_requests_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_requests")),
    )
    op.create_index(op.f("ix_booking_requests_booking_id"), "booking_requests", ["booking_id"])
    op.create_table(
        "booking_terms",
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("approval", sa.String(15), nullable=False),
        sa.Column("change_until_minutes", sa.Integer(), nullable=False),
        sa.Column("cancel_until_minutes", sa.Integer(), nullable=False),
        sa.Column("change_not_allowed", sa.Boolean(), nullable=False),
        sa.Column("early_start_allowed", sa.Boolean(), nullable=False),
        sa.Column("early_start_time", sa.Integer(), nullable=False),
        sa.Column("noshow_timeout", sa.Integer(), nullable=False),
        sa.Column("noshow_fee", sa.Boolean(), nullable=False),
        sa.Column("late_stop_allowed", sa.Boolean(), nullable=False),
        sa.Column("late_stop_time", sa.Integer(), nullable=False),
        sa.Column("step_size_minutes", sa.Integer(), nullable=False),
        sa.Column("min_duration_minutes", sa.Integer(), nullable=False),
        sa.Column("max_duration_minutes", sa.Integer(), nullable=False),
        sa.Column("max_days_ahead", sa.Integer(), nullable=False),
        sa.Column("response_deadline_minutes", sa.Integer(), nullable=False),
        sa.Column("last_updated", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_booking_terms_location_id_locations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("location_id", name=op.f("pk_booking_terms")),
    )
    op.create_table(
        "booking_charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("posted_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_booking_charges_booking_id_bookings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_charges")),
    )
    op.create_index(op.f("ix_booking_charges_booking_id"), "booking_charges", ["booking_id"])


def downgrade() -> None:
    op.drop_table("booking_charges")
    op.drop_table("booking_terms")
    op.drop_table("booking_requests")
    op.drop_table("bookings")
