"""Two processes saving the same session: a change waits its turn instead of failing.

Two kiosk services, each with its own PostgreSQL pool on one database, are two processes of a
cluster (SQLite has one process by design). The store of the first lets the second save a
real change right before each of its own first saves, as a busy second console would, so the
first keeps losing the race for a while.
"""

import pytest

from tests.conftest import FakeClock
from workshop.messages import COMMAND_ADAPTER
from workshop.pg_store import PostgresStore
from workshop.service import Kiosk
from workshop.session import CommandError

BREATHE = 2  # tiny.yaml's breathing step: it has a countdown that extra time lengthens


def command(kiosk, code, **fields):
    return kiosk.command(code, COMMAND_ADAPTER.validate_python(fields)).state


class RacedStore(PostgresStore):
    """A real store whose first `losses` saves each find another process's change first."""

    def __init__(self, url, rival, losses):
        super().__init__(url)
        self.rival = rival
        self.losses = losses
        self.code = None

    def save_state(self, state, expected_version):
        if self.losses > 0:
            self.losses -= 1
            command(self.rival, self.code, action="timer_add", seconds=1)
        super().save_state(state, expected_version)


@pytest.fixture
def two_processes(pg_backend, tiny):
    clock = FakeClock()
    rival_store = pg_backend.open()
    rival = Kiosk(rival_store, {"tiny": tiny}, clock=clock)
    raced_store = RacedStore(pg_backend.url, rival, losses=0)
    raced = Kiosk(raced_store, {"tiny": tiny}, clock=clock)
    code = rival.create_session("tiny").code
    raced_store.code = code
    command(rival, code, action="goto", index=BREATHE)
    yield raced, rival, code
    raced_store.close()
    rival_store.close()


def test_a_change_that_keeps_losing_the_race_is_applied_once_on_the_winner(two_processes):
    raced, rival, code = two_processes
    before = rival.state(code)
    raced.store.losses = 12  # more than any fixed handful of retries
    after = command(raced, code, action="timer_add", seconds=30)
    assert after.version == before.version + 13, "12 rival changes, then ours, each once"
    assert after.timer.duration_ms == before.timer.duration_ms + (12 * 1 + 30) * 1000
    assert rival.state(code) == after


def test_a_session_contended_past_the_patience_says_so(two_processes, monkeypatch):
    raced, rival, code = two_processes
    monkeypatch.setattr("workshop.service.CONFLICT_PATIENCE_SECONDS", 0.05)
    raced.store.losses = 10_000
    with pytest.raises(CommandError, match="busy; try again"):
        command(raced, code, action="timer_add", seconds=30)
    assert rival.state(code).version > 0
