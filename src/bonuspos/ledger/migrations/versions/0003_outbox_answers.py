"""The server's answer to each outbox event: a refused one is kept as a dead letter.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as outbox:
        # accepted | duplicate | rejected; NULL until the server answers
        outbox.add_column(sa.Column("outcome", sa.String(16), nullable=True))
        outbox.add_column(sa.Column("problem", sa.Text(), nullable=True))  # RFC 9457, JSON


def downgrade() -> None:
    with op.batch_alter_table("outbox") as outbox:
        outbox.drop_column("problem")
        outbox.drop_column("outcome")
