"""The PostgreSQL store: the same `Store` as SQLite, for several kiosk processes sharing one room.

Several processes (behind nginx) use one database, so nothing that changes is cached in memory:
every read of it goes to the database (what never changes in a session is read once per
process, `get_session`), and every state change is one transaction that is committed before
the method returns. `save_state` is an optimistic `UPDATE ... WHERE version = expected`, so
versions stay strictly increasing and gap-free whichever process writes; `upsert_answer` stores
a retried answer once even when two processes receive the same retry at the same moment.

gevent
------
The kiosk runs under gevent monkey-patching, and a database wait that blocks the event loop
freezes every phone connected to the process. psycopg 3 does its waiting in Python
(`psycopg.waiting`), not inside libpq, and picks the wait function *when it is imported*:
with its C speed-ups (`psycopg[binary]`) that is `wait_c`, which gevent cannot patch and which
blocks the whole process (psycopg issue #527); when gevent has already patched `select`,
psycopg 3.1.14+ picks `wait_poll` instead, whose `select.poll()` is then gevent's and yields to
other greenlets (psycopg PR #688; docs "Gevent support" in docs/advanced/async.rst: "If the
select module is found patched ... psycopg will behave in a collaborative way"; psycogreen is
not needed). Connecting goes through `waiting.wait_conn`, which uses the `DefaultSelector`
imported with psycopg (gevent's `GeventSelector` after patching); host names are resolved by
psycopg with `socket.getaddrinfo` (gevent's resolver after patching), not inside libpq.

So the rule is: import this module after `gevent.monkey.patch_all()` (app.py patches first and
`workshop.store.open_store` imports this module lazily). In case psycopg was imported earlier
by someone else, `cooperate_with_gevent()` runs on every `PostgresStore()` and repairs the
choice: when gevent has patched `select` it points `psycopg.waiting.wait` at `wait_poll` and
`wait_conn`'s selector at gevent's. The connection pool (psycopg_pool) hands each caller its
own connection (a connection serializes its queries, so greenlets must not share one); its
workers are `threading.Thread`s, which are greenlets once `threading` is patched.

Lost connections
----------------
`pg_terminate_backend` (and a server shutdown) signals a backend and returns at once; the
backend writes its farewell when it is next scheduled. A pooled connection can therefore pass
the checkout check and die under the very next statement ("terminating connection due to
administrator command"). What happens then depends on what the statement was:

- Reads, and writes that leave the database as one run would however often they run
  (`upsert_answer`, keyed by its unique `answer_id`; setting a status, a consent choice or a
  setting; erasing; unlinking), are run once more on a brand-new connection. It is opened
  outside the pool because the pool's other connections may have been cut by the same
  command and not know it yet; a connection opened afterwards cannot have been.
- `save_state` and `create_session` are not idempotent, and their outcome is unknown when the
  connection died mid-statement: the commit may have happened with only the reply lost. A
  blind re-run would turn a saved change into a `VersionConflict`, which the service answers
  by applying the command again (one "next" would move the room two steps). So they look at
  the row on a new connection first: their own write is there (done), nothing was written
  (write it, still conditional, so at most once), or another writer's is there (conflict);
  when the row cannot tell, a `StoreError` says the change may have been saved.

Anything else (a lock timeout, a full disk, a standby) is reported as before, never retried.
"""

from __future__ import annotations

import json
import logging
import secrets
import select
import selectors
import sys
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import psycopg
from psycopg import Connection
from psycopg import errors
from psycopg import waiting
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from workshop.pg_workshops import PG_WORKSHOPS_SCHEMA
from workshop.pg_workshops import PostgresWorkshops
from workshop.results import Answer
from workshop.session import SessionState
from workshop.store import SessionRecord
from workshop.store import SignIn
from workshop.store import StoreError
from workshop.store import VersionConflict
from workshop.store import answer_from_row
from workshop.store import record_from_row
from workshop.store import sign_in_from_row

log = logging.getLogger(__name__)

# Same shape as the SQLite schema; times are milliseconds since the epoch, hence BIGINT.
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS sessions (
        code TEXT PRIMARY KEY,
        version BIGINT NOT NULL,
        state_json TEXT NOT NULL,
        workshop_json TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        pair_key BYTEA NOT NULL,
        created_ms BIGINT NOT NULL,
        retention_days INTEGER NOT NULL DEFAULT 30,
        keep_aggregates BOOLEAN NOT NULL DEFAULT TRUE,
        answers_deleted_ms BIGINT,
        kept_figures TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS consents (
        session_code TEXT NOT NULL REFERENCES sessions(code) ON DELETE CASCADE,
        step_id TEXT NOT NULL,
        respondent TEXT NOT NULL,
        choice TEXT NOT NULL,
        PRIMARY KEY (session_code, step_id, respondent)
    )""",
    """CREATE TABLE IF NOT EXISTS answers (
        session_code TEXT NOT NULL REFERENCES sessions(code) ON DELETE CASCADE,
        prompt_id TEXT NOT NULL,
        respondent TEXT NOT NULL,
        answer_id TEXT NOT NULL,
        value_json TEXT NOT NULL,
        answered_ms BIGINT NOT NULL,
        status TEXT NOT NULL DEFAULT 'shown',
        PRIMARY KEY (session_code, prompt_id, respondent),
        UNIQUE (session_code, answer_id)
    )""",
    "CREATE INDEX IF NOT EXISTS answers_by_respondent ON answers (session_code, respondent)",
    """CREATE TABLE IF NOT EXISTS console_tokens (
        session_code TEXT NOT NULL REFERENCES sessions(code) ON DELETE CASCADE,
        token_hash TEXT NOT NULL,
        issued_ms BIGINT NOT NULL,
        PRIMARY KEY (session_code, token_hash)
    )""",
    """CREATE TABLE IF NOT EXISTS sign_ins (
        id_hash TEXT PRIMARY KEY,
        key_fingerprint TEXT NOT NULL,
        created_ms BIGINT NOT NULL,
        expires_ms BIGINT NOT NULL
    )""",
    *PG_WORKSHOPS_SCHEMA,
)

# Two processes starting together would race in CREATE TABLE IF NOT EXISTS (it is not atomic
# in PostgreSQL: the loser fails on pg_type's unique index), so schema creation holds this
# transaction-scoped advisory lock. The number is arbitrary: "Attune" in ASCII.
_SCHEMA_LOCK = 0x41747475_6E65

# No statement waits longer than this for a lock: a stuck lock becomes a StoreError ("try
# again") instead of a frozen room. VACUUM FULL below queues behind running transactions, and
# everything else queues behind it, so the wait must be bounded.
LOCK_TIMEOUT = "5s"
# Connections per process. Three times as many (24) let no more phones in on a busy machine
# (bench.cluster, docs/performance.md): the joins wait for the processor, not the pool.
POOL_SIZE = 8

# What a failing database raises: OperationalError covers a lost or refused connection, a full
# disk, a lock timeout and the pool's PoolTimeout; InternalError covers a read-only
# transaction (a standby) and other server-side states in which nothing was written.
_FAILURES = (psycopg.OperationalError, psycopg.InternalError)

# The server ended the session (57P01 terminated by an administrator, 57P02 crash shutdown,
# 57P03 not accepting connections now): the connection is gone, not the statement's fault.
_SESSION_ENDED = frozenset({"57P01", "57P02", "57P03"})

T = TypeVar("T")

# Columns of `sessions` that are written once, when the session is created.
_FIXED_COLUMNS = ("workshop_json", "token_hash", "created_ms", "retention_days", "keep_aggregates")
_READ_CHANGING = (
    "SELECT code, version, state_json, pair_key, answers_deleted_ms, kept_figures"
    " FROM sessions WHERE code = %s"
)

# A fresh respondent hash: 32 hex digits of a strong random value, like SQLite's
# lower(hex(randomblob(16))). gen_random_uuid() is core since PostgreSQL 13 and draws from
# pg_strong_random(); hashing it spreads the fixed UUID version digits.
_RANDOM_HASH = "left(encode(sha256(uuid_send(gen_random_uuid())), 'hex'), 32)"


def cooperate_with_gevent() -> bool:
    """Make psycopg's waits yield to other greenlets if gevent has patched `select`.

    psycopg chooses its wait function when it is first imported; if that happened before
    `gevent.monkey.patch_all()`, it chose the C `wait_c` (blocking the event loop) and the
    unpatched epoll selector for connecting. Both are module globals looked up on every
    wait, so replacing them here takes effect for every later query. Returns whether gevent
    is in charge. Idempotent; does nothing without gevent.
    """
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None or not monkey.is_module_patched("select"):
        return False
    if waiting.wait is not waiting.wait_poll:
        # wait_poll calls select.poll() on every wait, which is gevent's poll now. It is also
        # what psycopg itself picks when imported after patching.
        waiting.wait = waiting.wait_poll
    if waiting.DefaultSelector is not selectors.DefaultSelector:
        waiting.DefaultSelector = selectors.DefaultSelector
    try:
        # The pool sleeps between reconnection attempts; `time.sleep` bound before patching
        # would block the whole process while the database is down.
        import psycopg_pool.pool as pool_module

        if pool_module.sleep is not time.sleep:
            pool_module.sleep = time.sleep
    except (ImportError, AttributeError):  # pragma: no cover - a psycopg_pool without it
        pass
    return True


def _check(conn: psycopg.Connection) -> None:
    """Before lending a pooled connection: raise if the server has closed it (a restart).

    An idle autocommit connection has nothing to read unless the server has written to it,
    which for us means its farewell (a FATAL "terminating connection" and EOF). A zero-
    timeout select finds that without a round trip; only then is the connection probed for
    real, and raising makes the pool replace it. (Measured per `get_session` on loopback:
    ~140 us unchecked, ~170 us with this check, ~250-300 us with a round trip on every
    checkout, `ConnectionPool.check_connection`.) A connection whose farewell has not
    arrived yet, or that died silently (a network cut), fails under its statement instead:
    see "Lost connections" above for what happens then.
    """
    if conn.closed or conn.broken:
        raise psycopg.OperationalError("the pooled connection is closed")
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    if readable:
        ConnectionPool.check_connection(conn)


def _configure(conn: psycopg.Connection) -> None:
    """Set up a new pooled connection (the pool calls this once per connection)."""
    conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")


def _connection_lost(conn: psycopg.Connection, error: psycopg.Error) -> bool:
    """Whether `error` means the connection died, rather than the statement failing on it.

    A FATAL from the server, an EOF or a reset leave the connection closed; the SQLSTATEs
    cover an error read before libpq has noticed the end of the stream.
    """
    sqlstate = error.sqlstate or ""
    return conn.closed or sqlstate in _SESSION_ENDED or sqlstate.startswith("08")


class _ConnectionLost(Exception):
    """The pooled connection died under a statement (internal: never leaves this module)."""

    def __init__(self, error: psycopg.Error):
        super().__init__(str(error))
        self.error = error


class PostgresStore(PostgresWorkshops):
    """The PostgreSQL store: a pool of autocommit connections, one transaction per change.

    Connections are in autocommit mode; a change that takes several statements runs them in
    an explicit transaction (`conn.transaction()`), and a single statement is a transaction
    of its own. Reads run under READ COMMITTED, so each sees what other processes committed.

    :param dsn: a libpq connection string or `postgresql://` URL.
    :param max_size: most connections this process opens at once; callers beyond that wait
        up to `timeout` seconds for a free one.
    :raise StoreError: the database cannot be reached or the schema cannot be created.
    """

    def __init__(
        self, dsn: str, *, min_size: int = 1, max_size: int = POOL_SIZE, timeout: float = 5.0
    ):
        cooperate_with_gevent()
        self.dsn = dsn
        # code -> the columns of its session that never change (`get_session`).
        self._fixed: dict[str, dict] = {}
        self._timeout = timeout
        try:
            # A direct connection first: its error says why (bad password, no database),
            # where the pool would only time out.
            with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                    for statement in SCHEMA:
                        conn.execute(statement)
        except psycopg.Error as error:
            raise StoreError(f"the database could not be opened: {error}") from None
        self._pool = ConnectionPool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            kwargs={"autocommit": True, "row_factory": dict_row},
            configure=_configure,
            # A pooled connection is dead after a database restart; it is replaced on
            # checkout instead of failing its caller.
            check=_check,
            name="attune-store",
            open=False,
        )
        try:
            self._pool.open(wait=True, timeout=max(timeout, 10.0))
        except _FAILURES as error:
            self._pool.close()
            raise StoreError(f"the database could not be opened: {error}") from None

    def _pooled(self, work: Callable[[Connection], T], doing: str) -> T:
        """Run `work` on a pooled connection; database failures become `StoreError`.

        :raise _ConnectionLost: the connection died under `work` (the pool then drops it);
            the caller decides whether running `work` again is safe.
        """
        try:
            with self._pool.connection() as conn:
                try:
                    return work(conn)
                except _FAILURES as error:
                    if _connection_lost(conn, error):
                        raise _ConnectionLost(error) from None
                    raise
        except _FAILURES as error:
            raise StoreError(f"the database could not be {doing}: {error}") from None

    @contextmanager
    def _fresh_connection(self, doing: str) -> Iterator[Connection]:
        """A new connection outside the pool, set up like a pooled one, closed afterwards.

        Opened after a connection was lost: the pool's other connections may have been cut
        by the same restart or `pg_terminate_backend` without knowing it yet (the server
        signals the backends and returns before they have said goodbye); a connection
        opened now cannot have been.
        """
        try:
            with psycopg.connect(
                self.dsn,
                autocommit=True,
                row_factory=dict_row,
                connect_timeout=max(2, round(self._timeout)),
            ) as conn:
                _configure(conn)
                yield conn
        except _FAILURES as error:
            raise StoreError(f"the database could not be {doing}: {error}") from None

    def _run(self, work: Callable[[Connection], T], doing: str = "written") -> T:
        """Run `work`, once more on a new connection if the pooled one died under it.

        Only for work that leaves the database as one run would however often it runs: a
        read, or an idempotent write. Whether the first run committed does not matter then.
        """
        try:
            return self._pooled(work, doing)
        except _ConnectionLost as lost:
            log.info("a database connection was lost (%s); trying once more", lost)
        with self._fresh_connection(doing) as conn:
            return work(conn)

    def create_session(self, record: SessionRecord) -> None:
        """Store a new session. :raise KeyError: the code is taken."""

        def insert(conn: Connection) -> None:
            try:
                conn.execute(
                    "INSERT INTO sessions (code, version, state_json, workshop_json,"
                    " token_hash, pair_key, created_ms, retention_days, keep_aggregates)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        record.state.code,
                        record.state.version,
                        json.dumps(record.state.to_record()),
                        record.workshop_json,
                        record.token_hash,
                        record.pair_key,
                        record.created_ms,
                        record.retention_days,
                        record.keep_aggregates,
                    ),
                )
            except errors.UniqueViolation:
                raise KeyError(record.state.code) from None

        try:
            self._pooled(insert, "written")
            return
        except _ConnectionLost as lost:
            log.info("a database connection was lost creating a session (%s)", lost)
        # Not a blind retry: inserting again after a commit whose reply was lost would call
        # our own session "taken". The token hash (of 192 random bits) tells whose row it is.
        with self._fresh_connection("written") as conn:
            row = conn.execute(
                "SELECT token_hash FROM sessions WHERE code = %s", (record.state.code,)
            ).fetchone()
            if row is None:
                insert(conn)
            elif row["token_hash"] != record.token_hash:
                raise KeyError(record.state.code)

    def get_session(self, code: str) -> SessionRecord | None:
        """The session with this code, or None.

        What never changes in a session (its workshop, the hash of its first token, when it
        was made and how long it keeps answers) is read once per process and kept; every
        later read fetches only the columns that change, so every process sees the others'
        changes at its next read. (The pairing key is not kept: it is replaced when the
        session ends, and must then be gone from every process.)
        """
        fixed = self._fixed.get(code)
        if fixed is None:
            row = self._run(
                lambda conn: conn.execute(
                    "SELECT * FROM sessions WHERE code = %s", (code,)
                ).fetchone(),
                "read",
            )
            if row is None:
                return None
            self._fixed[code] = {column: row[column] for column in _FIXED_COLUMNS}
            return record_from_row(row)
        row = self._run(
            lambda conn: conn.execute(_READ_CHANGING, (code,)).fetchone(),
            "read",
        )
        return record_from_row({**row, **fixed}) if row else None

    def save_state(self, state: SessionState, expected_version: int) -> None:
        """Replace a session's state if its stored version is `expected_version`.

        Under READ COMMITTED a concurrent UPDATE of the same row waits for the first to
        commit and then re-checks `version = expected`, so of two processes saving from the
        same version exactly one matches a row.

        :raise VersionConflict: the stored version differs.
        :raise StoreError: the change was not saved, or (the connection lost at the moment
            of the commit, and another process has saved since) nobody can tell whether it
            was: the message says so.
        """
        state_json = json.dumps(state.to_record())

        def update(conn: Connection) -> bool:
            cursor = conn.execute(
                "UPDATE sessions SET version = %s, state_json = %s"
                " WHERE code = %s AND version = %s",
                (state.version, state_json, state.code, expected_version),
            )
            return cursor.rowcount == 1

        try:
            saved = self._pooled(update, "written")
        except _ConnectionLost as lost:
            log.info("a database connection was lost saving %s (%s)", state.code, lost)
            saved = self._settle_state(state, state_json, expected_version, update)
        if not saved:
            raise VersionConflict(state.code)

    def _settle_state(
        self,
        state: SessionState,
        state_json: str,
        expected_version: int,
        update: Callable[[Connection], bool],
    ) -> bool:
        """After a lost connection: find out whether `save_state` wrote, and finish it once.

        Versions grow by one per save and only from the version before, so the row tells:
        still `expected_version` (nothing was written: write now, still conditionally),
        `state.version` with our state (our commit's reply was lost: done), `state.version`
        with another state (another writer won: a conflict). A row further on may or may
        not sit on top of our write; neither a conflict (the service would apply the command
        a second time) nor success can be claimed then.
        """
        with self._fresh_connection("written") as conn:
            row = conn.execute(
                "SELECT version, state_json FROM sessions WHERE code = %s", (state.code,)
            ).fetchone()
            if row is None or row["version"] < expected_version:
                return False
            if row["version"] == expected_version:
                return update(conn)
            if row["version"] == state.version:
                return row["state_json"] == state_json
        raise StoreError(
            "the connection to the database was lost while saving; the change may have been"
            " saved: look at the session before repeating it"
        )

    def list_sessions(self) -> list[SessionRecord]:
        """All sessions, newest first."""
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT * FROM sessions ORDER BY created_ms DESC, code"
            ).fetchall(),
            "read",
        )
        return [record_from_row(row) for row in rows]

    def upsert_answer(self, code: str, answer: Answer) -> Answer:
        """Store an answer, replacing the respondent's earlier one; a retry changes nothing.

        Returns the stored answer: `answer` itself when it was stored, or the answer already
        stored under its `answer_id` (a retry; possibly another respondent's, which the
        caller checks). Safe when two processes run it at once with the same answer:

        1. `INSERT ... ON CONFLICT DO NOTHING` with every unique key as arbiter never raises
           a unique violation; of two concurrent inserts one waits for the other and skips.
        2. Nothing inserted: the respondent has an earlier answer to this prompt (replace it,
           unless this answer id is stored already), or the id is stored (a retry). A
           concurrent replacement waits for the row lock and re-checks
           `answer_id <> new id`, so it becomes a no-op instead of a second write.
        3. Nothing updated: a retry; read back what is stored under the id.

        Because a stored `answer_id` makes it a no-op, it is also run again when its
        connection is lost, whether or not the first run committed.
        """
        value_json = json.dumps(answer.value, ensure_ascii=False)

        def attempt(conn: Connection) -> Answer | None:
            try:
                with conn.transaction():
                    inserted = conn.execute(
                        "INSERT INTO answers (session_code, prompt_id, respondent,"
                        " answer_id, value_json, answered_ms, status)"
                        " VALUES (%s, %s, %s, %s, %s, %s, %s)"
                        " ON CONFLICT DO NOTHING RETURNING answer_id",
                        (
                            code,
                            answer.prompt_id,
                            answer.respondent,
                            answer.answer_id,
                            value_json,
                            answer.answered_ms,
                            answer.status,
                        ),
                    ).fetchone()
                    if inserted:
                        return answer
                    replaced = conn.execute(
                        "UPDATE answers SET answer_id = %s, value_json = %s,"
                        " answered_ms = %s, status = %s"
                        " WHERE session_code = %s AND prompt_id = %s AND respondent = %s"
                        " AND answer_id <> %s AND NOT EXISTS (SELECT 1 FROM answers"
                        " WHERE session_code = %s AND answer_id = %s)"
                        " RETURNING answer_id",
                        (
                            answer.answer_id,
                            value_json,
                            answer.answered_ms,
                            answer.status,
                            code,
                            answer.prompt_id,
                            answer.respondent,
                            answer.answer_id,
                            code,
                            answer.answer_id,
                        ),
                    ).fetchone()
                    if replaced:
                        return answer
                    row = conn.execute(
                        "SELECT * FROM answers WHERE session_code = %s AND answer_id = %s",
                        (code, answer.answer_id),
                    ).fetchone()
                    # None: the respondent's row vanished between the statements (erased,
                    # or a foreign-key failure came back as nothing): try again.
                    return answer_from_row(row) if row is not None else None
            except errors.UniqueViolation:
                # Another phone's answer took this id between our check and our update;
                # the next round finds it and returns it.
                return None
            except errors.ForeignKeyViolation:
                raise StoreError(f"no session {code} to store an answer in") from None

        for _ in range(3):
            stored = self._run(attempt)
            if stored is not None:
                return stored
        raise StoreError(f"the answer {answer.answer_id} could not be stored; try again")

    def answers(self, code: str, prompt_id: str | None = None) -> list[Answer]:
        """Answers of a session, for one prompt or all, oldest first."""
        if prompt_id is None:
            query = "SELECT * FROM answers WHERE session_code = %s ORDER BY answered_ms, answer_id"
            params: tuple = (code,)
        else:
            query = (
                "SELECT * FROM answers WHERE session_code = %s AND prompt_id = %s"
                " ORDER BY answered_ms, answer_id"
            )
            params = (code, prompt_id)
        rows = self._run(lambda conn: conn.execute(query, params).fetchall(), "read")
        return [answer_from_row(row) for row in rows]

    def set_answer_status(self, code: str, answer_id: str, status: str) -> Answer | None:
        """Show, hide or hold back one answer; None when no answer has this id."""
        # Idempotent (it sets, never toggles): run again if the connection is lost.
        row = self._run(
            lambda conn: conn.execute(
                "UPDATE answers SET status = %s WHERE session_code = %s AND answer_id = %s"
                " RETURNING *",
                (status, code, answer_id),
            ).fetchone()
        )
        return answer_from_row(row) if row else None

    def answers_of(self, code: str, respondent: str) -> list[Answer]:
        """One respondent's answers in a session."""
        return self.answers_of_many(code, [respondent])[respondent]

    def answers_of_many(self, code: str, respondents: list[str]) -> dict[str, list[Answer]]:
        """The answers of each of these respondents in a session (a respondent with none: [])."""
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT * FROM answers WHERE session_code = %s AND respondent = ANY(%s)"
                " ORDER BY answered_ms, answer_id",
                (code, list(respondents)),
            ).fetchall(),
            "read",
        )
        found: dict[str, list[Answer]] = {respondent: [] for respondent in respondents}
        for row in rows:
            found[row["respondent"]].append(answer_from_row(row))
        return found

    def upsert_consent(self, code: str, step_id: str, respondent: str, choice: str) -> None:
        """Keep a phone's consent choice for a step, replacing its earlier one."""
        # Idempotent (it sets the choice): run again if the connection is lost.
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO consents (session_code, step_id, respondent, choice)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (session_code, step_id, respondent)"
                " DO UPDATE SET choice = EXCLUDED.choice",
                (code, step_id, respondent, choice),
            )
        )

    def consent_counts(self, code: str, step_id: str) -> dict[str, int]:
        """`{join, alternative, skip}` for a step."""
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT choice, COUNT(*) AS n FROM consents"
                " WHERE session_code = %s AND step_id = %s GROUP BY choice",
                (code, step_id),
            ).fetchall(),
            "read",
        )
        counts = {"join": 0, "alternative": 0, "skip": 0}
        counts.update({row["choice"]: int(row["n"]) for row in rows})
        return counts

    def consents_of(self, code: str, respondent: str) -> dict[str, str]:
        """One phone's consent choices, by step id."""
        return self.consents_of_many(code, [respondent])[respondent]

    def consents_of_many(self, code: str, respondents: list[str]) -> dict[str, dict[str, str]]:
        """The consent choices of each of these phones, by step id (a phone with none: {})."""
        rows = self._run(
            lambda conn: conn.execute(
                "SELECT respondent, step_id, choice FROM consents"
                " WHERE session_code = %s AND respondent = ANY(%s)",
                (code, list(respondents)),
            ).fetchall(),
            "read",
        )
        found: dict[str, dict[str, str]] = {respondent: {} for respondent in respondents}
        for row in rows:
            found[row["respondent"]][row["step_id"]] = row["choice"]
        return found

    def _compact(self, conn: psycopg.Connection) -> None:
        """Rewrite the tables so deleted or replaced rows leave no bytes behind.

        A plain VACUUM only marks dead rows' space free: their bytes stay in the table's
        pages (measured: half of the deleted texts were still in the file after DELETE,
        VACUUM and CHECKPOINT). VACUUM FULL writes live rows into new files and truncates
        the old ones at commit. It locks the table for the rewrite (milliseconds for a
        kiosk's answers), bounded by `lock_timeout`; it cannot run inside a transaction,
        hence after the commit on the autocommit connection. Copies in the write-ahead log
        and in backups are outside its reach.
        """
        conn.execute("VACUUM FULL answers")
        conn.execute("VACUUM FULL consents")
        # The sessions table too: an ended session's old row version holds its pairing key.
        # It has one small row per session, so the rewrite is quick.
        conn.execute("VACUUM FULL sessions")

    def erase_answers(self, code: str, kept_figures: str | None, now_ms: int) -> None:
        """Delete every answer and consent choice of a session for good.

        One transaction deletes the rows and marks the session; the tables are then
        rewritten (`_compact`) so no answer text lingers in the database files. Both parts
        are idempotent, so each is run again if its connection is lost.

        :raise StoreError: the rows could not be deleted, or (after deleting them) the
            tables could not be compacted.
        """

        def erase(conn: Connection) -> None:
            with conn.transaction():
                conn.execute("DELETE FROM answers WHERE session_code = %s", (code,))
                conn.execute("DELETE FROM consents WHERE session_code = %s", (code,))
                conn.execute(
                    "UPDATE sessions SET answers_deleted_ms = %s, kept_figures = %s"
                    " WHERE code = %s",
                    (now_ms, kept_figures, code),
                )

        self._run(erase)
        self._run(self._compact, "compacted")

    def unlink_respondents(self, code: str, kept_figures: str | None) -> None:
        """Drop the session's pairing key, make respondent hashes unique, keep the figures.

        After this, nobody can tell which answers came from the same phone, nor map a phone
        to its answers: the before/after pairing cannot be recomputed. The old row versions
        (which still carry the shared hashes) are then compacted away; if that fails the
        unlinking still stands and the next erase compacts them. Running it twice leaves
        what running it once does (fresh random hashes, a fresh key, the same figures), so
        it is run again if its connection is lost.
        """

        def unlink(conn: Connection) -> None:
            with conn.transaction():
                conn.execute(
                    f"UPDATE answers SET respondent = {_RANDOM_HASH} WHERE session_code = %s",
                    (code,),
                )
                conn.execute(
                    f"UPDATE consents SET respondent = {_RANDOM_HASH} WHERE session_code = %s",
                    (code,),
                )
                conn.execute(
                    "UPDATE sessions SET pair_key = %s, kept_figures = %s WHERE code = %s",
                    (secrets.token_bytes(32), kept_figures, code),
                )

        self._run(unlink)
        try:
            self._run(self._compact, "compacted")
        except StoreError:
            log.warning("could not compact the answers after unlinking %s", code, exc_info=True)

    def get_meta(self, key: str) -> str | None:
        """A kiosk-wide setting kept in the store."""
        row = self._run(
            lambda conn: conn.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone(),
            "read",
        )
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Keep a kiosk-wide setting."""
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO meta (key, value) VALUES (%s, %s)"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, value),
            )
        )

    def set_meta_if_absent(self, key: str, value: str) -> str:
        """Keep a setting unless one is there already; returns the value that is kept.

        Two statements, not one: a SELECT in the same statement as the INSERT would use the
        INSERT's snapshot and miss the row a concurrent process has just committed (the very
        row that made ON CONFLICT skip). Under READ COMMITTED the second statement sees it.
        """

        def keep(conn: Connection) -> str:
            with conn.transaction():
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                    (key, value),
                )
                return conn.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()[
                    "value"
                ]

        return self._run(keep)

    def delete_meta(self, key: str) -> None:
        """Forget a setting (nothing happens if there is none)."""
        self._run(lambda conn: conn.execute("DELETE FROM meta WHERE key = %s", (key,)))

    def add_console_token(self, code: str, token_hash: str, issued_ms: int, keep: int) -> None:
        """Let one more console token drive a session; only the newest `keep` stay valid.

        Adding the same hash again changes nothing, so it is run again if its connection is lost.
        """

        def add(conn: Connection) -> None:
            with conn.transaction():
                conn.execute(
                    "INSERT INTO console_tokens (session_code, token_hash, issued_ms)"
                    " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    (code, token_hash, issued_ms),
                )
                conn.execute(
                    "DELETE FROM console_tokens WHERE session_code = %s AND token_hash NOT IN"
                    " (SELECT token_hash FROM console_tokens WHERE session_code = %s"
                    "  ORDER BY issued_ms DESC LIMIT %s)",
                    (code, code, keep),
                )

        self._run(add)

    def has_console_token(self, code: str, token_hash: str) -> bool:
        """Whether a token hash was added to this session with `add_console_token`."""
        row = self._run(
            lambda conn: conn.execute(
                "SELECT 1 FROM console_tokens WHERE session_code = %s AND token_hash = %s",
                (code, token_hash),
            ).fetchone(),
            "read",
        )
        return row is not None

    def add_sign_in(self, sign_in: SignIn) -> None:
        """Keep a browser's sign-in (again if its connection is lost: the id is its own key)."""
        self._run(
            lambda conn: conn.execute(
                "INSERT INTO sign_ins (id_hash, key_fingerprint, created_ms, expires_ms)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (id_hash) DO NOTHING",
                (sign_in.id_hash, sign_in.key_fingerprint, sign_in.created_ms, sign_in.expires_ms),
            )
        )

    def get_sign_in(self, id_hash: str) -> SignIn | None:
        """The sign-in with this id hash, or None."""
        row = self._run(
            lambda conn: conn.execute(
                "SELECT * FROM sign_ins WHERE id_hash = %s", (id_hash,)
            ).fetchone(),
            "read",
        )
        return sign_in_from_row(row) if row else None

    def delete_sign_in(self, id_hash: str) -> None:
        """End one sign-in (nothing happens if there is none)."""
        self._run(lambda conn: conn.execute("DELETE FROM sign_ins WHERE id_hash = %s", (id_hash,)))

    def prune_sign_ins(self, key_fingerprint: str | None, now_ms: int) -> int:
        """Delete every sign-in expired by `now_ms` or made under another admin key.

        Run again if its connection is lost; the count is then that of the second run.
        """
        return self._run(
            lambda conn: (
                conn.execute(
                    "DELETE FROM sign_ins WHERE expires_ms <= %s OR %s::text IS NULL"
                    " OR key_fingerprint <> %s",
                    (now_ms, key_fingerprint, key_fingerprint),
                ).rowcount
            )
        )

    def compact(self) -> None:
        """Rewrite every table so nothing deleted or replaced is left in their files.

        The answers, consents and sessions as in `_compact`, and `meta`, where earlier
        versions kept secrets in clear. Copies in the write-ahead log are outside its reach.
        """

        def rewrite(conn: Connection) -> None:
            self._compact(conn)
            conn.execute("VACUUM FULL meta")

        self._run(rewrite, "compacted")

    def close(self) -> None:
        """Close the pool's connections; everything is committed already."""
        self._pool.close()
