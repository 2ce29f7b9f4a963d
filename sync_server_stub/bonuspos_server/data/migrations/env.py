"""Alembic environment for the server: runs on the connection `migrate()` hands over."""

from __future__ import annotations

from alembic import context

from bonuspos_server.data.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
