"""A phone's answers and taps over time: late answers, done per step, deleted answers, timers."""

from tests.socket.conftest import english
from tests.socket.test_session_flow import wait_for
from workshop.session import LATE_ANSWER_MS

WELCOME, BEFORE, BREATHE, SAVOUR, WORD, PICK, AFTER, HUG, REFLECT, BYE = range(10)


def reports(app, session):
    headers = {"Authorization": f"Bearer {session['facilitator_token']}"}
    url = f"/api/sessions/{session['code']}/report.json"
    return app.test_client().get(url, headers=headers).json


def test_an_answer_given_while_open_counts_when_it_arrives_after_the_close(
    app, console, phone, session, clock
):
    mine = phone()
    console.command("goto", index=BEFORE)
    given = clock.now_ms + 4_000  # tapped offline four seconds in
    clock.advance(10_000)
    console.command("next")  # the room moves on; the phone is still away
    clock.advance(60_000)
    message = {"prompt_id": "mood-before", "value": 3, "answer_id": "late-0123456789"}
    assert english(mine.ack("respond", message)) == {
        "ok": False,
        "error": "that question is not on the current step",
    }, "without the time it was given, a late answer cannot be judged"
    ack = mine.ack("respond", {**message, "answered_ms": given})
    assert english(ack) == {
        "ok": True,
        "prompt_id": "mood-before",
        "value": 3,
        "answer_id": message["answer_id"],
    }
    stored = app.extensions["attune.store"].answers(session["code"], "mood-before")
    assert [(a.value, a.answered_ms) for a in stored] == [(3, given)]
    # Back on the step, the console counts what the phone was told was received.
    console.command("goto", index=BEFORE)
    assert console.received("state")[-1]["results"]["count"] == 1
    assert dict(phone().received())["mine"]["answers"] == {"mood-before": 3}


def test_a_late_answer_is_refused_in_words_when_it_cannot_have_counted(
    app, console, phone, session, clock
):
    mine = phone()
    console.command("goto", index=BEFORE)
    clock.advance(10_000)
    console.command("prompt_close")
    closed_at = clock.now_ms
    clock.advance(5_000)
    after_close = mine.ack(
        "respond", {"prompt_id": "mood-before", "value": 2, "answered_ms": closed_at + 3_000}
    )
    assert english(after_close) == {
        "ok": False,
        "error": "the question had already closed when you answered",
    }
    clock.advance(LATE_ANSWER_MS)
    too_late = mine.ack(
        "respond", {"prompt_id": "mood-before", "value": 2, "answered_ms": closed_at - 1_000}
    )
    assert english(too_late) == {
        "ok": False,
        "error": "it arrived more than 5 minutes after the question closed",
    }
    assert app.extensions["attune.store"].answers(session["code"]) == []


def test_a_late_answer_never_replaces_a_newer_one(app, console, phone, session, clock):
    mine = phone()
    console.command("goto", index=BEFORE)
    first_given = clock.now_ms + 1_000
    clock.advance(5_000)
    assert mine.ack("respond", {"prompt_id": "mood-before", "value": 5})["ok"]
    clock.advance(5_000)
    console.command("next")
    old = {"prompt_id": "mood-before", "value": 1, "answered_ms": first_given}
    ack = mine.ack("respond", old)
    assert ack["ok"] is False and "newer answer" in ack["error"]
    assert [a.value for a in app.extensions["attune.store"].answers(session["code"])] == [5]


def test_done_is_kept_per_step_and_a_tap_for_a_step_left_behind_marks_nothing(console, phone):
    mine, *others = [phone(f"phone-{i}-0123456789abcdef") for i in range(3)]
    console.command("goto", index=REFLECT)
    assert english(mine.ack("signal", {"kind": "done", "step_id": "reflect"})) == {
        "ok": True,
        "kind": "done",
    }
    wait_for(console, "care", lambda c: c["done"] == {"done": 1, "of": 3})
    assert dict(phone("phone-0-0123456789abcdef").received())["mine"]["done"] == ["reflect"]
    console.command("next")
    stale = mine.ack("signal", {"kind": "undone", "step_id": "reflect"})
    assert stale["ok"] is False and "moved on" in stale["error"]
    console.command("prev")
    assert console.received("state")[-1]["care"]["done"] == {"done": 1, "of": 3}


def test_deleted_answers_close_the_session_for_answers_on_every_page(
    app, console, screen, phone, session
):
    room = [phone(f"phone-{i}-0123456789abcdef") for i in range(3)]
    console.command("goto", index=WORD)
    for i, role in enumerate(room):
        assert role.ack("respond", {"prompt_id": "symbol", "value": f"word{i}"})["ok"]
    console.command("reveal")
    for role in (console, screen, *room):
        role.received()
    assert console.command("delete_answers", confirm=session["code"])["ok"]
    for role in (console, screen, *room):
        view = role.received("state")[-1]
        assert view["session"]["answers_deleted"] is True
        assert view["step"]["prompt"]["open"] is False
        assert view["step"]["prompt"]["revealed"] is False
    refused = room[0].ack("respond", {"prompt_id": "symbol", "value": "again"})
    assert english(refused) == {
        "ok": False,
        "error": "the facilitator deleted this session's answers; answers are closed",
    }
    reopen = console.command("prompt_open")
    assert reopen["ok"] is False and "deleted" in reopen["error"]
    console.command("goto", index=PICK)
    assert console.received("state")[-1]["step"]["prompt"]["open"] is False
    assert dict(phone("phone-0-0123456789abcdef").received())["mine"]["answers"] == {}
    # The report says what it shows: the kept count, marked deleted, with no words.
    symbol = next(p for p in reports(app, session)["prompts"] if p["step_index"] == WORD)
    assert symbol["results"]["count"] == 3 and symbol["results"]["deleted"] is True
    assert "words" not in symbol["results"]


def test_consent_chosen_after_a_deletion_is_erased_when_the_session_ends(
    app, console, phone, session
):
    mine = phone()
    console.command("goto", index=BEFORE)
    assert mine.ack("respond", {"prompt_id": "mood-before", "value": 4})["ok"]
    assert console.command("delete_answers", confirm=session["code"])["ok"]
    console.command("goto", index=HUG)
    console.command("consent_open")
    assert mine.ack("consent", {"step_id": "hug", "choice": "skip"})["ok"], "safety first"
    store = app.extensions["attune.store"]
    assert store.consent_counts(session["code"], "hug")["skip"] == 1
    assert console.command("end")["ok"]
    assert store.consent_counts(session["code"], "hug") == {"join": 0, "alternative": 0, "skip": 0}
    # Ending keeps the figures kept at the deletion, not the empty ones left after it.
    before = next(p for p in reports(app, session)["prompts"] if p["step_index"] == BEFORE)
    assert before["results"]["count"] == 1 and before["results"]["deleted"] is True


def test_start_at_zero_is_refused_and_reset_runs_it_again(console, clock):
    console.command("goto", index=SAVOUR)
    assert console.command("timer_start")["ok"]
    clock.advance(30_000)
    refused = console.command("timer_start")
    assert english(refused) == {
        "ok": False,
        "error": "the countdown has ended; press Reset to run it again, or +30 s for more time",
    }
    assert console.command("timer_reset")["ok"]
    assert console.command("timer_start")["ok"]


def test_added_time_on_a_breathing_step_is_more_breathing(console):
    console.command("goto", index=BREATHE)
    breathing = console.received("state")[-1]["step"]["breathing"]
    assert breathing["total_ms"] == breathing["cycles"] * breathing["cycle_ms"] == 36_000
    console.command("timer_start")
    console.command("timer_add", seconds=30)
    view = console.received("state")[-1]["step"]
    assert view["timer"]["duration_ms"] == view["breathing"]["total_ms"] == 66_000
