"""The store contract: what the kiosk relies on, held by SQLite and PostgreSQL alike.

Every test taking `store` or `backend` runs once per implementation. The ones taking
`pg_backend` need several processes on one database, which only PostgreSQL allows.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import socket
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import pytest

from tests.concurrency import run_together
from workshop.results import HIDDEN
from workshop.results import PENDING
from workshop.results import SHOWN
from workshop.results import Answer
from workshop.session import new_session
from workshop.sqlite_store import SqliteStore
from workshop.store import SessionRecord
from workshop.store import SignIn
from workshop.store import StoreError
from workshop.store import VersionConflict
from workshop.store import open_store

NOW = 1_800_000_000_000
ROOT = Path(__file__).resolve().parents[2]


def record(tiny, code="ABC234", created_ms=NOW, **fields):
    return SessionRecord(
        state=new_session(code, tiny, created_ms),
        workshop_json=tiny.model_dump_json(),
        token_hash="h",
        created_ms=created_ms,
        **{"pair_key": b"k" * 32, **fields},
    )


def moved(state, **changes):
    """The state one version on, with `changes`."""
    return dataclasses.replace(state, version=state.version + 1, **changes)


# -- sessions ---------------------------------------------------------------------------------


def test_session_round_trip_and_duplicate_code(store, tiny):
    made = record(tiny, retention_days=7, keep_aggregates=False, pair_key=bytes(range(32)))
    store.create_session(made)
    got = store.get_session("ABC234")
    assert got == made
    assert got.state.version == 1 and got.pair_key == bytes(range(32))
    assert got.answers_deleted_ms is None and got.kept_figures is None
    with pytest.raises(KeyError):
        store.create_session(record(tiny))
    assert store.get_session("NOPE22") is None


def test_sessions_are_listed_newest_first(store, tiny):
    store.create_session(record(tiny, "OLD222", created_ms=NOW))
    store.create_session(record(tiny, "NEW222", created_ms=NOW + 5))
    store.create_session(record(tiny, "MID222", created_ms=NOW + 2))
    assert [r.state.code for r in store.list_sessions()] == ["NEW222", "MID222", "OLD222"]


def test_save_state_checks_the_version(store, tiny):
    store.create_session(record(tiny))
    state = store.get_session("ABC234").state
    step = moved(state, step_index=1)
    store.save_state(step, expected_version=1)
    with pytest.raises(VersionConflict):
        store.save_state(step, expected_version=1)
    with pytest.raises(VersionConflict):
        store.save_state(moved(step, step_index=3), expected_version=7)
    stored = store.get_session("ABC234").state
    assert (stored.version, stored.step_index) == (2, 1)
    store.save_state(moved(stored, step_index=2), expected_version=2)
    assert store.get_session("ABC234").state.version == 3


def test_a_second_process_sees_saved_state_at_once(pg_backend, tiny):
    """No stale copy in memory: another process's change shows at once."""
    store, other = pg_backend.open(), pg_backend.open()
    try:
        store.create_session(record(tiny))
        state = other.get_session("ABC234").state
        other.save_state(moved(state, step_index=2), expected_version=1)
        assert store.get_session("ABC234").state.step_index == 2
        with pytest.raises(VersionConflict):
            store.save_state(moved(state, step_index=1), expected_version=1)
    finally:
        store.close()
        other.close()


# -- answers ----------------------------------------------------------------------------------


def test_answers_are_one_per_respondent_and_a_retry_is_stored_once(store, tiny):
    store.create_session(record(tiny))
    first = Answer("id-1-xxxx", "mood-before", "r1", 2, NOW)
    assert store.upsert_answer("ABC234", first) == first
    assert store.upsert_answer("ABC234", first) == first  # retry after a lost ack
    later = Answer("id-2-xxxx", "mood-before", "r1", 5, NOW + 1)
    assert store.upsert_answer("ABC234", later) == later
    stored = store.answers("ABC234", "mood-before")
    assert [(a.answer_id, a.value) for a in stored] == [("id-2-xxxx", 5)]


def test_a_retry_returns_what_was_stored_first(store, tiny):
    store.create_session(record(tiny))
    first = Answer("id-1-xxxx", "symbol", "r1", "calm ✨", NOW)
    store.upsert_answer("ABC234", first)
    again = dataclasses.replace(first, answered_ms=NOW + 900)  # resent a moment later
    assert store.upsert_answer("ABC234", again) == first
    assert store.answers("ABC234") == [first]


def test_an_answer_id_of_another_respondent_returns_theirs(store, tiny):
    store.create_session(record(tiny))
    theirs = Answer("shared-id", "mood-before", "r1", 2, NOW)
    store.upsert_answer("ABC234", theirs)
    mine = Answer("shared-id", "mood-before", "r2", 4, NOW + 1)
    returned = store.upsert_answer("ABC234", mine)
    assert returned == theirs and returned.respondent == "r1"  # the caller refuses it
    # Also when the respondent already has an answer of their own to replace.
    store.upsert_answer("ABC234", Answer("mine-id", "symbol", "r2", "hope", NOW))
    assert store.upsert_answer("ABC234", Answer("shared-id", "symbol", "r2", "x", NOW)) == theirs
    assert sorted((a.respondent, a.answer_id, a.value) for a in store.answers("ABC234")) == [
        ("r1", "shared-id", 2),
        ("r2", "mine-id", "hope"),
    ]


def test_answers_by_prompt_and_respondent(store, tiny):
    store.create_session(record(tiny))
    store.create_session(record(tiny, "OTHER2"))
    store.upsert_answer("ABC234", Answer("a1", "mood-before", "r1", 1, NOW))
    store.upsert_answer("ABC234", Answer("a2", "mood-before", "r2", 3, NOW + 1))
    store.upsert_answer("ABC234", Answer("a3", "symbol", "r1", "tide", NOW + 2))
    store.upsert_answer("OTHER2", Answer("a1", "symbol", "r1", "elsewhere", NOW))
    assert [a.answer_id for a in store.answers("ABC234")] == ["a1", "a2", "a3"]
    assert [a.answer_id for a in store.answers("ABC234", "mood-before")] == ["a1", "a2"]
    assert sorted(a.answer_id for a in store.answers_of("ABC234", "r1")) == ["a1", "a3"]
    assert store.answers_of("ABC234", "nobody") == []
    assert [a.value for a in store.answers("OTHER2")] == ["elsewhere"]
    many = store.answers_of_many("ABC234", ["r1", "r2", "nobody", "r1"])
    assert {who: [a.answer_id for a in found] for who, found in many.items()} == {
        "r1": ["a1", "a3"],
        "r2": ["a2"],
        "nobody": [],
    }


def test_answers_of_many_respondents_in_one_read(store, tiny):
    # More respondents than SQLite takes parameters in one statement (before 3.32: 999).
    store.create_session(record(tiny))
    for i in range(1200):
        store.upsert_answer("ABC234", Answer(f"a{i}", "mood-before", f"r{i}", i % 5 + 1, NOW + i))
    wanted = [f"r{i}" for i in range(0, 1200, 1)] + ["nobody"]
    many = store.answers_of_many("ABC234", wanted)
    assert len(many) == 1201 and many["nobody"] == []
    assert all([a.answer_id for a in many[f"r{i}"]] == [f"a{i}"] for i in range(1200))


def test_answer_status_changes(store, tiny):
    store.create_session(record(tiny))
    store.upsert_answer("ABC234", Answer("w1", "symbol", "r1", "ocean", NOW, status=PENDING))
    assert store.answers("ABC234")[0].status == PENDING
    hidden = store.set_answer_status("ABC234", "w1", HIDDEN)
    assert hidden == Answer("w1", "symbol", "r1", "ocean", NOW, status=HIDDEN)
    assert store.answers("ABC234")[0].hidden
    assert store.set_answer_status("ABC234", "w1", SHOWN).status == SHOWN
    assert store.answers("ABC234")[0].status == SHOWN
    assert store.set_answer_status("ABC234", "no-such-id", HIDDEN) is None
    assert store.set_answer_status("ELSE22", "w1", HIDDEN) is None


# -- consents ---------------------------------------------------------------------------------


def test_consent_counts_and_changes(store, tiny):
    store.create_session(record(tiny))
    assert store.consent_counts("ABC234", "breathe") == {"join": 0, "alternative": 0, "skip": 0}
    store.upsert_consent("ABC234", "breathe", "p1", "join")
    store.upsert_consent("ABC234", "breathe", "p2", "join")
    store.upsert_consent("ABC234", "breathe", "p3", "skip")
    store.upsert_consent("ABC234", "savour", "p1", "alternative")
    assert store.consent_counts("ABC234", "breathe") == {"join": 2, "alternative": 0, "skip": 1}
    store.upsert_consent("ABC234", "breathe", "p2", "alternative")  # changed their mind
    assert store.consent_counts("ABC234", "breathe") == {"join": 1, "alternative": 1, "skip": 1}
    assert store.consents_of("ABC234", "p1") == {"breathe": "join", "savour": "alternative"}
    assert store.consents_of("ABC234", "p9") == {}
    assert store.consents_of_many("ABC234", ["p1", "p2", "p9"]) == {
        "p1": {"breathe": "join", "savour": "alternative"},
        "p2": {"breathe": "alternative"},
        "p9": {},
    }


# -- erasing and unlinking --------------------------------------------------------------------


def test_erase_leaves_no_answer_text(backend, store, tiny):
    secret = "erase-me-" + uuid.uuid4().hex
    store.create_session(record(tiny))
    store.create_session(record(tiny, "KEEP22", created_ms=NOW + 1))
    for i in range(30):
        store.upsert_answer("ABC234", Answer(f"s{i}", "symbol", f"r{i}", f"{secret} {i}", NOW))
        store.upsert_answer("KEEP22", Answer(f"k{i}", "symbol", f"r{i}", f"kept {i}", NOW))
    store.upsert_consent("ABC234", "breathe", "r1", "join")
    store.upsert_consent("KEEP22", "breathe", "r1", "skip")
    before = backend.relation_files() if backend.kind == "postgres" else []
    assert secret.encode() in backend.raw_bytes(store)

    store.erase_answers("ABC234", json.dumps({"mood-before": {"mean": 3}}), NOW + 60_000)

    assert store.answers("ABC234") == [] and store.answers_of("ABC234", "r1") == []
    assert store.consents_of("ABC234", "r1") == {}
    assert store.consent_counts("ABC234", "breathe") == {"join": 0, "alternative": 0, "skip": 0}
    erased = store.get_session("ABC234")
    assert erased.answers_deleted_ms == NOW + 60_000
    assert json.loads(erased.kept_figures) == {"mood-before": {"mean": 3}}
    assert len(store.answers("KEEP22")) == 30  # other sessions keep theirs
    assert store.consents_of("KEEP22", "r1") == {"breathe": "skip"}
    if backend.kind == "postgres":
        # VACUUM FULL ran: the tables live in new files and the old ones are emptied.
        assert set(backend.relation_files()).isdisjoint(before)
        leftover = backend.raw_bytes(store, extra=before)
    else:
        leftover = backend.raw_bytes(store)
    assert secret.encode() not in leftover
    assert b"kept 7" in leftover


def test_unlinking_makes_every_respondent_distinct(store, tiny):
    store.create_session(record(tiny))
    for phone in ("r1", "r2"):  # each phone answers before and after: pairable
        store.upsert_answer("ABC234", Answer(f"{phone}-b", "mood-before", phone, 2, NOW))
        store.upsert_answer("ABC234", Answer(f"{phone}-a", "mood-after", phone, 4, NOW + 1))
        store.upsert_consent("ABC234", "breathe", phone, "join")
        store.upsert_consent("ABC234", "savour", phone, "skip")
    old_key = store.get_session("ABC234").pair_key

    store.unlink_respondents("ABC234", '{"shift": 2}')

    answers = store.answers("ABC234")
    assert len(answers) == 4
    hashes = [a.respondent for a in answers]
    assert len(set(hashes)) == 4 and not {"r1", "r2"} & set(hashes)
    assert all(len(h) == 32 and int(h, 16) >= 0 for h in hashes)
    assert store.answers_of("ABC234", "r1") == [] and store.consents_of("ABC234", "r1") == {}
    assert store.consent_counts("ABC234", "breathe") == {"join": 2, "alternative": 0, "skip": 0}
    unlinked = store.get_session("ABC234")
    assert unlinked.pair_key != old_key and len(unlinked.pair_key) == 32
    assert unlinked.kept_figures == '{"shift": 2}'
    assert unlinked.answers_deleted_ms is None


def test_unlinking_leaves_no_old_hash_key_or_replaced_text_on_disk(backend, store, tiny):
    """After the end, the bytes of the database hold nothing that could pair a phone again."""
    old_key = secrets.token_bytes(32)
    store.create_session(record(tiny, pair_key=old_key))
    phones = [f"oldhash{uuid.uuid4().hex[:25]}" for _ in range(2)]
    first = "first-words-" + uuid.uuid4().hex
    for n, phone in enumerate(phones):
        store.upsert_answer("ABC234", Answer(f"before-{n}", "mood-before", phone, 2, NOW))
        store.upsert_consent("ABC234", "breathe", phone, "join")
    # A changed answer: its first text must not outlive the end either.
    store.upsert_answer("ABC234", Answer("w1", "symbol", phones[0], first, NOW))
    store.upsert_answer("ABC234", Answer("w2", "symbol", phones[0], "second words", NOW + 1))
    tables = ("answers", "consents", "sessions")
    before = backend.relation_files(tables) if backend.kind == "postgres" else []
    assert old_key in backend.raw_bytes(store, tables=tables)

    store.unlink_respondents("ABC234", None)

    leftover = backend.raw_bytes(store, extra=before, tables=tables)
    assert b"second words" in leftover
    assert old_key not in leftover, "the old pairing key is still on disk"
    for phone in phones:
        assert phone.encode() not in leftover, "an old respondent hash is still on disk"
    assert first.encode() not in leftover, "a replaced answer's first text is still on disk"


# -- meta and reopening -----------------------------------------------------------------------


def test_meta(store):
    assert store.get_meta("k") is None
    store.set_meta("k", "v")
    store.set_meta("k", "w")
    assert store.get_meta("k") == "w"
    assert store.set_meta_if_absent("k", "other") == "w"
    assert store.set_meta_if_absent("fresh", "first") == "first"
    assert store.set_meta_if_absent("fresh", "second") == "first"
    assert store.get_meta("fresh") == "first"


def test_meta_can_be_forgotten(store):
    store.set_meta("k", "v")
    store.set_meta("other", "kept")
    store.delete_meta("k")
    store.delete_meta("never-set")
    assert store.get_meta("k") is None and store.get_meta("other") == "kept"
    assert store.set_meta_if_absent("k", "again") == "again"


def test_a_forgotten_secret_is_not_left_in_the_files_after_compacting(backend, store):
    secret = "clear-secret-" + uuid.uuid4().hex
    store.set_meta("admin_key", secret)
    store.set_meta("other", "kept-value")
    before = backend.relation_files(("meta",)) if backend.kind == "postgres" else []
    assert secret.encode() in backend.raw_bytes(store, tables=("meta",))

    store.delete_meta("admin_key")
    store.compact()

    leftover = backend.raw_bytes(store, extra=before, tables=("meta",))
    assert b"kept-value" in leftover
    assert secret.encode() not in leftover


# -- console tokens and sign-ins ----------------------------------------------------------------


def test_console_tokens_belong_to_their_session(store, tiny):
    store.create_session(record(tiny))
    store.create_session(record(tiny, "OTHER2"))
    assert not store.has_console_token("ABC234", "t1")
    store.add_console_token("ABC234", "t1", NOW, keep=5)
    store.add_console_token("ABC234", "t1", NOW + 1, keep=5)  # the same hash twice is one
    store.add_console_token("ABC234", "t2", NOW + 2, keep=5)
    assert store.has_console_token("ABC234", "t1") and store.has_console_token("ABC234", "t2")
    assert not store.has_console_token("OTHER2", "t1"), "a token drives its own session only"
    assert not store.has_console_token("ABC234", "t3")


def test_only_the_newest_console_tokens_are_kept(store, tiny):
    store.create_session(record(tiny))
    store.create_session(record(tiny, "OTHER2"))
    store.add_console_token("OTHER2", "theirs", NOW, keep=3)
    for n in range(6):
        store.add_console_token("ABC234", f"t{n}", NOW + n, keep=3)
    kept = [n for n in range(6) if store.has_console_token("ABC234", f"t{n}")]
    assert kept == [3, 4, 5]
    assert store.has_console_token("OTHER2", "theirs"), "another session's tokens are untouched"


def test_sign_ins_are_kept_found_and_deleted(store):
    first = SignIn("hash-one", "key-a", NOW, NOW + 1000)
    store.add_sign_in(first)
    store.add_sign_in(SignIn("hash-two", "key-a", NOW, NOW + 1000))
    assert store.get_sign_in("hash-one") == first
    assert store.get_sign_in("nope") is None
    store.delete_sign_in("hash-one")
    store.delete_sign_in("nope")
    assert store.get_sign_in("hash-one") is None
    assert store.get_sign_in("hash-two") is not None


def test_pruning_deletes_expired_sign_ins_and_those_of_another_key(store):
    store.add_sign_in(SignIn("current", "key-b", NOW, NOW + 1000))
    store.add_sign_in(SignIn("expired", "key-b", NOW - 5000, NOW))
    store.add_sign_in(SignIn("old-key", "key-a", NOW, NOW + 1000))
    assert store.prune_sign_ins("key-b", NOW) == 2
    assert store.get_sign_in("current") is not None
    assert store.get_sign_in("expired") is None and store.get_sign_in("old-key") is None
    assert store.prune_sign_ins(None, NOW) == 1, "without a key, every sign-in goes"
    assert store.get_sign_in("current") is None


def test_sign_ins_and_console_tokens_survive_reopening(backend, tiny):
    first = backend.open()
    first.create_session(record(tiny))
    first.add_console_token("ABC234", "t1", NOW, keep=5)
    first.add_sign_in(SignIn("hash-one", "key-a", NOW, NOW + 1000))
    first.close()
    again = backend.open()
    try:
        assert again.has_console_token("ABC234", "t1")
        assert again.get_sign_in("hash-one") == SignIn("hash-one", "key-a", NOW, NOW + 1000)
    finally:
        again.close()


def test_everything_survives_reopening(backend, tiny):
    first = backend.open()
    first.create_session(record(tiny))
    state = first.get_session("ABC234").state
    first.save_state(moved(state, step_index=1), expected_version=1)
    first.upsert_answer("ABC234", Answer("id-1-xxxx", "symbol", "r1", "trust ✨", NOW, PENDING))
    first.upsert_consent("ABC234", "breathe", "r1", "join")
    first.set_meta("k", "v")
    first.close()
    again = backend.open()
    try:
        assert again.get_session("ABC234").state.step_index == 1
        assert again.get_session("ABC234").state.version == 2
        assert again.answers("ABC234") == [
            Answer("id-1-xxxx", "symbol", "r1", "trust ✨", NOW, PENDING)
        ]
        assert again.consents_of("ABC234", "r1") == {"breathe": "join"}
        assert again.get_meta("k") == "v"
    finally:
        again.close()


def test_a_retry_from_many_threads_is_stored_once(store, tiny):
    store.create_session(record(tiny))
    answer = Answer("same-id", "symbol", "r1", "once", NOW)
    results, failures = [], []

    def resend():
        try:
            for _ in range(50):
                results.append(store.upsert_answer("ABC234", answer))
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    run_together(resend, [(), ()])
    assert failures == []
    assert results == [answer] * 100
    assert store.answers("ABC234") == [answer]


def test_open_store_opens_sqlite_for_a_path(tmp_path):
    opened = open_store(str(tmp_path / "x.db"))
    assert isinstance(opened, SqliteStore)
    opened.close()


def test_open_store_opens_postgres_for_a_url(postgres_dsn):
    from workshop.pg_store import PostgresStore

    for url in (postgres_dsn, postgres_dsn.replace("postgresql://", "postgres://", 1)):
        opened = open_store(url)
        try:
            assert isinstance(opened, PostgresStore)
        finally:
            opened.close()


# -- PostgreSQL: several processes on one database --------------------------------------------


def test_two_processes_racing_save_state_one_wins(pg_backend, tiny):
    """Two stores (as two processes) save from the same version: one wins, one conflicts."""
    one, two = pg_backend.open(), pg_backend.open()
    try:
        one.create_session(record(tiny))
        for round_ in range(20):
            state = one.get_session("ABC234").state
            barrier = threading.Barrier(2)
            outcomes = []

            def save(store, step, state=state, barrier=barrier, outcomes=outcomes):
                barrier.wait()
                try:
                    store.save_state(moved(state, step_index=step), state.version)
                    outcomes.append(("won", step))
                except VersionConflict:
                    outcomes.append(("conflict", step))

            run_together(save, [(one, 1), (two, 2)])
            assert sorted(kind for kind, _ in outcomes) == ["conflict", "won"], round_
            winner = next(step for kind, step in outcomes if kind == "won")
            stored = two.get_session("ABC234").state
            assert (stored.version, stored.step_index) == (state.version + 1, winner)
        assert one.get_session("ABC234").state.version == 21  # no gaps, no lost rounds
    finally:
        one.close()
        two.close()


def test_two_processes_receiving_the_same_retry_store_it_once(pg_backend, tiny):
    """2 threads x 50 sends of one answer, each thread through its own store: one row."""
    stores = [pg_backend.open(), pg_backend.open()]
    try:
        stores[0].create_session(record(tiny))
        stores[0].upsert_answer("ABC234", Answer("old-id", "symbol", "r1", "before", NOW))
        answer = Answer("same-id", "symbol", "r1", "replacement", NOW + 1)
        barrier = threading.Barrier(2)
        results, failures = [], []

        def resend(store):
            barrier.wait()
            try:
                for _ in range(50):
                    results.append(store.upsert_answer("ABC234", answer))
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(error)

        run_together(resend, [(s,) for s in stores])
        assert failures == []
        assert results == [answer] * 100
        assert stores[1].answers("ABC234") == [answer]
    finally:
        for store in stores:
            store.close()


def test_an_unreachable_database_is_a_store_error(postgres_cluster):
    from workshop.pg_store import PostgresStore

    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]
        with pytest.raises(StoreError):
            PostgresStore(f"postgresql://postgres@127.0.0.1:{port}/nothing")


def test_a_lost_connection_is_replaced_not_reported(pg_backend, tiny):
    """After the server drops the pool's connections (a restart), the next call still works."""
    store = pg_backend.open()
    try:
        store.create_session(record(tiny))
        with pg_backend.admin() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        assert store.get_session("ABC234").state.code == "ABC234"
    finally:
        store.close()


GEVENT_PROBE = textwrap.dedent(
    """
    import sys, time
    if sys.argv[2] == "early":
        import psycopg  # imported before patching: psycopg picks the blocking wait_c
    from gevent import monkey
    monkey.patch_all()
    import gevent
    from workshop.pg_store import PostgresStore
    import psycopg.waiting

    store = PostgresStore(sys.argv[1])
    ticks = []
    def tick():
        while True:
            ticks.append(time.monotonic())
            gevent.sleep(0.01)
    ticker = gevent.spawn(tick)
    gevent.sleep(0.05)
    start = len(ticks)
    with store._pool.connection() as conn:
        conn.execute("SELECT pg_sleep(0.5)")
    during = len(ticks) - start
    ticker.kill()
    store.close()
    print(psycopg.waiting.wait.__name__, during)
    """
)


@pytest.mark.parametrize("order", ["late", "early"])
def test_waits_yield_to_other_greenlets_under_gevent(pg_backend, order):
    """A query waiting on the server lets the other greenlets run (no frozen event loop).

    `early` imports psycopg before gevent patches, as a careless entry point would; the
    store must repair psycopg's choice of wait function.
    """
    done = subprocess.run(
        [sys.executable, "-c", GEVENT_PROBE, pg_backend.url, order],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    wait_name, ticks = done.stdout.split()
    assert wait_name == "wait_poll"
    # 0.5 s at one tick per 10 ms is ~50 ticks; a blocked loop would show 0 or 1.
    assert int(ticks) >= 20, done.stdout
