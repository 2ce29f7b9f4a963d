"""customer records HQ keeps right: erased cards, blocked plastic cards, their audit

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both back ends: a batch rebuild of `customers` on SQLite would
    # trip over every row pointing at it (see 0005).
    op.add_column("customers", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "blocked_plastic_cards",
        sa.Column("number", sa.String(length=13), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_index(
        "ix_blocked_plastic_cards_customer_id", "blocked_plastic_cards", ["customer_id"]
    )
    op.create_table(
        "record_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("customer_uid", sa.String(length=36), nullable=False),
        sa.Column("other_uid", sa.String(length=36), nullable=True),
        sa.Column("os_user", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_record_changes_customer_uid", "record_changes", ["customer_uid"])


def downgrade() -> None:
    op.drop_index("ix_record_changes_customer_uid", table_name="record_changes")
    op.drop_table("record_changes")
    op.drop_index("ix_blocked_plastic_cards_customer_id", table_name="blocked_plastic_cards")
    op.drop_table("blocked_plastic_cards")
    op.execute("ALTER TABLE customers DROP COLUMN erased_at")  # SQLite 3.35 or later
