"""Trust and reviews (email verification, reviews both ways, host replies).

Revision ID: 0008_trust_reviews
Revises: 0007_notifications
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0008_trust_reviews"
down_revision = "0007_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_verified_at", UtcDateTime(), nullable=True))
    op.create_table(
        "email_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_email_verifications_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_email_verifications"),
        sa.UniqueConstraint("token_hash", name="uq_email_verifications_token_hash"),
    )
    op.create_index("ix_email_verifications_user_id", "email_verifications", ["user_id"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=True),
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_role", sa.String(6), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("host_score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(2000), nullable=True),
        sa.Column("checkin_status", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("reply", sa.String(2000), nullable=True),
        sa.Column("replied_at", UtcDateTime(), nullable=True),
        sa.Column("reply_updated_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_reviews_score"),
        sa.CheckConstraint("host_score IS NULL OR host_score BETWEEN 1 AND 5", name="ck_reviews_host_score"),
        sa.CheckConstraint("author_role IN ('DRIVER', 'HOST')", name="ck_reviews_author_role"),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name="fk_reviews_booking_id_bookings", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name="fk_reviews_location_id_locations", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name="fk_reviews_author_id_users", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["subject_id"], ["users.id"], name="fk_reviews_subject_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("booking_id", "author_role", name="uq_reviews_booking_id_author_role"),
    )
    op.create_index("ix_reviews_author_id", "reviews", ["author_id"])
    op.create_index("ix_reviews_location_id_author_role_id", "reviews", ["location_id", "author_role", "id"])
    op.create_index("ix_reviews_subject_id_author_role_id", "reviews", ["subject_id", "author_role", "id"])


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_table("email_verifications")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_verified_at")
