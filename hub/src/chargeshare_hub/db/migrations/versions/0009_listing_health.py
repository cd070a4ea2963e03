"""Listing health (fault reports, confirmed availability, status freshness).

Revision ID: 0009_listing_health
Revises: 0008_trust_reviews
Create Date: 2026-11-21

Existing listings count as confirmed now (the day of the migration): hiding every listing not edited for 60 days
the moment the hub is upgraded would punish hosts for a rule that did not exist; they are reminded in time like
everyone else. An existing status was written when its EVSE last was.

New NOT NULL columns of existing tables: on PostgreSQL added empty, filled, then made NOT NULL. SQLite cannot
make a column NOT NULL afterwards without rebuilding the table, and rebuilding `locations`, `evses` or
`search_entries` would drop them, which cascades to every row referring to them; so there the column is added
NOT NULL with a placeholder default (never used: the hub always writes the value) and then filled.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0009_listing_health"
down_revision = "0008_trust_reviews"
branch_labels = None
depends_on = None

_OPEN = sa.text("fixed_at IS NULL")
_evses = sa.table(
    "evses",
    sa.column("location_id", sa.String),
    sa.column("position", sa.Integer),
    sa.column("status", sa.String),
    sa.column("status_updated_at", UtcDateTime()),
    sa.column("status_live", sa.Boolean),
)
_entries = sa.table(
    "search_entries",
    sa.column("id", sa.Integer),
    sa.column("location_id", sa.String),
    sa.column("evse_states", sa.JSON),
    sa.column("evse_statuses", sa.JSON),
)


def upgrade() -> None:
    now = datetime.now(UTC)
    _add_required("locations", "availability_confirmed_at", UtcDateTime(), now)
    op.add_column("locations", sa.Column("stale_reminder_sent_at", UtcDateTime(), nullable=True))
    _add_required("evses", "status_updated_at", UtcDateTime(), sa.column("last_updated"))
    _add_required("evses", "status_live", sa.Boolean(), False)
    _add_required("search_entries", "availability_confirmed_at", UtcDateTime(), now)
    op.add_column("search_entries", sa.Column("fault_penalty_until", UtcDateTime(), nullable=True))
    op.alter_column("search_entries", "evse_statuses", new_column_name="evse_states")
    _fill_evse_states()
    op.create_table(
        "fault_reports",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("evse_row_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=True),
        sa.Column("by_host", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("photo_file", sa.String(64), nullable=True),
        sa.Column("photo_type", sa.String(20), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("fixed_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name="fk_fault_reports_location_id_locations", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["evse_row_id"], ["evses.id"], name="fk_fault_reports_evse_row_id_evses", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name="fk_fault_reports_reporter_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_fault_reports"),
    )
    op.create_index("ix_fault_reports_evse_row_id", "fault_reports", ["evse_row_id"])
    op.create_index("ix_fault_reports_reporter_id", "fault_reports", ["reporter_id"])
    op.create_index("ix_fault_reports_location_id_created_at", "fault_reports", ["location_id", "created_at"])
    op.create_index(
        "uq_fault_reports_open_per_reporter",
        "fault_reports",
        ["evse_row_id", "reporter_id"],
        unique=True,
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )


def downgrade() -> None:
    op.drop_table("fault_reports")
    op.alter_column("search_entries", "evse_states", new_column_name="evse_statuses")
    _fill_evse_status_counts()
    op.drop_column("search_entries", "fault_penalty_until")
    op.drop_column("search_entries", "availability_confirmed_at")
    op.drop_column("evses", "status_live")
    op.drop_column("evses", "status_updated_at")
    op.drop_column("locations", "stale_reminder_sent_at")
    op.drop_column("locations", "availability_confirmed_at")


def _add_required(table: str, name: str, type_: Any, value: Any) -> None:
    """Adds a NOT NULL column to a table with rows, every row set to `value` (a value or a column)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        placeholder = sa.false() if isinstance(type_, sa.Boolean) else "1970-01-01 00:00:00.000000"
        op.add_column(table, sa.Column(name, type_, nullable=False, server_default=placeholder))
    else:
        op.add_column(table, sa.Column(name, type_, nullable=True))
    op.execute(sa.table(table, sa.column(name, type_)).update().values({name: value}))
    if not sqlite:
        op.alter_column(table, name, nullable=False)


def _fill_evse_states() -> None:
    """Each search row's EVSEs with their statuses and when those were written, as `search.summary` has them."""
    bind = op.get_bind()
    states: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for evse in bind.execute(sa.select(_evses).order_by(_evses.c.location_id, _evses.c.position)):
        states[evse.location_id].append(
            {"status": evse.status, "at": evse.status_updated_at.astimezone(UTC).isoformat(), "live": evse.status_live}
        )
    rows = [
        {"entry_id": entry.id, "states": states[entry.location_id]}
        for entry in bind.execute(sa.select(_entries.c.id, _entries.c.location_id))
    ]
    if rows:
        bind.execute(
            _entries.update()
            .where(_entries.c.id == sa.bindparam("entry_id"))
            .values(evse_states=sa.bindparam("states")),
            rows,
        )


def _fill_evse_status_counts() -> None:
    bind = op.get_bind()
    rows = [
        {
            "entry_id": entry.id,
            "counts": dict(sorted(Counter(state["status"] for state in entry.evse_statuses).items())),
        }
        for entry in bind.execute(sa.select(_entries.c.id, _entries.c.evse_statuses))
    ]
    if rows:
        bind.execute(
            _entries.update()
            .where(_entries.c.id == sa.bindparam("entry_id"))
            .values(evse_statuses=sa.bindparam("counts")),
            rows,
        )
