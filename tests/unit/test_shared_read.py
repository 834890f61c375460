"""One read of a session shared by the callers that ask for it at the same moment (snapshot.py)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import FakeClock
from workshop.service import Kiosk
from workshop.sqlite_store import SqliteStore


class HeldStore(SqliteStore):
    """A real store whose session reads wait until the test lets them go, and are counted."""

    def __init__(self):
        super().__init__(":memory:")
        self.reads = 0
        self.release = threading.Event()
        self.fail = False

    def get_session(self, code):
        self.reads += 1
        self.release.wait(5)
        if self.fail:
            raise RuntimeError("the database went away")
        return super().get_session(code)


@pytest.fixture
def kiosk(tiny):
    store = HeldStore()
    store.release.set()
    service = Kiosk(store, {"tiny": tiny}, clock=FakeClock())
    yield service, store
    store.close()


def _ask_together(service, code, callers=20):
    results, errors = [], []
    ready = threading.Barrier(callers + 1)

    def ask():
        ready.wait(5)
        try:
            results.append(service.find_shared(code))
        except RuntimeError as error:
            errors.append(error)

    threads = [threading.Thread(target=ask) for _ in range(callers)]
    for thread in threads:
        thread.start()
    ready.wait(5)
    time.sleep(0.3)  # every caller is now inside find_shared, the first one reading
    return threads, results, errors


def test_callers_asking_meanwhile_share_one_read(kiosk):
    service, store = kiosk
    code = service.create_session("tiny").code
    store.reads = 0
    store.release.clear()
    threads, results, errors = _ask_together(service, code)
    store.release.set()
    for thread in threads:
        thread.join(5)
    assert errors == []
    assert len(results) == 20 and all(r is not None and r.code == code for r in results)
    # The first read was under way while the others asked; a few may come after it ended.
    assert store.reads < 20
    assert store.reads >= 1


def test_a_read_after_the_last_one_ended_reads_again(kiosk):
    service, store = kiosk
    code = service.create_session("tiny").code
    store.reads = 0
    service.find_shared(code)
    service.find_shared(code)
    assert store.reads == 2
    assert service.find_shared("NOSUCH") is None


def test_a_failed_read_fails_every_caller_that_waited_for_it(kiosk):
    service, store = kiosk
    code = service.create_session("tiny").code
    store.release.clear()
    store.fail = True
    threads, results, errors = _ask_together(service, code, callers=10)
    store.release.set()
    for thread in threads:
        thread.join(5)
    assert results == [] and len(errors) == 10
    store.fail = False
    assert service.find_shared(code).code == code  # nothing kept from the failure
