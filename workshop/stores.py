"""Open the store a database URL names: PostgreSQL for `postgresql://`, else a SQLite file."""

from __future__ import annotations


def open_store(url: str):
    """A store for `url`: `postgresql://...` (or `postgres://`) or a SQLite file path."""
    if str(url).startswith(("postgresql://", "postgres://")):
        # Imported here so that a SQLite-only kiosk never needs psycopg.
        from workshop.pg_store import PostgresStore

        return PostgresStore(url)
    from workshop.store import SqliteStore

    return SqliteStore(url)
