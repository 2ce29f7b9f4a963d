"""sign-ups on a known phone under another name, held for review

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _phone_nullable(True)
    op.create_table(
        "phone_conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("till_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("signed_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("plastic_card", sa.String(length=13), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("blocked_plastic", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["holder_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["till_id"], ["tills.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index(op.f("ix_phone_conflicts_phone"), "phone_conflicts", ["phone"], unique=False)
    op.create_index("ix_phone_conflicts_status", "phone_conflicts", ["status", "id"], unique=False)


def downgrade() -> None:
    # Held and blocked cards have no phone: downgrading needs them resolved or removed.
    op.drop_index("ix_phone_conflicts_status", table_name="phone_conflicts")
    op.drop_index(op.f("ix_phone_conflicts_phone"), table_name="phone_conflicts")
    op.drop_table("phone_conflicts")
    _phone_nullable(False)


def _phone_nullable(nullable: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.alter_column("customers", "phone", existing_type=sa.String(16), nullable=nullable)
        return
    # SQLite changes a column by rebuilding the table, and other tables point at its rows
    # with foreign keys on, inside the migration's transaction. batch_alter_table copies
    # into a new table, drops the old one and renames: the drop counts a violation for
    # every row pointing at it and the rename never takes them back, so the commit
    # fails. Dropped first and filled again under the same name, each row put back
    # settles the violations its drop counted, checked at commit.
    op.execute("PRAGMA defer_foreign_keys = ON")
    customers = sa.Table("customers", sa.MetaData(), autoload_with=bind)  # as it is now
    customers.c.phone.nullable = nullable
    columns = ", ".join(column.name for column in customers.c)
    op.execute("CREATE TABLE _customers_copy AS SELECT * FROM customers")
    op.execute("DROP TABLE customers")  # its indexes with it; create() makes them again
    customers.create(bind)
    op.execute(f"INSERT INTO customers ({columns}) SELECT {columns} FROM _customers_copy")
    op.execute("DROP TABLE _customers_copy")
