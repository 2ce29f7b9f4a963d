"""HQ corrections: what, on which card, why, who and when

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch: SQLite alters a column's nullability only by rebuilding the table.
    with op.batch_alter_table("adjustments") as batch:
        batch.alter_column("event_id", existing_type=sa.String(length=36), nullable=True)
        batch.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch.add_column(sa.Column("points", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("os_user", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("by_name", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            "fk_adjustments_customer_id_customers", "customers", ["customer_id"], ["id"]
        )
        batch.create_foreign_key(
            "fk_adjustments_entry_id_ledger_entries", "ledger_entries", ["entry_id"], ["id"]
        )
        batch.create_index("ix_adjustments_customer_id", ["customer_id"], unique=False)
        batch.create_index("ix_adjustments_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    # Only HQ's corrections have no event: they cannot be kept in the old table.
    op.execute("DELETE FROM adjustments WHERE event_id IS NULL")
    with op.batch_alter_table("adjustments") as batch:
        batch.drop_index("ix_adjustments_created_at")
        batch.drop_index("ix_adjustments_customer_id")
        batch.drop_constraint("fk_adjustments_entry_id_ledger_entries", type_="foreignkey")
        batch.drop_constraint("fk_adjustments_customer_id_customers", type_="foreignkey")
        for column in (
            "created_at",
            "by_name",
            "os_user",
            "reason",
            "points",
            "entry_id",
            "customer_id",
        ):
            batch.drop_column(column)
        batch.alter_column("event_id", existing_type=sa.String(length=36), nullable=False)
