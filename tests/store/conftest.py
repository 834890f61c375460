"""Fixtures for the store contract: a `store` over SQLite and over a real PostgreSQL.

The PostgreSQL server is Debian's (`apt-get install postgresql`), started once per test run
from a throw-away `initdb` cluster on a free loopback port, and each test gets a fresh
database in it. Where the server is not installed the postgres half is skipped with a loud
notice, unless KIOSK_REQUIRE_CLUSTER is set (CI), which turns the skip into a failure.
`PostgresCluster` and the `postgres_cluster` fixture depend on nothing else in the suite, so
they can move to a shared conftest as they are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.postgres import PostgresCluster
from workshop.store import open_store


class SqliteBackend:
    """Where a SQLite store keeps its data, and how to look into the file for leftovers."""

    kind = "sqlite"

    def __init__(self, path: Path):
        self.url = str(path)
        self.path = path

    def open(self):
        """A store on this backend's database (a second one acts like another opener)."""
        return open_store(self.url)

    def raw_bytes(self, store, extra=(), tables=()) -> bytes:
        """Every byte SQLite has on disk for this database: the file, its WAL and shm.

        (`extra` and `tables` matter only to PostgreSQL: SQLite keeps everything in one file.)
        """
        parts = [Path(self.url + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
        return b"".join(part.read_bytes() for part in parts if part.exists())

    def close(self) -> None:
        """Nothing to tear down: the file lives in tmp_path."""


class PostgresBackend:
    """A fresh database on the test server, and how to look into its files for leftovers."""

    kind = "postgres"

    def __init__(self, cluster: PostgresCluster):
        self.cluster = cluster
        self.url = cluster.create_database()

    def open(self):
        """A store on this backend's database (a second one acts like another process)."""
        return open_store(self.url)

    def admin(self):
        """A superuser connection to this database, in autocommit mode."""
        import psycopg

        return psycopg.connect(self.url, autocommit=True)

    def relation_files(self, tables: tuple[str, ...] = ("answers", "consents")) -> list[Path]:
        """The files on disk of these tables, their TOAST tables and all their indexes."""
        with self.admin() as conn:
            data_dir = Path(conn.execute("SHOW data_directory").fetchone()[0])
            rows = conn.execute(
                "WITH heap AS (SELECT oid FROM pg_class WHERE oid = ANY(%s::regclass[])"
                "  UNION SELECT reltoastrelid FROM pg_class"
                "  WHERE oid = ANY(%s::regclass[]) AND reltoastrelid <> 0)"
                " SELECT pg_relation_filepath(oid) FROM heap"
                " UNION SELECT pg_relation_filepath(indexrelid) FROM pg_index"
                " WHERE indrelid IN (SELECT oid FROM heap)",
                (list(tables), list(tables)),
            ).fetchall()
        return [data_dir / row[0] for row in rows if row[0]]

    def raw_bytes(
        self, store, extra: list[Path] = (), tables: tuple[str, ...] = ("answers", "consents")
    ) -> bytes:
        """The bytes of these tables' files (plus `extra` files), after a checkpoint.

        CHECKPOINT writes every dirty page, so the files show what the tables hold now.
        Segments (`.1`, ...) and the free-space and visibility maps are read too.
        """
        with self.admin() as conn:
            conn.execute("CHECKPOINT")
        paths = [*self.relation_files(tables), *extra]
        data = b""
        for path in paths:
            for part in path.parent.glob(path.name + "*"):
                data += part.read_bytes()
        return data

    def close(self) -> None:
        """Drop the database."""
        self.cluster.drop_database(self.url)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    """A fresh database of each kind: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        made = SqliteBackend(tmp_path / "store.db")
    else:
        made = PostgresBackend(request.getfixturevalue("postgres_cluster"))
    yield made
    made.close()


@pytest.fixture
def store(backend):
    """An open store on the backend's database, closed after the test."""
    opened = backend.open()
    yield opened
    opened.close()


@pytest.fixture
def pg_backend(postgres_cluster):
    """A fresh PostgreSQL database, for the tests only PostgreSQL can run (several processes)."""
    made = PostgresBackend(postgres_cluster)
    yield made
    made.close()
