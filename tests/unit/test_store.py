"""The SQLite store: sessions with version checks, answers stored once, survival on reopen."""

import pytest

from workshop.results import Answer
from workshop.session import new_session
from workshop.sqlite_store import SqliteStore
from workshop.store import SessionRecord
from workshop.store import VersionConflict

NOW = 1_800_000_000_000


@pytest.fixture
def store(tmp_path):
    opened = SqliteStore(tmp_path / "s.db")
    yield opened
    opened.close()


def record(tiny, code="ABC234"):
    return SessionRecord(
        state=new_session(code, tiny, NOW),
        workshop_json=tiny.model_dump_json(),
        token_hash="h",
        pair_key=b"k" * 32,
        created_ms=NOW,
    )


def test_session_round_trip_and_duplicate_code(store, tiny):
    store.create_session(record(tiny))
    assert store.get_session("ABC234").state.version == 1
    with pytest.raises(KeyError):
        store.create_session(record(tiny))
    assert store.get_session("NOPE22") is None


def test_save_state_checks_the_version(store, tiny):
    store.create_session(record(tiny))
    state = store.get_session("ABC234").state
    moved = state.__class__(**{**state.__dict__, "version": 2, "step_index": 1})
    store.save_state(moved, expected_version=1)
    with pytest.raises(VersionConflict):
        store.save_state(moved, expected_version=1)
    assert store.get_session("ABC234").state.step_index == 1


def test_answers_are_one_per_respondent_and_a_retry_is_stored_once(store, tiny):
    store.create_session(record(tiny))
    first = Answer("id-1-xxxx", "mood-before", "r1", 2, NOW)
    store.upsert_answer("ABC234", first)
    store.upsert_answer("ABC234", first)  # retry after a lost ack
    store.upsert_answer("ABC234", Answer("id-2-xxxx", "mood-before", "r1", 5, NOW + 1))
    stored = store.answers("ABC234", "mood-before")
    assert [(a.answer_id, a.value) for a in stored] == [("id-2-xxxx", 5)]


def test_everything_survives_reopening_the_file(tmp_path, tiny):
    path = tmp_path / "s.db"
    first = SqliteStore(path)
    first.create_session(record(tiny))
    first.upsert_answer("ABC234", Answer("id-1-xxxx", "symbol", "r1", "trust ✨", NOW))
    first.set_meta("k", "v")
    first.close()
    again = SqliteStore(path)
    assert again.get_session("ABC234").state.code == "ABC234"
    assert again.answers("ABC234")[0].value == "trust ✨"
    assert again.get_meta("k") == "v"
    again.close()
