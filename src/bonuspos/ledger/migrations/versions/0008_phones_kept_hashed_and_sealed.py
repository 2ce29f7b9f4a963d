"""Customers' phones kept as a keyed hash to look up by and a sealed copy, never in clear.

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-01

phone_key() and phone_seal() are the till key's SQL functions (ledger/custody.py),
registered on every connection: the numbers are converted in place, in the migration's
one transaction, and the key check recorded with them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bonuspos.ledger import custody

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("phone_sealed", sa.String(length=80), nullable=True))
    op.execute("UPDATE customers SET phone_sealed = phone_seal(phone), phone = phone_key(phone)")
    # Registrations in the outbox, sent or not: the number sealed as the till now writes it.
    op.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.phone',"
        " 'sealed:' || phone_seal(json_extract(payload, '$.phone')))"
        " WHERE type = 'customer_registered'"
        " AND json_extract(payload, '$.phone') NOT LIKE 'sealed:%'"
    )
    op.execute(
        sa.text(
            "INSERT OR REPLACE INTO till_settings (key, value) VALUES (:key, :value)"
        ).bindparams(key=custody.CHECK_SETTING, value=custody.current().check())
    )


def downgrade() -> None:
    op.execute("UPDATE customers SET phone = phone_open(phone_sealed)")
    op.execute(
        "UPDATE outbox SET payload = json_set(payload, '$.phone',"
        " phone_open(substr(json_extract(payload, '$.phone'), 8)))"
        " WHERE type = 'customer_registered'"
        " AND json_extract(payload, '$.phone') LIKE 'sealed:%'"
    )
    op.execute(
        sa.text("DELETE FROM till_settings WHERE key = :key").bindparams(key=custody.CHECK_SETTING)
    )
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("phone_sealed")
