"""The store contract for the studio's workshops, held by SQLite and PostgreSQL alike."""

from __future__ import annotations

import dataclasses

import pytest

from tests.store.test_contract import NOW
from tests.store.test_contract import record
from workshop.stored_workshops import WorkshopRecord


def kept(workshop, updated_ms=NOW, **changes) -> WorkshopRecord:
    """The record of a workshop as the catalog stores it."""
    workshop = workshop.model_copy(update=changes)
    return WorkshopRecord(
        id=workshop.id,
        workshop_json=workshop.model_dump_json(),
        created_ms=NOW,
        updated_ms=updated_ms,
    )


def test_a_workshop_is_kept_read_back_and_listed_by_id(store, tiny):
    second = kept(tiny, id="zebra", title="A first title")
    # Hostile text is kept exactly: NUL (which PostgreSQL's TEXT refuses), an escape, markup.
    first = kept(tiny, id="alpha", title="Zoo <script>alert(1)</script>\u0000\x1b[2J")
    store.add_workshop(second, max_count=10)
    store.add_workshop(first, max_count=10)
    assert store.get_workshop("alpha") == first
    assert "\\u0000" in store.get_workshop("alpha").workshop_json
    assert store.get_workshop("nope") is None
    assert store.list_workshops() == [first, second]


def test_an_id_is_kept_once(store, tiny):
    store.add_workshop(kept(tiny), max_count=10)
    with pytest.raises(KeyError):
        store.add_workshop(kept(tiny, title="Another"), max_count=10)
    assert store.get_workshop("tiny") == kept(tiny)


def test_no_more_than_the_cap_is_kept(store, tiny):
    for name in ("one", "two"):
        store.add_workshop(kept(tiny, id=name), max_count=2)
    with pytest.raises(OverflowError):
        store.add_workshop(kept(tiny, id="three"), max_count=2)
    assert [w.id for w in store.list_workshops()] == ["one", "two"]


def test_replacing_keeps_the_creation_time_and_needs_the_workshop(store, tiny):
    store.add_workshop(kept(tiny), max_count=10)
    newer = dataclasses.replace(kept(tiny, updated_ms=NOW + 5, title="Renamed"), created_ms=NOW + 5)
    assert store.replace_workshop(newer) is True
    got = store.get_workshop("tiny")
    assert (got.updated_ms, got.created_ms) == (NOW + 5, NOW)
    assert got.workshop_json == newer.workshop_json
    assert store.replace_workshop(kept(tiny, id="other")) is False
    assert store.get_workshop("other") is None


def test_replacing_an_expected_version_lands_only_while_it_is_stored(store, tiny):
    opened = kept(tiny)
    store.add_workshop(opened, max_count=10)
    first = kept(tiny, updated_ms=NOW + 5, title="First tab")
    second = kept(tiny, updated_ms=NOW + 9, title="Second tab")
    assert store.replace_workshop(first, expected=opened) is True
    # Based on the version both tabs opened, which is no longer stored: nothing is written.
    assert store.replace_workshop(second, expected=opened) is False
    assert store.get_workshop("tiny").workshop_json == first.workshop_json
    # The same JSON at another time is another version too.
    assert store.replace_workshop(second, expected=kept(tiny, title="First tab")) is False
    assert store.replace_workshop(second, expected=first) is True
    assert store.get_workshop("tiny") == dataclasses.replace(second, created_ms=NOW)
    assert store.replace_workshop(kept(tiny, id="other"), expected=opened) is False


def test_deleting_a_workshop_keeps_the_sessions_that_ran_it(store, tiny):
    store.add_workshop(kept(tiny), max_count=10)
    store.create_session(record(tiny, "OLD222", created_ms=NOW))
    store.create_session(record(tiny, "NEW222", created_ms=NOW + 9))
    other = tiny.model_copy(update={"id": "other"})
    store.create_session(record(other, "OTH222"))
    assert store.delete_workshop("tiny") is True
    assert store.delete_workshop("tiny") is False
    assert store.get_workshop("tiny") is None and store.list_workshops() == []
    assert store.get_session("OLD222").workshop_json == tiny.model_dump_json()
    assert store.sessions_of_workshop("tiny") == ["NEW222", "OLD222"]
    assert store.sessions_of_workshop("other") == ["OTH222"]
    assert store.sessions_of_workshop("none") == []


def test_workshops_survive_reopening_the_database(backend, tiny):
    first = backend.open()
    try:
        first.add_workshop(kept(tiny), max_count=10)
    finally:
        first.close()
    again = backend.open()
    try:
        assert again.get_workshop("tiny") == kept(tiny)
    finally:
        again.close()
