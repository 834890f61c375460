"""PostgreSQL connections lost at the worst moment: reads are retried, writes never twice.

The moments are forced, not waited for: a read is held on a lock while the server terminates
its backend, and a TCP proxy (`cutting_proxy`) cuts a connection just before or just after
the server runs a write. See "Lost connections" in workshop/pg_store.py for the rules.
"""

from __future__ import annotations

import dataclasses
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.store.cutting_proxy import CuttingProxy
from tests.store.test_contract import NOW
from tests.store.test_contract import moved
from tests.store.test_contract import record
from workshop.catalog import WorkshopCatalog
from workshop.catalog import version_of
from workshop.messages import COMMAND_ADAPTER
from workshop.results import Answer
from workshop.service import Kiosk
from workshop.store import StoreError
from workshop.store import open_store

SAVE = b"UPDATE sessions SET version"
INSERT_SESSION = b"INSERT INTO sessions"
INSERT_ANSWER = b"INSERT INTO answers"
SAVE_WORKSHOP = b"UPDATE workshops"


@pytest.fixture
def proxy(pg_backend, postgres_cluster):
    """A cutting proxy in front of the test server."""
    made = CuttingProxy(("127.0.0.1", postgres_cluster.port))
    yield made
    made.close()


@pytest.fixture
def cut_store(pg_backend, proxy):
    """A PostgreSQL store whose every connection goes through the proxy."""
    opened = open_store(proxy.url(pg_backend.url))
    yield opened
    opened.close()


def _waiting_backend(admin, timeout_s: float = 10.0) -> int:
    """The pid of the backend of this database that waits for a lock."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        ).fetchone()
        if row:
            return row[0]
        time.sleep(0.01)
    raise AssertionError("the read never reached the server")


def test_a_read_whose_backend_is_terminated_mid_query_is_retried(pg_backend, tiny):
    """`terminating connection due to administrator command` under a read is not reported.

    The read waits on a lock, so it is certainly in flight when its backend is terminated;
    it is answered on a new connection once the lock is released.
    """
    store = pg_backend.open()
    try:
        store.create_session(record(tiny))
        with pg_backend.admin() as admin, ThreadPoolExecutor(1) as pool:
            with admin.transaction():
                admin.execute("LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE")
                read = pool.submit(store.get_session, "ABC234")
                victim = _waiting_backend(admin)
                # The second argument waits (ms) until the backend has gone.
                terminated = admin.execute("SELECT pg_terminate_backend(%s, 5000)", (victim,))
                assert terminated.fetchone()[0] is True
            got = read.result(timeout=30)
            assert got.state.code == "ABC234"
            still_there = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (victim,)
            ).fetchone()[0]
            assert still_there == 0
    finally:
        store.close()


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_save_cut_at_either_moment_is_applied_exactly_once(cut_store, proxy, tiny, moment):
    """The connection is lost before the server got the save, or after it committed it."""
    cut_store.create_session(record(tiny))
    state = cut_store.get_session("ABC234").state
    proxy.arm(SAVE, moment)
    cut_store.save_state(moved(state, step_index=1), expected_version=state.version)
    assert proxy.cut.is_set()
    stored = cut_store.get_session("ABC234").state
    assert (stored.version, stored.step_index) == (state.version + 1, 1)


def test_next_whose_reply_is_lost_moves_the_room_one_step_not_two(cut_store, proxy, tiny, clock):
    """The case a blind retry gets wrong: the save committed, only its reply was lost.

    Run again, the conditional UPDATE finds the version moved on; the service takes that for
    another writer and applies "next" a second time.
    """
    kiosk = Kiosk(cut_store, {"tiny": tiny}, clock=clock)
    code = kiosk.create_session("tiny").code
    before = kiosk.state(code)
    proxy.arm(SAVE, "after")
    after = kiosk.command(code, COMMAND_ADAPTER.validate_python({"action": "next"})).state
    assert proxy.cut.is_set()
    assert after.step_index == before.step_index + 1
    stored = kiosk.state(code)
    assert (stored.version, stored.step_index) == (before.version + 1, before.step_index + 1)


def test_a_save_cut_after_another_writer_moved_on_says_it_may_have_been_saved(
    pg_backend, proxy, cut_store, tiny
):
    """The one case the row cannot settle: a store error that says so, nothing applied twice.

    Our save commits and its reply is lost; before our store can look (its new connection is
    held at the proxy), another process saves on top of it.
    """
    cut_store.create_session(record(tiny))
    state = cut_store.get_session("ABC234").state
    ours = moved(state, step_index=1)
    theirs = moved(ours, step_index=2)
    other = pg_backend.open()
    try:
        with ThreadPoolExecutor(1) as pool:
            proxy.admitting.clear()
            proxy.arm(SAVE, "after")
            saving = pool.submit(cut_store.save_state, ours, state.version)
            assert proxy.cut.wait(timeout=10)
            other.save_state(theirs, expected_version=ours.version)
            proxy.admitting.set()
            with pytest.raises(StoreError, match="may have been saved"):
                saving.result(timeout=30)
        stored = other.get_session("ABC234").state
        assert (stored.version, stored.step_index) == (theirs.version, 2)
    finally:
        proxy.admitting.set()
        other.close()


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_new_session_cut_at_either_moment_is_created_once(cut_store, proxy, tiny, moment):
    """A lost reply to the INSERT must not make the kiosk call its own code taken."""
    proxy.arm(INSERT_SESSION, moment)
    cut_store.create_session(record(tiny))
    assert proxy.cut.is_set()
    assert [r.state.code for r in cut_store.list_sessions()] == ["ABC234"]
    with pytest.raises(KeyError):
        cut_store.create_session(dataclasses.replace(record(tiny), token_hash="another"))


@pytest.mark.parametrize("moment", ["before", "after"])
def test_an_answer_cut_at_either_moment_is_stored_once(cut_store, proxy, tiny, moment):
    """Answers are keyed by their id, so running the upsert again is safe."""
    cut_store.create_session(record(tiny))
    answer = Answer("id-1-xxxx", "mood-before", "r1", 4, NOW)
    proxy.arm(INSERT_ANSWER, moment)
    assert cut_store.upsert_answer("ABC234", answer) == answer
    assert proxy.cut.is_set()
    assert cut_store.answers("ABC234") == [answer]


@pytest.mark.parametrize("moment", ["before", "after"])
def test_a_workshop_saved_on_its_version_and_cut_at_either_moment_is_saved(
    cut_store, proxy, tiny, clock, moment
):
    """Run again after a lost reply, the conditional save finds its own version stored: saved."""
    mine = tiny.model_copy(update={"id": "mine"})
    catalog = WorkshopCatalog({}, cut_store, clock=clock)
    opened = catalog.add(mine)
    clock.advance(1_000)
    proxy.arm(SAVE_WORKSHOP, moment)
    saved = catalog.replace(
        mine.model_copy(update={"title": "Renamed"}), based_on=version_of(opened)
    )
    assert proxy.cut.is_set()
    assert catalog["mine"].title == "Renamed"
    assert saved.updated_ms == opened.updated_ms + 1_000
    assert version_of(cut_store.get_workshop("mine")) == version_of(saved)
