"""The SQLite store: one file, owned by one process (the `Store` of workshop/store.py).

Writes are short `BEGIN IMMEDIATE` transactions (a deferred read-then-write can fail with
SQLITE_BUSY without waiting); the database runs in WAL mode, where a committed transaction
survives a crash of the process (`kill -9`).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

from workshop.results import Answer
from workshop.session import SessionState
from workshop.store import SessionRecord
from workshop.store import SignIn
from workshop.store import StoreError
from workshop.store import VersionConflict
from workshop.store import answer_from_row
from workshop.store import record_from_row
from workshop.store import sign_in_from_row
from workshop.stored_workshops import SQLITE_WORKSHOPS_SCHEMA
from workshop.stored_workshops import SqliteWorkshops

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    code TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    state_json TEXT NOT NULL,
    workshop_json TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    pair_key BLOB NOT NULL,
    created_ms INTEGER NOT NULL,
    retention_days INTEGER NOT NULL DEFAULT 30,
    keep_aggregates INTEGER NOT NULL DEFAULT 1,
    answers_deleted_ms INTEGER,
    kept_figures TEXT
);
CREATE TABLE IF NOT EXISTS consents (
    session_code TEXT NOT NULL REFERENCES sessions(code) ON DELETE CASCADE,
    step_id TEXT NOT NULL,
    respondent TEXT NOT NULL,
    choice TEXT NOT NULL,
    PRIMARY KEY (session_code, step_id, respondent)
);
CREATE TABLE IF NOT EXISTS answers (
    session_code TEXT NOT NULL REFERENCES sessions(code) ON DELETE CASCADE,
    prompt_id TEXT NOT NULL,
    respondent TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    value_json TEXT NOT NULL,
    answered_ms INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'shown',
    PRIMARY KEY (session_code, prompt_id, respondent),
    UNIQUE (session_code, answer_id)
);
CREATE INDEX IF NOT EXISTS answers_by_respondent ON answers (session_code, respondent);
CREATE TABLE IF NOT EXISTS console_tokens (
    session_code TEXT NOT NULL REFERENCES sessions(code) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    issued_ms INTEGER NOT NULL,
    PRIMARY KEY (session_code, token_hash)
);
CREATE TABLE IF NOT EXISTS sign_ins (
    id_hash TEXT PRIMARY KEY,
    key_fingerprint TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
"""


# SQLite takes at most 32,766 parameters in a statement (999 before 3.32): a batch of
# respondents is read in parts of this many.
_PART = 500


def _parts(items: list[str]) -> list[list[str]]:
    """`items` in lists of at most `_PART` (distinct, in their order)."""
    distinct = list(dict.fromkeys(items))
    return [distinct[i : i + _PART] for i in range(0, len(distinct), _PART)]


class SqliteStore(SqliteWorkshops):
    """The SQLite store: one file, WAL mode, one connection guarded by a lock.

    One process owns the file. Session records are cached in memory because every answer
    needs the session's state and reading it back from disk each time would be wasted work;
    the cache is written through, so it is never ahead of the disk.
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            # Answers and the kiosk's secrets live here: readable by the kiosk's user only.
            # SQLite gives the -wal and -shm files the same mode as the database file.
            Path(self.path).touch(mode=0o600, exist_ok=True)
            os.chmod(self.path, 0o600)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=5.0
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives a process crash; only a power cut can lose the
        # last commits. FULL would fsync every answer, which a laptop on battery does not need.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA journal_size_limit=67108864")
        # Deleted answers are overwritten with zeros, not left readable in free pages.
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.executescript(SCHEMA + SQLITE_WORKSHOPS_SCHEMA)
        self._cache: dict[str, SessionRecord] = {}

    def _write(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.OperationalError as error:
            raise StoreError(f"the database could not be written: {error}") from None

    def _transaction(self):
        store = self

        class _Tx:
            def __enter__(self):
                try:
                    store._db.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as error:
                    raise StoreError(f"the database could not be written: {error}") from None

            def __exit__(self, exc_type, exc, tb):
                if exc_type is None:
                    try:
                        store._db.execute("COMMIT")
                        return False
                    except sqlite3.OperationalError as error:
                        store._db.execute("ROLLBACK")
                        raise StoreError(f"the database could not be written: {error}") from None
                store._db.execute("ROLLBACK")
                return False

        return _Tx()

    def create_session(self, record: SessionRecord) -> None:
        """Store a new session. :raise KeyError: the code is taken."""
        with self._lock:
            try:
                with self._transaction():
                    self._write(
                        "INSERT INTO sessions (code, version, state_json, workshop_json,"
                        " token_hash, pair_key, created_ms, retention_days, keep_aggregates)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            record.state.code,
                            record.state.version,
                            json.dumps(record.state.to_record()),
                            record.workshop_json,
                            record.token_hash,
                            record.pair_key,
                            record.created_ms,
                            record.retention_days,
                            int(record.keep_aggregates),
                        ),
                    )
            except sqlite3.IntegrityError:
                raise KeyError(record.state.code) from None
            self._cache[record.state.code] = record

    def get_session(self, code: str) -> SessionRecord | None:
        """The session with this code, or None."""
        with self._lock:
            cached = self._cache.get(code)
            if cached is not None:
                return cached
            row = self._db.execute("SELECT * FROM sessions WHERE code = ?", (code,)).fetchone()
            if row is None:
                return None
            record = record_from_row(row)
            self._cache[code] = record
            return record

    def save_state(self, state: SessionState, expected_version: int) -> None:
        """Replace a session's state if its stored version is `expected_version`.

        :raise VersionConflict: the stored version differs.
        """
        with self._lock:
            with self._transaction():
                cursor = self._write(
                    "UPDATE sessions SET version = ?, state_json = ?"
                    " WHERE code = ? AND version = ?",
                    (state.version, json.dumps(state.to_record()), state.code, expected_version),
                )
                if cursor.rowcount != 1:
                    raise VersionConflict(state.code)
            old = self._cache.get(state.code) or self.get_session(state.code)
            if old is not None:
                self._cache[state.code] = replace(old, state=state)

    def list_sessions(self) -> list[SessionRecord]:
        """All sessions, newest first."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM sessions ORDER BY created_ms DESC").fetchall()
            return [self._cache.get(row["code"]) or record_from_row(row) for row in rows]

    def upsert_answer(self, code: str, answer: Answer) -> Answer:
        """Store an answer, replacing the respondent's earlier one; a retry changes nothing."""
        with self._lock:
            with self._transaction():
                row = self._db.execute(
                    "SELECT * FROM answers WHERE session_code = ? AND answer_id = ?",
                    (code, answer.answer_id),
                ).fetchone()
                if row is not None:
                    return answer_from_row(row)
                self._write(
                    "INSERT INTO answers (session_code, prompt_id, respondent, answer_id,"
                    " value_json, answered_ms, status) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (session_code, prompt_id, respondent) DO UPDATE SET"
                    " answer_id = excluded.answer_id, value_json = excluded.value_json,"
                    " answered_ms = excluded.answered_ms, status = excluded.status",
                    (
                        code,
                        answer.prompt_id,
                        answer.respondent,
                        answer.answer_id,
                        json.dumps(answer.value, ensure_ascii=False),
                        answer.answered_ms,
                        answer.status,
                    ),
                )
            return answer

    def answers(self, code: str, prompt_id: str | None = None) -> list[Answer]:
        """Answers of a session, for one prompt or all, oldest first."""
        with self._lock:
            if prompt_id is None:
                rows = self._db.execute(
                    "SELECT * FROM answers WHERE session_code = ? ORDER BY answered_ms", (code,)
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT * FROM answers WHERE session_code = ? AND prompt_id = ?"
                    " ORDER BY answered_ms",
                    (code, prompt_id),
                ).fetchall()
            return [answer_from_row(row) for row in rows]

    def set_answer_status(self, code: str, answer_id: str, status: str) -> Answer | None:
        """Show, hide or hold back one answer; None when no answer has this id."""
        with self._lock:
            with self._transaction():
                self._write(
                    "UPDATE answers SET status = ? WHERE session_code = ? AND answer_id = ?",
                    (status, code, answer_id),
                )
                row = self._db.execute(
                    "SELECT * FROM answers WHERE session_code = ? AND answer_id = ?",
                    (code, answer_id),
                ).fetchone()
            return answer_from_row(row) if row else None

    def answers_of(self, code: str, respondent: str) -> list[Answer]:
        """One respondent's answers in a session."""
        return self.answers_of_many(code, [respondent])[respondent]

    def answers_of_many(self, code: str, respondents: list[str]) -> dict[str, list[Answer]]:
        """The answers of each of these respondents in a session (a respondent with none: [])."""
        found: dict[str, list[Answer]] = {respondent: [] for respondent in respondents}
        # Each respondent's rows all come from one part, so ordering each part orders them.
        query = (
            "SELECT * FROM answers WHERE session_code = ? AND respondent IN ({})"
            " ORDER BY answered_ms, answer_id"
        )
        for row in self._rows_of_respondents(query, code, respondents):
            found[row["respondent"]].append(answer_from_row(row))
        return found

    def _rows_of_respondents(self, query: str, code: str, respondents: list[str]) -> list:
        """The rows of `query` (its `{}` the respondents' placeholders) for these respondents,
        asked in parts that stay under SQLite's limit of bound parameters."""
        rows = []
        with self._lock:
            for part in _parts(respondents):
                placeholders = ", ".join("?" * len(part))
                rows += self._db.execute(query.format(placeholders), (code, *part)).fetchall()
        return rows

    def upsert_consent(self, code: str, step_id: str, respondent: str, choice: str) -> None:
        """Keep a phone's consent choice for a step, replacing its earlier one."""
        with self._lock:
            with self._transaction():
                self._write(
                    "INSERT INTO consents (session_code, step_id, respondent, choice)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (session_code, step_id, respondent)"
                    " DO UPDATE SET choice = excluded.choice",
                    (code, step_id, respondent, choice),
                )

    def consent_counts(self, code: str, step_id: str) -> dict[str, int]:
        """`{join, alternative, skip}` for a step."""
        with self._lock:
            rows = self._db.execute(
                "SELECT choice, COUNT(*) AS n FROM consents"
                " WHERE session_code = ? AND step_id = ? GROUP BY choice",
                (code, step_id),
            ).fetchall()
        counts = {"join": 0, "alternative": 0, "skip": 0}
        counts.update({row["choice"]: row["n"] for row in rows})
        return counts

    def consents_of(self, code: str, respondent: str) -> dict[str, str]:
        """One phone's consent choices, by step id."""
        return self.consents_of_many(code, [respondent])[respondent]

    def consents_of_many(self, code: str, respondents: list[str]) -> dict[str, dict[str, str]]:
        """The consent choices of each of these phones, by step id (a phone with none: {})."""
        found: dict[str, dict[str, str]] = {respondent: {} for respondent in respondents}
        query = (
            "SELECT respondent, step_id, choice FROM consents"
            " WHERE session_code = ? AND respondent IN ({})"
        )
        for row in self._rows_of_respondents(query, code, respondents):
            found[row["respondent"]][row["step_id"]] = row["choice"]
        return found

    def erase_answers(self, code: str, kept_figures: str | None, now_ms: int) -> None:
        """Delete every answer and consent choice of a session for good.

        `secure_delete` zeroes the freed pages; the WAL is then checkpointed and truncated and
        the file vacuumed, so no answer text lingers anywhere in the database files.
        """
        with self._lock:
            with self._transaction():
                self._write("DELETE FROM answers WHERE session_code = ?", (code,))
                self._write("DELETE FROM consents WHERE session_code = ?", (code,))
                self._write(
                    "UPDATE sessions SET answers_deleted_ms = ?, kept_figures = ? WHERE code = ?",
                    (now_ms, kept_figures, code),
                )
            self._cache.pop(code, None)
            self._compact()

    def _compact(self) -> None:
        """Leave no earlier version of any row in the database files.

        `secure_delete` zeroes what a statement frees in the main file, but the WAL keeps the
        old page images (a replaced answer, the old respondent hashes, the old pairing key)
        until a checkpoint, and a checkpoint leaves them in the WAL file until it is truncated.
        So: copy the WAL into the file and truncate it, rebuild the file (VACUUM), and
        truncate the WAL that the rebuild wrote.

        :raise StoreError: the database could not be compacted (the change itself is saved).
        """
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError as error:
            raise StoreError(f"the database could not be compacted: {error}") from None

    def unlink_respondents(self, code: str, kept_figures: str | None) -> None:
        """Drop the session's pairing key, make respondent hashes unique, keep the figures.

        After this, nobody can tell which answers came from the same phone, nor map a phone
        to its answers: the before/after pairing cannot be recomputed, neither through the
        store nor from the bytes of its files (`_compact`).
        """
        with self._lock:
            with self._transaction():
                self._write(
                    "UPDATE answers SET respondent = lower(hex(randomblob(16)))"
                    " WHERE session_code = ?",
                    (code,),
                )
                self._write(
                    "UPDATE consents SET respondent = lower(hex(randomblob(16)))"
                    " WHERE session_code = ?",
                    (code,),
                )
                self._write(
                    "UPDATE sessions SET pair_key = ?, kept_figures = ? WHERE code = ?",
                    (secrets.token_bytes(32), kept_figures, code),
                )
            self._cache.pop(code, None)
            self._compact()

    def get_meta(self, key: str) -> str | None:
        """A kiosk-wide setting kept in the store."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Keep a kiosk-wide setting."""
        with self._lock:
            with self._transaction():
                self._write(
                    "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def set_meta_if_absent(self, key: str, value: str) -> str:
        """Keep a setting unless one is there already; returns the value that is kept."""
        with self._lock:
            with self._transaction():
                self._write("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            return self.get_meta(key)

    def delete_meta(self, key: str) -> None:
        """Forget a setting (nothing happens if there is none)."""
        with self._lock:
            with self._transaction():
                self._write("DELETE FROM meta WHERE key = ?", (key,))

    def add_console_token(self, code: str, token_hash: str, issued_ms: int, keep: int) -> None:
        """Let one more console token drive a session; only the newest `keep` stay valid."""
        with self._lock:
            with self._transaction():
                self._write(
                    "INSERT OR IGNORE INTO console_tokens (session_code, token_hash, issued_ms)"
                    " VALUES (?, ?, ?)",
                    (code, token_hash, issued_ms),
                )
                self._write(
                    "DELETE FROM console_tokens WHERE session_code = ? AND token_hash NOT IN"
                    " (SELECT token_hash FROM console_tokens WHERE session_code = ?"
                    "  ORDER BY issued_ms DESC LIMIT ?)",
                    (code, code, keep),
                )

    def has_console_token(self, code: str, token_hash: str) -> bool:
        """Whether a token hash was added to this session with `add_console_token`."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM console_tokens WHERE session_code = ? AND token_hash = ?",
                (code, token_hash),
            ).fetchone()
        return row is not None

    def add_sign_in(self, sign_in: SignIn) -> None:
        """Keep a browser's sign-in."""
        with self._lock:
            with self._transaction():
                self._write(
                    "INSERT INTO sign_ins (id_hash, key_fingerprint, created_ms, expires_ms)"
                    " VALUES (?, ?, ?, ?)",
                    (
                        sign_in.id_hash,
                        sign_in.key_fingerprint,
                        sign_in.created_ms,
                        sign_in.expires_ms,
                    ),
                )

    def get_sign_in(self, id_hash: str) -> SignIn | None:
        """The sign-in with this id hash, or None."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM sign_ins WHERE id_hash = ?", (id_hash,)
            ).fetchone()
        return sign_in_from_row(row) if row else None

    def delete_sign_in(self, id_hash: str) -> None:
        """End one sign-in (nothing happens if there is none)."""
        with self._lock:
            with self._transaction():
                self._write("DELETE FROM sign_ins WHERE id_hash = ?", (id_hash,))

    def prune_sign_ins(self, key_fingerprint: str | None, now_ms: int) -> int:
        """Delete every sign-in expired by `now_ms` or made under another admin key."""
        with self._lock:
            with self._transaction():
                cursor = self._write(
                    "DELETE FROM sign_ins WHERE expires_ms <= ? OR ? IS NULL"
                    " OR key_fingerprint <> ?",
                    (now_ms, key_fingerprint, key_fingerprint),
                )
            return cursor.rowcount

    def compact(self) -> None:
        """Leave no earlier version of any row in the database files (`_compact`)."""
        with self._lock:
            self._compact()

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close."""
        with self._lock:
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                pass
            self._db.close()
