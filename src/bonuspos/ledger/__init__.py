"""The till's local ledger: SQLite through SQLAlchemy 2, migrated by Alembic at start-up."""
