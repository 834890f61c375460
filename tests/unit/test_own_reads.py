"""Phones that join together have their own choices read together (workshop/own_reads.py)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import FakeClock
from workshop.results import Answer
from workshop.service import Kiosk
from workshop.sqlite_store import SqliteStore


class CountedStore(SqliteStore):
    """A real store whose batch reads are counted and wait until the test lets them go."""

    def __init__(self):
        super().__init__(":memory:")
        self.batches: list[list[str]] = []
        self.release = threading.Event()
        self.release.set()
        self.fail = False

    def answers_of_many(self, code, respondents):
        self.batches.append(list(respondents))
        self.release.wait(5)
        if self.fail:
            raise RuntimeError("the database went away")
        return super().answers_of_many(code, respondents)


@pytest.fixture
def kiosk(tiny):
    store = CountedStore()
    service = Kiosk(store, {"tiny": tiny}, clock=FakeClock())
    yield service, store
    store.close()


def _ask_together(service, code, respondents):
    found, errors = {}, []
    ready = threading.Barrier(len(respondents) + 1)

    def ask(who):
        ready.wait(5)
        try:
            found[who] = service.own_reads.of(code, who)
        except RuntimeError as error:
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(who,)) for who in respondents]
    for thread in threads:
        thread.start()
    ready.wait(5)
    return threads, found, errors


def test_phones_asking_while_a_read_is_under_way_are_read_together(kiosk):
    service, store = kiosk
    code = service.create_session("tiny").code
    store.upsert_answer(code, Answer("a1", "mood-before", "r3", 4, 1))
    store.upsert_consent(code, "breathe", "r5", "skip")
    store.release.clear()
    first = threading.Thread(target=service.own_reads.of, args=(code, "r0"))
    first.start()
    time.sleep(0.2)  # the first read is under way and held
    threads, found, errors = _ask_together(service, code, [f"r{i}" for i in range(1, 30)])
    time.sleep(0.3)  # every other phone now waits for the next batch
    store.release.set()
    for thread in [first, *threads]:
        thread.join(5)
    assert errors == []
    # One read for the first phone, then one for everybody who asked meanwhile.
    assert store.batches[0] == ["r0"]
    assert sorted(store.batches[1]) == sorted(f"r{i}" for i in range(1, 30))
    assert len(store.batches) == 2
    assert [a.answer_id for a in found["r3"].answers] == ["a1"] and found["r3"].consents == {}
    assert found["r5"].consents == {"breathe": "skip"} and found["r5"].answers == []


def test_a_choice_saved_before_asking_is_always_seen(kiosk):
    service, store = kiosk
    code = service.create_session("tiny").code
    assert service.own_reads.of(code, "r1").answers == []
    store.upsert_answer(code, Answer("a1", "mood-before", "r1", 2, 1))
    assert [a.value for a in service.own_reads.of(code, "r1").answers] == [2]


def test_a_failed_read_fails_its_batch_and_nothing_after(kiosk):
    service, store = kiosk
    code = service.create_session("tiny").code
    store.fail = True
    with pytest.raises(RuntimeError):
        service.own_reads.of(code, "r1")
    store.fail = False
    assert service.own_reads.of(code, "r1").answers == []
    assert service.own_reads._open == {} and service.own_reads._latest == {}
