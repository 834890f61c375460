"""The store contract, run against SQLite and PostgreSQL."""
