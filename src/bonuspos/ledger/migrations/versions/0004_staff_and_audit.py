"""Staff, the audit trail, corrections, and who made each sale and return.

A sale fetched from the server for a return keeps its own till's number, so a receipt
number is unique per origin ("" for this till's own) rather than across the table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Names for the constraints 0001 left unnamed, so the batch can drop the old unique.
NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("full_name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("kdf", sa.String(200), nullable=False),
        sa.Column("verifier", sa.String(64), nullable=False),
        sa.Column("locked_until", sa.String(32), nullable=True),
        sa.Column("failed_pins", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("origin", sa.String(8), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("audit_id", sa.String(36), nullable=False, unique=True),
        sa.Column("occurred_at", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("staff_id", sa.String(36), nullable=True),
        sa.Column("approved_by", sa.String(36), nullable=True),
        sa.Column("subject", sa.String(64), nullable=False, server_default=""),
        sa.Column("detail", sa.Text(), nullable=False, server_default=""),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_log_occurred_at", "audit_log", ["occurred_at"])
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_log_no_{action.lower()} BEFORE {action} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"
        )
    op.create_table(
        "corrections",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.String(36), nullable=False),
        sa.Column("approved_by", sa.String(36), nullable=False),
        sa.Column("occurred_at", sa.String(32), nullable=False),
        sa.Column("store_day", sa.Date(), nullable=False),
    )
    op.create_index("ix_corrections_customer_id", "corrections", ["customer_id"])
    op.create_index("ix_corrections_store_day", "corrections", ["store_day"])
    with op.batch_alter_table("sales", naming_convention=NAMES) as sales:
        sales.add_column(sa.Column("origin", sa.String(80), nullable=False, server_default=""))
        sales.add_column(sa.Column("staff_id", sa.String(36), nullable=True))
        sales.drop_constraint("uq_sales_number", type_="unique")
        sales.create_unique_constraint("uq_sales_origin_number", ["origin", "number"])
    with op.batch_alter_table("returns") as returns:
        returns.add_column(sa.Column("staff_id", sa.String(36), nullable=True))
        returns.add_column(sa.Column("approved_by", sa.String(36), nullable=True))
    # A plain ALTER, not a batch: rebuilding the ledger's table would drop its triggers.
    op.execute("ALTER TABLE ledger_entries ADD COLUMN adjustment_id VARCHAR(36)")


def downgrade() -> None:
    raise NotImplementedError("A till's database is never migrated down")
