"""Indexes for a day's figures: the end-of-day report reads one store day, not the history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # origin first: the report counts this till's own sales, never the fetched ones.
    op.create_index("ix_sales_origin_day", "sales", ["origin", "store_day"])
    op.create_index("ix_returns_occurred_at", "returns", ["occurred_at"])
    op.create_index("ix_outbox_occurred_at", "outbox", ["occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_occurred_at", "outbox")
    op.drop_index("ix_returns_occurred_at", "returns")
    op.drop_index("ix_sales_origin_day", "sales")
