"""The store: where sessions and answers live. One interface, two stores behind it.

`Store` is what the domain needs from storage; `open_store` opens the one a database URL
names: SQLite for a file (workshop/sqlite_store.py, one process) or PostgreSQL for
`postgresql://` (workshop/pg_store.py, several processes). Every state change is written to
the store before it is acknowledged or broadcast. Nothing here knows about Flask or sockets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

from workshop.errors import AttuneError
from workshop.results import Answer
from workshop.session import SessionState
from workshop.stored_workshops import StoredWorkshops


class VersionConflict(AttuneError, RuntimeError):
    """Someone else saved the session first; reload and apply the change again."""


class StoreError(AttuneError, RuntimeError):
    """The store could not write (disk full, read-only file); nothing was changed."""


@dataclass(frozen=True)
class SessionRecord:
    """A session as stored: its state plus what was fixed when it was created."""

    state: SessionState
    workshop_json: str
    token_hash: str
    pair_key: bytes
    created_ms: int
    retention_days: int = 30
    keep_aggregates: bool = True
    # Set once the answers are erased; `kept_figures` then holds the report's aggregates.
    answers_deleted_ms: int | None = None
    kept_figures: str | None = None


@dataclass(frozen=True)
class SignIn:
    """A browser signed in on the facilitator home, as stored: never the id its cookie holds.

    `id_hash` is the SHA-256 of the cookie's random id; `key_fingerprint` names the admin key
    the sign-in was made with, so that a new key ends it.
    """

    id_hash: str
    key_fingerprint: str
    created_ms: int
    expires_ms: int


class Store(StoredWorkshops, Protocol):
    """What the domain needs from storage (the studio's workshops: `StoredWorkshops`)."""

    def create_session(self, record: SessionRecord) -> None:
        """Store a new session. :raise KeyError: the code is taken."""

    def get_session(self, code: str) -> SessionRecord | None:
        """The session with this code, or None."""

    def save_state(self, state: SessionState, expected_version: int) -> None:
        """Replace a session's state if its stored version is `expected_version`.

        :raise VersionConflict: the stored version differs.
        """

    def list_sessions(self) -> list[SessionRecord]:
        """All sessions, newest first."""

    def upsert_answer(self, code: str, answer: Answer) -> Answer:
        """Store a participant's answer to a prompt, replacing their earlier one.

        An answer whose `answer_id` is already stored is a retry: nothing changes and the
        stored answer is returned.
        """

    def answers(self, code: str, prompt_id: str | None = None) -> list[Answer]:
        """Answers of a session, for one prompt or all."""

    def set_answer_status(self, code: str, answer_id: str, status: str) -> Answer | None:
        """Show, hide or hold back one answer; None when no answer has this id."""

    def answers_of(self, code: str, respondent: str) -> list[Answer]:
        """One respondent's answers in a session."""

    def answers_of_many(self, code: str, respondents: list[str]) -> dict[str, list[Answer]]:
        """The answers of each of these respondents in a session (a respondent with none: [])."""

    def upsert_consent(self, code: str, step_id: str, respondent: str, choice: str) -> None:
        """Keep a phone's consent choice for a step, replacing its earlier one."""

    def consent_counts(self, code: str, step_id: str) -> dict[str, int]:
        """`{join, alternative, skip}` for a step."""

    def consents_of(self, code: str, respondent: str) -> dict[str, str]:
        """One phone's consent choices, by step id."""

    def consents_of_many(self, code: str, respondents: list[str]) -> dict[str, dict[str, str]]:
        """The consent choices of each of these phones, by step id (a phone with none: {})."""

    def erase_answers(self, code: str, kept_figures: str | None, now_ms: int) -> None:
        """Delete every answer and consent choice of a session for good (no trace in free pages)."""

    def unlink_respondents(self, code: str, kept_figures: str | None) -> None:
        """Drop the session's pairing key, make respondent hashes unique, keep the figures."""

    def get_meta(self, key: str) -> str | None:
        """A kiosk-wide setting kept in the store."""

    def set_meta(self, key: str, value: str) -> None:
        """Keep a kiosk-wide setting."""

    def set_meta_if_absent(self, key: str, value: str) -> str:
        """Keep a setting unless one is there already; returns the value that is kept."""

    def delete_meta(self, key: str) -> None:
        """Forget a setting (nothing happens if there is none)."""

    def add_console_token(self, code: str, token_hash: str, issued_ms: int, keep: int) -> None:
        """Let one more console token drive a session, besides the one it was created with.

        Only the newest `keep` such tokens stay valid; older ones are deleted.
        """

    def has_console_token(self, code: str, token_hash: str) -> bool:
        """Whether a token hash was added to this session with `add_console_token`."""

    def add_sign_in(self, sign_in: SignIn) -> None:
        """Keep a browser's sign-in."""

    def get_sign_in(self, id_hash: str) -> SignIn | None:
        """The sign-in with this id hash, or None."""

    def delete_sign_in(self, id_hash: str) -> None:
        """End one sign-in (nothing happens if there is none)."""

    def prune_sign_ins(self, key_fingerprint: str | None, now_ms: int) -> int:
        """Delete every sign-in expired by `now_ms` or made under another admin key.

        With `key_fingerprint` None every sign-in goes. Returns how many were deleted.
        """

    def compact(self) -> None:
        """Leave no earlier version of any row in the database files (after a secret is gone).

        :raise StoreError: the files could not be compacted (the rows themselves are saved).
        """

    def close(self) -> None:
        """Flush and release the store."""


def answer_from_row(row) -> Answer:
    """An answer from a row of `answers` (sqlite3.Row or a dict row: both stores share it)."""
    return Answer(
        answer_id=row["answer_id"],
        prompt_id=row["prompt_id"],
        respondent=row["respondent"],
        value=json.loads(row["value_json"]),
        answered_ms=row["answered_ms"],
        status=row["status"],
    )


def record_from_row(row) -> SessionRecord:
    """A session record from a row of `sessions` (sqlite3.Row or a dict row)."""
    return SessionRecord(
        state=SessionState.from_record(json.loads(row["state_json"])),
        workshop_json=row["workshop_json"],
        token_hash=row["token_hash"],
        pair_key=bytes(row["pair_key"]),
        created_ms=row["created_ms"],
        retention_days=row["retention_days"],
        keep_aggregates=bool(row["keep_aggregates"]),
        answers_deleted_ms=row["answers_deleted_ms"],
        kept_figures=row["kept_figures"],
    )


def sign_in_from_row(row) -> SignIn:
    """A sign-in from a row of `sign_ins` (sqlite3.Row or a dict row)."""
    return SignIn(
        id_hash=row["id_hash"],
        key_fingerprint=row["key_fingerprint"],
        created_ms=row["created_ms"],
        expires_ms=row["expires_ms"],
    )


def open_store(url: str) -> Store:
    """A store for `url`: `postgresql://...` (or `postgres://`) or a SQLite file path."""
    if str(url).startswith(("postgresql://", "postgres://")):
        # Imported here so that a SQLite-only kiosk never needs psycopg, and so that psycopg
        # is imported after gevent's monkey-patching (see workshop.pg_store).
        from workshop.pg_store import PostgresStore

        return PostgresStore(url)
    from workshop.sqlite_store import SqliteStore

    return SqliteStore(url)
