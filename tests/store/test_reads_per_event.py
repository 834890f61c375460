"""Every event reads its session's record once, from either store.

The store is real (a SQLite file, or a fresh PostgreSQL database), wrapped to count how often
the session record is read. On PostgreSQL each read is a round trip, which is what bounded a
join rush before (docs/performance.md); on SQLite the store's own cache hides it, so only the
count tells.
"""

from __future__ import annotations

import pytest

from tests.conftest import FakeClock
from workshop.messages import COMMAND_ADAPTER
from workshop.messages import ConsentChoice
from workshop.messages import Respond
from workshop.messages import Signal
from workshop.phone_ids import AddressShare
from workshop.phone_ids import PhoneIds
from workshop.service import Kiosk


class CountingStore:
    """A real store that counts reads of session records; everything else goes straight through."""

    def __init__(self, store):
        self._store = store
        self.reads = 0

    def get_session(self, code):
        self.reads += 1
        return self._store.get_session(code)

    def __getattr__(self, name):
        return getattr(self._store, name)


@pytest.fixture
def counted(store):
    return CountingStore(store)


@pytest.fixture
def kiosk(counted, tiny):
    return Kiosk(counted, {"tiny": tiny}, clock=FakeClock(), address_share=AddressShare(0))


def command(action: str, **fields):
    return COMMAND_ADAPTER.validate_python({"action": action, **fields})


class Events:
    """Runs one event at a time and remembers how many record reads each took."""

    def __init__(self, counted):
        self.counted = counted
        self.reads: dict[str, int] = {}

    def __call__(self, name: str, event):
        before = self.counted.reads
        result = event()
        self.reads[name] = self.counted.reads - before
        return result


def test_no_event_reads_the_session_record_twice(kiosk, counted):
    code = kiosk.create_session("tiny").code
    signed = PhoneIds(kiosk.record(code).pair_key).issue()
    phone = PhoneIds(kiosk.record(code).pair_key).verify(signed)
    event = Events(counted)

    # A phone joins: the connection's admission reads the session, the join works from it.
    joined = event("join", lambda: kiosk.join(kiosk.load(code), "conn-1", signed, "10.0.0.1"))
    assert joined.view["step"]["index"] == 0 and joined.mine["answers"] == {}
    event("console connects", lambda: kiosk.view_of(kiosk.load(code), "facilitator"))
    event("snapshot", lambda: kiosk.view(code, "screen"))
    event("next", lambda: kiosk.command(code, command("next")))
    answered = event(
        "respond", lambda: kiosk.respond(code, phone, Respond(prompt_id="mood-before", value=4))
    )
    assert answered.answer.value == 4 and answered.results
    event("results go out", lambda: kiosk.results_news(code))
    event("head count goes out", lambda: kiosk.presence_news(code))
    event("care counts go out", lambda: kiosk.care_news(code))
    revealed = event("reveal", lambda: kiosk.command(code, command("reveal")))
    assert revealed.views.participant["results"]["count"] >= 0
    event("need a moment", lambda: kiosk.signal(code, phone, Signal(kind="need_moment")))
    event("goto savour", lambda: kiosk.command(code, command("goto", index=3)))
    started = event("timer start", lambda: kiosk.command(code, command("timer_start")))
    assert started.advance_at_ms is not None
    event("not due yet", lambda: kiosk.advance_if_due(code))
    kiosk.clock.advance(30_000)
    moved = event("auto-advance", lambda: kiosk.advance_if_due(code))
    assert moved.views is not None and moved.state.step_index == 4
    event("goto hug", lambda: kiosk.command(code, command("goto", index=7)))
    event("consent open", lambda: kiosk.command(code, command("consent_open")))
    event(
        "consent", lambda: kiosk.consent(code, phone, ConsentChoice(step_id="hug", choice="join"))
    )
    event("goto reflect", lambda: kiosk.command(code, command("goto", index=8)))
    done = event("done", lambda: kiosk.signal(code, phone, Signal(kind="done", step_id="reflect")))
    assert done.views is not None, "the only phone in the room is done: the room moved on"
    event("report", lambda: kiosk.report(code))
    event("export", lambda: kiosk.export(code))
    event("leave", lambda: kiosk.leave(code, "conn-1", phone))
    event("end", lambda: kiosk.command(code, command("end")))

    assert len(event.reads) == 23
    twice = {name: reads for name, reads in event.reads.items() if reads > 1}
    assert twice == {}, f"events that read the session record more than once: {twice}"
