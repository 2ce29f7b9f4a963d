"""a till's day: returns know their till, events their subject, and both are found by day

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# What was recorded before: the rows an accepted event wrote carry its till and its own
# time, and no other row of their kind does when that time is unique. Only such rows are
# matched; the rest keep NULL (a return counted at no till, an event with no subject)
# rather than a guess.
_BACKFILL = (
    # A return's till: the one accepted `sale_returned` event of its instant, chain-wide
    # (the return's till need not be its sale's).
    """
    UPDATE returns SET till_id = m.till_id
    FROM (SELECT occurred_at, MIN(till_id) AS till_id FROM events
          WHERE type = 'sale_returned' AND status = 'accepted'
          GROUP BY occurred_at HAVING COUNT(*) = 1) AS m
    WHERE returns.occurred_at = m.occurred_at
    """,
    """
    UPDATE events SET subject = r.id FROM returns AS r
    WHERE events.type = 'sale_returned' AND events.status = 'accepted'
      AND r.till_id = events.till_id AND r.occurred_at = events.occurred_at
    """,
    """
    UPDATE events SET subject = m.id
    FROM (SELECT till_id, occurred_at, MIN(id) AS id FROM sales
          GROUP BY till_id, occurred_at HAVING COUNT(*) = 1) AS m
    WHERE events.type = 'sale_completed' AND events.status = 'accepted'
      AND events.till_id = m.till_id AND events.occurred_at = m.occurred_at
    """,
    """
    UPDATE events SET subject = m.audit_id
    FROM (SELECT till_id, occurred_at, MIN(audit_id) AS audit_id FROM audit_entries
          GROUP BY till_id, occurred_at HAVING COUNT(*) = 1) AS m
    WHERE events.type = 'audit_recorded' AND events.status = 'accepted'
      AND events.till_id = m.till_id AND events.occurred_at = m.occurred_at
    """,
    # Rows that name their event outright.
    """
    UPDATE events SET subject = a.id FROM adjustments AS a
    WHERE a.event_id = events.event_id AND events.status = 'accepted'
    """,
    """
    UPDATE events SET subject = c.uid FROM phone_conflicts AS c
    WHERE c.event_id = events.event_id AND events.status = 'accepted'
    """,
)


def upgrade() -> None:
    op.add_column("events", sa.Column("subject", sa.String(length=36), nullable=True))
    op.create_index("ix_events_till_day", "events", ["till_id", "occurred_at"], unique=False)
    op.create_index("ix_sales_till_day", "sales", ["till_id", "occurred_at"], unique=False)
    with op.batch_alter_table("returns") as batch:
        batch.add_column(sa.Column("till_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_returns_till_id_tills", "tills", ["till_id"], ["id"])
        batch.create_index("ix_returns_till_day", ["till_id", "occurred_at"], unique=False)
    for statement in _BACKFILL:
        op.execute(sa.text(statement))


def downgrade() -> None:
    with op.batch_alter_table("returns") as batch:
        batch.drop_index("ix_returns_till_day")
        batch.drop_constraint("fk_returns_till_id_tills", type_="foreignkey")
        batch.drop_column("till_id")
    op.drop_index("ix_sales_till_day", table_name="sales")
    op.drop_index("ix_events_till_day", table_name="events")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("subject")
