"""price lists kept by version, so a sale is credited at the catalog's figures; longer flags

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FLAGS = 200


def upgrade() -> None:
    price_lists = op.create_table(
        "price_lists",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "product_prices",
        sa.Column("sku", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("promotional", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("sku", "version"),
    )
    # A sale may now carry every flag at once (price-mismatch, hold-mismatch, the offline
    # limit, a broken chain, overspent): 64 characters no longer hold them. SQLite does
    # not enforce a VARCHAR's length.
    if op.get_bind().dialect.name != "sqlite":
        for table in ("events", "sales"):
            op.alter_column(table, "flag", type_=sa.String(length=FLAGS), existing_nullable=True)
    # A catalog imported before versions existed becomes version 1, in force for every
    # sale already made from it.
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT count(*) FROM products")).scalar():
        since = datetime(2000, 1, 1, tzinfo=UTC)
        stamp = since if connection.dialect.name != "sqlite" else since.replace(tzinfo=None)
        op.bulk_insert(price_lists, [{"version": 1, "imported_at": stamp, "superseded_at": None}])
        connection.execute(
            sa.text(
                "INSERT INTO product_prices (sku, version, price, points, promotional)"
                " SELECT sku, 1, price, points, promotional FROM products"
            )
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table in ("events", "sales"):
            op.alter_column(table, "flag", type_=sa.String(length=64), existing_nullable=True)
    op.drop_table("product_prices")
    op.drop_table("price_lists")
