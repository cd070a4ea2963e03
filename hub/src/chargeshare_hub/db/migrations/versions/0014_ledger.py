"""The ledger (accounts, postings, entries) and idempotency keys.

Revision ID: 0014_ledger
Revises: 0013_link
Create Date: 2026-11-22

The ledger is append-only by construction: triggers refuse every UPDATE and DELETE on its three tables, on
SQLite with RAISE(ABORT, 'ledger_append_only') and on PostgreSQL with an exception of that message (SQLSTATE
55000), which also refuses TRUNCATE.
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0014_ledger"
down_revision = "0013_link"
branch_labels = None
depends_on = None

_SEQUENCE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_LEDGER_TABLES = ("ledger_accounts", "ledger_postings", "ledger_entries")
_KINDS = (
    "'driver_wallet', 'driver_receivable', 'host_payable', 'platform_fee_revenue', 'processor_clearing', "
    "'processor_fees'"
)
_PLATFORM_KINDS = "'platform_fee_revenue', 'processor_clearing', 'processor_fees'"
_PLATFORM = sa.text("owner_id IS NULL")
_SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}
    BEGIN
        SELECT RAISE(ABORT, 'ledger_append_only');
    END
    """
    for table in _LEDGER_TABLES
    for action in ("UPDATE", "DELETE")
]
_POSTGRESQL_TRIGGERS = [
    """
    CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'ledger_append_only' USING ERRCODE = 'object_not_in_prerequisite_state';
    END
    $$
    """,
    *(
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
        for table in _LEDGER_TABLES
    ),
    *(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()"
        for table in _LEDGER_TABLES
    ),
]


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_KINDS})", name="ck_ledger_accounts_kind"),
        sa.CheckConstraint(f"(owner_id IS NULL) = (kind IN ({_PLATFORM_KINDS}))", name="ck_ledger_accounts_owner"),
        sa.CheckConstraint("length(currency) = 3 AND upper(currency) = currency", name="ck_ledger_accounts_currency"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_ledger_accounts_owner_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_accounts"),
    )
    op.create_index(
        "uq_ledger_accounts_owner_id_kind_currency", "ledger_accounts", ["owner_id", "kind", "currency"], unique=True
    )
    op.create_index(
        "uq_ledger_accounts_platform_kind_currency",
        "ledger_accounts",
        ["kind", "currency"],
        unique=True,
        sqlite_where=_PLATFORM,
        postgresql_where=_PLATFORM,
    )
    op.create_table(
        "ledger_postings",
        sa.Column("id", _SEQUENCE, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("memo", sa.String(300), nullable=True),
        sa.Column("reference", sa.String(80), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("reversal_of", _SEQUENCE, nullable=True),
        sa.ForeignKeyConstraint(
            ["reversal_of"], ["ledger_postings.id"], name="fk_ledger_postings_reversal_of_ledger_postings"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_postings"),
        sa.UniqueConstraint("reversal_of", name="uq_ledger_postings_reversal_of"),
    )
    op.create_index("ix_ledger_postings_reference", "ledger_postings", ["reference"])
    op.create_table(
        "ledger_entries",
        sa.Column("id", _SEQUENCE, nullable=False),
        sa.Column("posting_id", _SEQUENCE, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("balance_after", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount <> 0", name="ck_ledger_entries_amount"),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["ledger_postings.id"], name="fk_ledger_entries_posting_id_ledger_postings"
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["ledger_accounts.id"], name="fk_ledger_entries_account_id_ledger_accounts"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_entries"),
    )
    op.create_index("ix_ledger_entries_posting_id", "ledger_entries", ["posting_id"])
    op.create_index("ix_ledger_entries_account_id_id", "ledger_entries", ["account_id", "id"])
    for statement in _SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else _POSTGRESQL_TRIGGERS:
        op.execute(statement)
    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_idempotency_keys_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    if op.get_bind().dialect.name == "postgresql":
        for table in _LEDGER_TABLES:
            op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION ledger_append_only()")
    op.drop_table("ledger_entries")
    op.drop_table("ledger_postings")
    op.drop_table("ledger_accounts")
