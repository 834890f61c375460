"""One read of a session: its record as stored and its workshop, parsed once per process.

Every event the kiosk handles reads the session's record once, into a `Snapshot`, and works
from it to the end: rules, saves and views. What never changes in a session (the workshop it
runs, as it was when the session was created) is parsed once per process and kept; what does
change (the state, the pairing key, the erasure) is never kept between events, so several
processes sharing one database each see the others' changes at their next event.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from dataclasses import replace

from workshop.errors import AttuneError
from workshop.keys import join_pass_of
from workshop.keys import respondent_of
from workshop.script import Workshop
from workshop.session import SessionState
from workshop.store import SessionRecord
from workshop.store import Store


class UnknownSession(AttuneError, LookupError):
    """No session has this join code."""


def normalize_code(code: str) -> str:
    """Join codes are typed on phones: accept any case and stray spaces or dashes."""
    return code.replace(" ", "").replace("-", "").upper()


@dataclass(frozen=True)
class Snapshot:
    """A session as one read found it: the stored record and the workshop it runs."""

    record: SessionRecord
    workshop: Workshop

    @property
    def state(self) -> SessionState:
        """The session's state at the read."""
        return self.record.state

    @property
    def code(self) -> str:
        """The canonical join code."""
        return self.record.state.code

    @property
    def answers_deleted(self) -> bool:
        """Whether the session's answers have been erased."""
        return self.record.answers_deleted_ms is not None

    def respondent(self, phone_id: str) -> str:
        """The keyed hash that stands for this phone in the session (`keys.respondent_of`)."""
        return respondent_of(self.record.pair_key, phone_id)

    def join_pass(self) -> str:
        """The session's join pass (`keys.join_pass_of`)."""
        return join_pass_of(self.record.pair_key)

    def with_state(self, state: SessionState) -> Snapshot:
        """This snapshot after `state` was saved."""
        return replace(self, record=replace(self.record, state=state))

    def with_record(self, **fields) -> Snapshot:
        """This snapshot after the store changed these fields of its record."""
        return replace(self, record=replace(self.record, **fields))


class _SharedRead:
    """One read of a session that several callers wait for."""

    def __init__(self):
        self.done = threading.Event()
        self.record: SessionRecord | None = None
        self.error: BaseException | None = None


class SessionLoader:
    """Reads sessions from the store, one read each, and keeps their workshops parsed."""

    def __init__(self, store: Store):
        self.store = store
        self._workshops: dict[str, Workshop] = {}
        self._lock = threading.Lock()
        self._reads: dict[str, _SharedRead] = {}

    def find(self, code: str) -> Snapshot | None:
        """The session with this code (any case, spaces or dashes), or None."""
        record = self.store.get_session(normalize_code(code))
        return None if record is None else self.snapshot_of(record)

    def find_shared(self, code: str) -> Snapshot | None:
        """`find`, sharing one read among the callers that ask for the same session meanwhile.

        For what only looks (a phone admitted by its join code, a page): when a hall joins at
        once, thousands of phones ask for one session in the same second, and each read would
        hold one of the few database connections while its greenlet waits its turn on a busy
        process (bench.cluster: 10,000 phones on two processes lost 7,479 joins waiting for a
        connection). A caller that arrives while a read is under way takes that read's result,
        as if it had come a moment earlier. Never for a change: that reads for itself, so its
        version check sees every save before it.
        """
        key = normalize_code(code)
        with self._lock:
            shared = self._reads.get(key)
            leading = shared is None
            if leading:
                shared = self._reads[key] = _SharedRead()
        if not leading:
            shared.done.wait()
            if shared.error is not None:
                raise shared.error
        else:
            try:
                shared.record = self.store.get_session(key)
            except BaseException as error:
                shared.error = error
                raise
            finally:
                with self._lock:
                    del self._reads[key]
                shared.done.set()
        return None if shared.record is None else self.snapshot_of(shared.record)

    def load(self, code: str) -> Snapshot:
        """The session with this code. :raise UnknownSession: no session has it."""
        snapshot = self.find(code)
        if snapshot is None:
            raise UnknownSession(code)
        return snapshot

    def snapshot_of(self, record: SessionRecord) -> Snapshot:
        """A snapshot of a record read with others (`Store.list_sessions`)."""
        return Snapshot(record=record, workshop=self._workshop(record))

    def _workshop(self, record: SessionRecord) -> Workshop:
        # A session keeps its own copy of its workshop, so editing a file never shifts a live
        # room; the copy never changes, so it is parsed once per process.
        code = record.state.code
        workshop = self._workshops.get(code)
        if workshop is None:
            workshop = Workshop.model_validate_json(record.workshop_json)
            with self._lock:
                self._workshops[code] = workshop
        return workshop
