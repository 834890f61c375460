"""Open the store a database URL names: PostgreSQL for `postgresql://`, else a SQLite file."""

from __future__ import annotations

from workshop.store import SqliteStore
from workshop.store import Store


def open_store(url: str) -> Store:
    """A store for `url`: `postgresql://...` (or `postgres://`) or a SQLite file path."""
    if str(url).startswith(("postgresql://", "postgres://")):
        # Imported here so that a SQLite-only kiosk never needs psycopg, and so that psycopg
        # is imported after gevent's monkey-patching (see workshop.pg_store).
        from workshop.pg_store import PostgresStore

        return PostgresStore(url)
    return SqliteStore(url)
