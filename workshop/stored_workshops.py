"""Workshops kept in the kiosk's database (the studio's), beside its sessions.

What the store keeps of a workshop is the validated workshop's JSON plus its id and times (no
column of its title: PostgreSQL's TEXT cannot hold the NUL a title may carry, which JSON
escapes); validating it is the caller's job (workshop/catalog.py). `StoredWorkshops` is the
part of the store's interface for them, `SqliteWorkshops` its SQLite half (a mixin of
`SqliteStore`); the PostgreSQL half is in workshop/pg_workshops.py.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Protocol

# Appended to the SQLite schema: created on the first start of a kiosk of this version, on
# an existing database too (CREATE ... IF NOT EXISTS, like every table of the store).
SQLITE_WORKSHOPS_SCHEMA = """
CREATE TABLE IF NOT EXISTS workshops (
    id TEXT PRIMARY KEY,
    workshop_json TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class WorkshopRecord:
    """A stored workshop: its validated JSON (`Workshop.model_dump_json()`) and when it changed."""

    id: str
    workshop_json: str
    created_ms: int
    updated_ms: int


def workshop_from_row(row) -> WorkshopRecord:
    """A stored workshop from a row of `workshops` (sqlite3.Row or a dict row)."""
    return WorkshopRecord(
        id=row["id"],
        workshop_json=row["workshop_json"],
        created_ms=row["created_ms"],
        updated_ms=row["updated_ms"],
    )


class StoredWorkshops(Protocol):
    """What the kiosk needs from storage for the workshops made in the studio."""

    def add_workshop(self, record: WorkshopRecord, max_count: int) -> None:
        """Keep a new workshop.

        :raise KeyError: a stored workshop has this id already.
        :raise OverflowError: `max_count` workshops are stored already; nothing was added.
        """

    def replace_workshop(
        self, record: WorkshopRecord, expected: WorkshopRecord | None = None
    ) -> bool:
        """Replace the stored workshop of `record.id` (its `created_ms` is kept).

        With `expected`, only if the stored one is still that version (the same JSON and
        `updated_ms`), checked and written in one statement, so that of two saves based on
        the same version only the first one lands. Returns False when none is stored under
        that id, or (with `expected`) when it has changed since; nothing is written then.
        """

    def get_workshop(self, workshop_id: str) -> WorkshopRecord | None:
        """The stored workshop with this id, or None."""

    def list_workshops(self) -> list[WorkshopRecord]:
        """Every stored workshop, by id."""

    def delete_workshop(self, workshop_id: str) -> bool:
        """Forget a stored workshop; False when none has this id. Sessions keep their copy."""

    def sessions_of_workshop(self, workshop_id: str) -> list[str]:
        """The codes of the sessions that ran a workshop with this id, newest first."""


class SqliteWorkshops:
    """`StoredWorkshops` for `SqliteStore` (which gives it `_lock`, `_db`, `_transaction`)."""

    def add_workshop(self, record: WorkshopRecord, max_count: int) -> None:
        """Keep a new workshop; the count is checked in the same write transaction."""
        with self._lock:
            try:
                with self._transaction():
                    count = self._db.execute("SELECT COUNT(*) FROM workshops").fetchone()[0]
                    if count >= max_count:
                        raise OverflowError(max_count)
                    self._write(
                        "INSERT INTO workshops (id, workshop_json, created_ms, updated_ms)"
                        " VALUES (?, ?, ?, ?)",
                        (
                            record.id,
                            record.workshop_json,
                            record.created_ms,
                            record.updated_ms,
                        ),
                    )
            except sqlite3.IntegrityError:
                raise KeyError(record.id) from None

    def replace_workshop(
        self, record: WorkshopRecord, expected: WorkshopRecord | None = None
    ) -> bool:
        """Replace the stored workshop of `record.id` (if still `expected`); False if not."""
        sql = "UPDATE workshops SET workshop_json = ?, updated_ms = ? WHERE id = ?"
        params: tuple = (record.workshop_json, record.updated_ms, record.id)
        if expected is not None:
            sql += " AND workshop_json = ? AND updated_ms = ?"
            params += (expected.workshop_json, expected.updated_ms)
        with self._lock:
            with self._transaction():
                cursor = self._write(sql, params)
            return cursor.rowcount == 1

    def get_workshop(self, workshop_id: str) -> WorkshopRecord | None:
        """The stored workshop with this id, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM workshops WHERE id = ?", (workshop_id,)
            ).fetchone()
        return workshop_from_row(row) if row else None

    def list_workshops(self) -> list[WorkshopRecord]:
        """Every stored workshop, by id."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM workshops ORDER BY id").fetchall()
        return [workshop_from_row(row) for row in rows]

    def delete_workshop(self, workshop_id: str) -> bool:
        """Forget a stored workshop; False when none has this id."""
        with self._lock:
            with self._transaction():
                cursor = self._write("DELETE FROM workshops WHERE id = ?", (workshop_id,))
            return cursor.rowcount == 1

    def sessions_of_workshop(self, workshop_id: str) -> list[str]:
        """The codes of the sessions that ran a workshop with this id, newest first.

        A session keeps the workshop it ran as JSON (`workshop_json`), id included.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT code FROM sessions WHERE json_extract(workshop_json, '$.id') = ?"
                " ORDER BY created_ms DESC, code",
                (workshop_id,),
            ).fetchall()
        return [row["code"] for row in rows]
