"""The PostgreSQL half of `StoredWorkshops` (workshop/stored_workshops.py), a mixin of
`PostgresStore`: every call one transaction on a pooled connection, nothing cached, so every
process of a cluster sees a workshop as soon as it is saved."""

from __future__ import annotations

from psycopg import Connection
from psycopg import errors

from workshop.stored_workshops import WorkshopRecord
from workshop.stored_workshops import workshop_from_row

# Appended to the PostgreSQL schema (created under its advisory lock, like every table).
PG_WORKSHOPS_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS workshops (
        id TEXT PRIMARY KEY,
            workshop_json TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        updated_ms BIGINT NOT NULL
    )""",
)

# Held while a workshop is added, so that two processes adding at once cannot both pass the
# count check. Arbitrary, like the schema's lock: "Studio" in ASCII.
_ADD_LOCK = 0x53747564_696F


class PostgresWorkshops:
    """`StoredWorkshops` for `PostgresStore`, which provides `_run` and `_pooled`."""

    def add_workshop(self, record: WorkshopRecord, max_count: int) -> None:
        """Keep a new workshop; the count is checked under a lock in the same transaction.

        Run once more if its connection is lost: its own row found then means it was added.
        """

        def add(conn: Connection) -> None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_ADD_LOCK,))
                mine = conn.execute(
                    "SELECT workshop_json, created_ms FROM workshops WHERE id = %s", (record.id,)
                ).fetchone()
                if mine is not None:
                    if (mine["workshop_json"], mine["created_ms"]) == (
                        record.workshop_json,
                        record.created_ms,
                    ):
                        return  # this very call's insert, committed before its reply was lost
                    raise KeyError(record.id)
                count = conn.execute("SELECT COUNT(*) AS n FROM workshops").fetchone()["n"]
                if count >= max_count:
                    raise OverflowError(max_count)
                try:
                    conn.execute(
                        "INSERT INTO workshops (id, workshop_json, created_ms, updated_ms)"
                        " VALUES (%s, %s, %s, %s)",
                        (
                            record.id,
                            record.workshop_json,
                            record.created_ms,
                            record.updated_ms,
                        ),
                    )
                except errors.UniqueViolation:
                    raise KeyError(record.id) from None

        self._run(add)

    def replace_workshop(
        self, record: WorkshopRecord, expected: WorkshopRecord | None = None
    ) -> bool:
        """Replace the stored workshop of `record.id` (if still `expected`); False if not.

        Run once more if its connection is lost: with `expected`, a first run that committed
        makes the second find the row changed (to `record`), which the catalog recognises.
        """
        sql = "UPDATE workshops SET workshop_json = %s, updated_ms = %s WHERE id = %s"
        params: tuple = (record.workshop_json, record.updated_ms, record.id)
        if expected is not None:
            sql += " AND workshop_json = %s AND updated_ms = %s"
            params += (expected.workshop_json, expected.updated_ms)
        return self._run(lambda conn: conn.execute(sql, params).rowcount == 1)

    def get_workshop(self, workshop_id: str) -> WorkshopRecord | None:
        """The stored workshop with this id, or None."""
        row = self._run(
            lambda conn: conn.execute(
                "SELECT * FROM workshops WHERE id = %s", (workshop_id,)
            ).fetchone(),
            "read",
        )
        return workshop_from_row(row) if row else None

    def list_workshops(self) -> list[WorkshopRecord]:
        """Every stored workshop, by id."""
        rows = self._run(
            lambda conn: conn.execute('SELECT * FROM workshops ORDER BY id COLLATE "C"').fetchall(),
            "read",
        )
        return [workshop_from_row(row) for row in rows]

    def delete_workshop(self, workshop_id: str) -> bool:
        """Forget a stored workshop; False when none has this id.

        Run once more if its connection is lost, so a lost reply reads as "none" then.
        """
        return self._run(
            lambda conn: (
                conn.execute("DELETE FROM workshops WHERE id = %s", (workshop_id,)).rowcount == 1
            )
        )

    def sessions_of_workshop(self, workshop_id: str) -> list[str]:
        """The codes of the sessions that ran a workshop with this id, newest first.

        `json`, not `jsonb`: a workshop's text may hold `\\u0000`, which jsonb refuses.
        """
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT code FROM sessions WHERE (workshop_json::json ->> 'id') = %s"
                " ORDER BY created_ms DESC, code",
                (workshop_id,),
            ).fetchall(),
            "read",
        )
        return [row["code"] for row in rows]
