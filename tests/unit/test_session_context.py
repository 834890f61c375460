"""The session context's rules, each in one place: reveal, auto-advance, capacity, departure.

A real SQLite store in memory and a fake clock; no app, no transport.
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
from workshop.room import DEPARTURE_GRACE_MS
from workshop.room import NetworkShareFull
from workshop.room import SessionFull
from workshop.service import ChoiceError
from workshop.service import Kiosk
from workshop.sqlite_store import SqliteStore

BEFORE, SAVOUR, WORD, REFLECT = 1, 3, 4, 8


def command(action: str, **fields):
    return COMMAND_ADAPTER.validate_python({"action": action, **fields})


@pytest.fixture
def store():
    opened = SqliteStore(":memory:")
    yield opened
    opened.close()


def make_kiosk(store, tiny, **options) -> Kiosk:
    options.setdefault("clock", FakeClock())
    return Kiosk(store, {"tiny": tiny}, **options)


@pytest.fixture
def kiosk(store, tiny):
    return make_kiosk(store, tiny, address_share=AddressShare(0))


@pytest.fixture
def code(kiosk):
    return kiosk.create_session("tiny").code


def signed_ids(kiosk, code, n):
    ids = PhoneIds(kiosk.record(code).pair_key)
    return [ids.issue() for _ in range(n)]


def test_the_room_hears_results_only_once_they_are_revealed(kiosk, code):
    [signed] = signed_ids(kiosk, code, 1)
    phone = kiosk.join(kiosk.load(code), "c1", signed, "10.0.0.1").phone_id
    kiosk.command(code, command("goto", index=BEFORE))
    kiosk.respond(code, phone, Respond(prompt_id="mood-before", value=4))
    news = kiosk.results_news(code)
    assert news.console["count"] == 1 and news.room is None
    kiosk.command(code, command("reveal"))
    assert kiosk.results_news(code).room is not None
    kiosk.command(code, command("goto", index=0))
    assert kiosk.results_news(code) is None, "no prompt on this step"


def test_a_step_moves_on_by_itself_at_its_deadline_and_not_before(kiosk, code):
    kiosk.command(code, command("goto", index=SAVOUR))
    started = kiosk.command(code, command("timer_start"))
    assert started.advance_at_ms == kiosk.clock() + 30_000
    kiosk.clock.advance(29_999)
    waiting = kiosk.advance_if_due(code)
    assert waiting.views is None and waiting.advance_at_ms == started.advance_at_ms
    kiosk.clock.advance(1)
    moved = kiosk.advance_if_due(code)
    assert moved.state.step_index == WORD and moved.views is not None
    assert moved.advance_at_ms is None, "the next step does not move on by itself"


def test_a_paused_countdown_has_no_deadline(kiosk, code):
    kiosk.command(code, command("goto", index=SAVOUR))
    kiosk.command(code, command("timer_start"))
    paused = kiosk.command(code, command("timer_pause"))
    assert paused.advance_at_ms is None
    kiosk.clock.advance(60_000)
    assert kiosk.advance_if_due(code).advance_at_ms is None
    assert kiosk.state(code).step_index == SAVOUR


def test_only_the_process_holding_the_lease_moves_the_room_on(store, tiny):
    asked = []

    def held_elsewhere(name, seconds):
        asked.append(name)
        return False  # another process took this deadline

    clock = FakeClock()
    other = make_kiosk(store, tiny, lease=held_elsewhere, clock=clock)
    code = other.create_session("tiny").code
    other.command(code, command("goto", index=SAVOUR))
    started = other.command(code, command("timer_start"))
    clock.advance(30_000)
    stood_down = other.advance_if_due(code)
    assert stood_down.views is None and stood_down.advance_at_ms is None
    assert asked == [f"advance:{code}:{started.state.version}"]
    assert other.state(code).step_index == SAVOUR
    holder = make_kiosk(store, tiny, lease=lambda name, seconds: True, clock=clock)
    assert holder.advance_if_due(code).state.step_index == WORD


def test_a_full_session_admits_a_phone_already_in_it_but_no_new_one(store, tiny):
    kiosk = make_kiosk(store, tiny, max_phones=1)
    code = kiosk.create_session("tiny").code
    one, two = signed_ids(kiosk, code, 2)
    kiosk.join(kiosk.load(code), "c1", one, "10.0.0.1")
    kiosk.join(kiosk.load(code), "c2", one, "10.0.0.1")  # a second tab of the same phone
    with pytest.raises(SessionFull) as refused:
        kiosk.join(kiosk.load(code), "c3", two, "10.0.0.2")
    assert refused.value.limit == 1


def test_one_network_holds_only_its_share_of_a_session(store, tiny):
    kiosk = make_kiosk(store, tiny, address_share=AddressShare(1))
    code = kiosk.create_session("tiny").code
    one, two = signed_ids(kiosk, code, 2)
    kiosk.join(kiosk.load(code), "c1", one, "10.0.0.1")
    with pytest.raises(NetworkShareFull):
        kiosk.join(kiosk.load(code), "c2", two, "10.0.0.1")
    kiosk.join(kiosk.load(code), "c3", two, "10.0.0.2")


def test_a_phone_has_left_only_once_its_last_connection_stayed_closed(kiosk, code):
    [signed] = signed_ids(kiosk, code, 1)
    phone = kiosk.join(kiosk.load(code), "c1", signed, "10.0.0.1").phone_id
    kiosk.join(kiosk.load(code), "c2", signed, "10.0.0.1")
    kiosk.command(code, command("goto", index=REFLECT))
    kiosk.signal(code, phone, Signal(kind="need_moment"))
    assert kiosk.leave(code, "c1", phone).departure is None, "its other tab is still open"
    away = kiosk.leave(code, "c2", phone).departure
    assert away.after_ms == DEPARTURE_GRACE_MS
    kiosk.join(kiosk.load(code), "c3", signed, "10.0.0.1")
    assert kiosk.depart_if_gone(code, away.respondent) is None, "it came back in time"
    assert kiosk.care_news(code)["need_moment"] == 1
    away = kiosk.leave(code, "c3", phone).departure
    assert kiosk.depart_if_gone(code, away.respondent).care
    assert kiosk.care_news(code)["need_moment"] == 0, "its signals left with it"


def test_consent_outside_its_question_is_a_choice_error(kiosk, code):
    [signed] = signed_ids(kiosk, code, 1)
    phone = kiosk.join(kiosk.load(code), "c1", signed, "10.0.0.1").phone_id
    with pytest.raises(ChoiceError, match="not being asked"):
        kiosk.consent(code, phone, ConsentChoice(step_id="hug", choice="join"))
