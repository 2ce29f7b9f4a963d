"""The server's tables, migrations, database connection and policy versions."""
