"""staff kept centrally, who did what on events, sales, returns and corrections; the audit trail

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_WHO = {
    "events": ("staff_id",),
    "sales": ("staff_id",),
    "returns": ("staff_id", "approved_by"),
    "adjustments": ("staff_id", "approved_by"),
}


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("kdf", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("verifier", sa.String(length=64), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_feed", "staff", ["store_id", "change_seq", "id"], unique=False)
    op.create_table(
        "audit_entries",
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("till_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=True),
        sa.Column("approved_by", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"]),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"]),
        sa.PrimaryKeyConstraint("audit_id"),
    )
    op.create_index(
        "ix_audit_entries_store_time", "audit_entries", ["store_id", "occurred_at"], unique=False
    )
    for table, columns in _WHO.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.add_column(sa.Column(column, sa.String(length=36), nullable=True))
    # A till's correction: which till made it, and when it was made there (the store day
    # its daily limit counts in).
    with op.batch_alter_table("adjustments") as batch:
        batch.add_column(sa.Column("till_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key("fk_adjustments_till_id_tills", "tills", ["till_id"], ["id"])
        batch.create_index("ix_adjustments_till_day", ["till_id", "occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("adjustments") as batch:
        batch.drop_index("ix_adjustments_till_day")
        batch.drop_constraint("fk_adjustments_till_id_tills", type_="foreignkey")
        batch.drop_column("occurred_at")
        batch.drop_column("till_id")
    for table, columns in _WHO.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column)
    op.drop_index("ix_audit_entries_store_time", table_name="audit_entries")
    op.drop_table("audit_entries")
    op.drop_index("ix_staff_feed", table_name="staff")
    op.drop_table("staff")
