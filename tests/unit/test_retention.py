"""Retention: answers delete themselves when their time has passed (injected clock, no app)."""

import pytest

from tests.conftest import FakeClock
from workshop.messages import COMMAND_ADAPTER
from workshop.messages import Respond
from workshop.service import Kiosk
from workshop.sqlite_store import SqliteStore

DAY = 86_400_000


@pytest.fixture
def kiosk(tmp_path, tiny):
    store = SqliteStore(tmp_path / "r.db")
    yield Kiosk(store, {"tiny": tiny}, clock=FakeClock(), retention_days=30)
    store.close()


def answered_session(kiosk, **options):
    code = kiosk.create_session("tiny", **options).code
    kiosk.command(code, COMMAND_ADAPTER.validate_python({"action": "next"}))
    kiosk.respond(code, "phone-0123456789abcdef", Respond(prompt_id="mood-before", value=4))
    return code


def end(kiosk, code):
    kiosk.command(code, COMMAND_ADAPTER.validate_python({"action": "end"}))


def test_answers_are_kept_until_the_retention_passes(kiosk):
    code = answered_session(kiosk)
    kiosk.clock.advance(30 * DAY - 1)
    assert kiosk.sweep() == []
    assert kiosk.store.answers(code)
    kiosk.clock.advance(1)
    assert kiosk.sweep() == [code]
    assert kiosk.store.answers(code) == [] and kiosk.answers_deleted(code)
    assert kiosk.sweep() == [], "a session is swept once"


def test_retention_counts_from_the_end_of_a_session(kiosk):
    code = answered_session(kiosk, retention_days=2)
    kiosk.clock.advance(5 * DAY)
    end(kiosk, code)
    kiosk.clock.advance(2 * DAY - 1)
    assert kiosk.sweep() == []
    kiosk.clock.advance(1)
    assert kiosk.sweep() == [code]


def test_retention_zero_deletes_when_the_session_ends(kiosk):
    code = answered_session(kiosk, retention_days=0)
    kiosk.clock.advance(100 * DAY)
    assert kiosk.sweep() == [], "an open session keeps its answers"
    end(kiosk, code)
    assert kiosk.answers_deleted(code) and kiosk.store.answers(code) == []


def test_aggregates_are_kept_only_when_asked(kiosk):
    kept = answered_session(kiosk, retention_days=0)
    dropped = answered_session(kiosk, retention_days=0, keep_aggregates=False)
    end(kiosk, kept)
    end(kiosk, dropped)
    figures = {p["results"]["prompt_id"]: p["results"] for p in kiosk.report(kept)["prompts"]}
    assert figures["mood-before"]["count"] == 1 and figures["mood-before"]["mean"] == 4
    assert kiosk.report(dropped)["prompts"] == []
