"""Charging sessions and charge detail records.

Revision ID: 0006_charging
Revises: 0005_search
Create Date: 2026-11-21

CDRs are immutable by construction: triggers refuse every UPDATE and DELETE on `cdrs`, on SQLite with
RAISE(ABORT, 'cdr_immutable') and on PostgreSQL with an exception of that message (SQLSTATE 55000).
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0006_charging"
down_revision = "0005_search"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER cdrs_no_{action.lower()} BEFORE {action} ON cdrs
    BEGIN
        SELECT RAISE(ABORT, 'cdr_immutable');
    END
    """
    for action in ("UPDATE", "DELETE")
]
_POSTGRESQL_TRIGGERS = [
    """
    CREATE FUNCTION cdrs_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'cdr_immutable' USING ERRCODE = 'object_not_in_prerequisite_state';
    END
    $$
    """,
    "CREATE TRIGGER cdrs_no_change BEFORE UPDATE OR DELETE ON cdrs FOR EACH ROW EXECUTE FUNCTION cdrs_immutable()",
]


def upgrade() -> None:
    op.create_table(
        "charging_sessions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("evse_uid", sa.String(36), nullable=False),
        sa.Column("connector_id", sa.String(36), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=True),
        sa.Column("booking_id", sa.String(36), nullable=True),
        sa.Column("id_tag", sa.String(20), nullable=False),
        sa.Column("auth_method", sa.String(20), nullable=False),
        sa.Column("start_date_time", UtcDateTime(), nullable=False),
        sa.Column("end_date_time", UtcDateTime(), nullable=True),
        sa.Column("meter_start_wh", sa.BigInteger(), nullable=False),
        sa.Column("meter_stop_wh", sa.BigInteger(), nullable=True),
        sa.Column("energy_wh", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("tariffs", sa.JSON(), nullable=False),
        sa.Column("cdr_location", sa.JSON(), nullable=False),
        sa.Column("last_updated", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_charging_sessions_location_id_locations")
        ),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name=op.f("fk_charging_sessions_host_id_users")),
        sa.ForeignKeyConstraint(["driver_id"], ["users.id"], name=op.f("fk_charging_sessions_driver_id_users")),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_charging_sessions_booking_id_bookings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charging_sessions")),
    )
    for column in ("location_id", "host_id", "driver_id", "booking_id"):
        op.create_index(op.f(f"ix_charging_sessions_{column}"), "charging_sessions", [column])
    op.create_table(
        "charging_meter_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("meter_wh", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["charging_sessions.id"], name=op.f("fk_charging_meter_values_session_id_charging_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charging_meter_values")),
        sa.UniqueConstraint("session_id", "message_id", name=op.f("uq_charging_meter_values_session_id_message_id")),
    )
    op.create_table(
        "cdrs",
        sa.Column("id", sa.String(39), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total_cost_excl_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_cost_incl_minor", sa.BigInteger(), nullable=True),
        sa.Column("credit", sa.Boolean(), nullable=False),
        sa.Column("credit_reference_id", sa.String(39), nullable=True),
        sa.Column("request_key", sa.String(255), nullable=True),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["charging_sessions.id"], name=op.f("fk_cdrs_session_id_charging_sessions")
        ),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name=op.f("fk_cdrs_host_id_users")),
        sa.ForeignKeyConstraint(["driver_id"], ["users.id"], name=op.f("fk_cdrs_driver_id_users")),
        sa.ForeignKeyConstraint(["credit_reference_id"], ["cdrs.id"], name=op.f("fk_cdrs_credit_reference_id_cdrs")),
        sa.ForeignKeyConstraint(["issued_by"], ["users.id"], name=op.f("fk_cdrs_issued_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cdrs")),
        sa.UniqueConstraint("credit_reference_id", "request_key", name=op.f("uq_cdrs_credit_reference_id_request_key")),
    )
    for column in ("session_id", "host_id", "driver_id"):
        op.create_index(op.f(f"ix_cdrs_{column}"), "cdrs", [column])
    for statement in _SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else _POSTGRESQL_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER cdrs_no_change ON cdrs")
        op.execute("DROP FUNCTION cdrs_immutable()")
    op.drop_table("cdrs")
    op.drop_table("charging_meter_values")
    op.drop_table("charging_sessions")
