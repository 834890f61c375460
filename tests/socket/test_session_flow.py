"""Commands, answers and the views each role receives."""

import time

from tests.socket.conftest import english

WELCOME, BEFORE, BREATHE, SAVOUR, WORD, PICK, AFTER, HUG, REFLECT, BYE = range(10)


def wait_for(role, name, predicate=lambda payload: True, timeout=5.0):
    """Collect events until one named `name` matches (coalesced events arrive a bit later)."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        for event, payload in role.received():
            seen.append(event)
            if event == name and predicate(payload):
                return payload
        time.sleep(0.02)
    raise AssertionError(f"no matching {name!r} within {timeout}s; saw {seen}")


def test_every_role_gets_a_state_on_connect(console, screen, phone):
    mine = phone()
    events = dict(mine.received())
    assert events["mine"] == {"answers": {}, "consent": {}, "need_moment": False, "done": []}
    state = events["state"]
    assert state["version"] == 1 and state["step"]["index"] == 0
    assert state["step"]["count"] == 10
    assert console.received("state")[0]["role"] == "facilitator"
    assert screen.received("state")[0]["role"] == "screen"


def test_command_is_acked_with_its_version_and_reaches_every_role(console, screen, phone):
    phones = [phone("phone-one"), phone("phone-two")]
    for role in [console, screen, *phones]:
        role.received()
    ack = console.command("next")
    assert ack == {"ok": True, "version": 2}
    for role in [console, screen, *phones]:
        states = role.received("state")
        assert [s["version"] for s in states] == [2]
        assert states[0]["step"]["id"] == "before"


def test_views_keep_notes_and_counts_for_those_who_may_see_them(console, screen, phone):
    phone_view = phone().received("state")[0]
    screen_view = screen.received("state")[0]
    console_view = console.received("state")[0]
    assert "notes" not in phone_view["step"] and "notes" not in screen_view["step"]
    assert console_view["step"]["notes"].startswith("Say hello")
    assert "participants" not in phone_view["session"]
    assert (
        screen_view["session"]["join_url"]
        == f"http://kiosk.test/j/{screen_view['session']['code']}"
    )
    assert "agenda" in console_view and "agenda" not in screen_view
    for secretless in (phone_view, screen_view):
        assert "token" not in str(secretless)


def test_timer_travels_as_a_deadline(console, phone, clock):
    mine = phone()
    console.command("goto", index=SAVOUR)
    console.command("timer_start")
    timer = mine.received("state")[-1]["step"]["timer"]
    assert timer == {
        "duration_ms": 30_000,
        "running": True,
        "ends_at_ms": clock.now_ms + 30_000,
        "remaining_ms": 30_000,
    }


def test_bad_commands_get_clear_errors_and_change_nothing(console):
    console.received()
    cases = [
        ({"action": "goto", "index": 99}, "between 0 and 9"),
        ({"action": "goto", "index": "2"}, "index"),
        ({"action": "goto"}, "index"),
        ({"action": "fly"}, "unknown action"),
        ({"nothing": 1}, "'action' is missing"),
        ({"action": "timer_add", "seconds": 10**9}, "seconds"),
        ({"action": "next", "extra": 1}, "extra"),
        ("next", "expected a JSON object"),
        (None, "expected a JSON object"),
    ]
    for payload, message in cases:
        ack = console.ack("command", payload)
        assert ack["ok"] is False and message in ack["error"], (payload, ack)
    assert console.received("state") == []


def test_answers_are_acked_changeable_and_one_per_phone(console, phone, app, session):
    mine = phone()
    console.command("next")
    first = mine.ack("respond", {"prompt_id": "mood-before", "value": 2})
    assert first["ok"] and first["value"] == 2
    changed = mine.ack("respond", {"prompt_id": "mood-before", "value": 5})
    assert changed["ok"]
    results = wait_for(console, "results", lambda r: r["count"] == 1 and r["mean"] == 5)
    assert results["histogram"][4]["count"] == 1
    stored = app.extensions["attune.store"].answers(session["code"])
    assert [a.value for a in stored] == [5]


def test_a_resent_answer_is_stored_once(console, phone, app, session):
    mine = phone()
    console.command("next")
    message = {"prompt_id": "mood-before", "value": 3, "answer_id": "retry-0123456789"}
    assert mine.ack("respond", message)["ok"]
    assert mine.ack("respond", message)["ok"]
    assert len(app.extensions["attune.store"].answers(session["code"])) == 1


def test_a_retry_after_the_prompt_closed_is_still_acknowledged(console, phone, app, session):
    mine = phone()
    console.command("next")
    message = {"prompt_id": "mood-before", "value": 4, "answer_id": "late-retry-0123456789"}
    assert mine.ack("respond", message)["ok"]  # stored; suppose this ack was lost
    console.command("next")  # the room moves on, the prompt closes
    assert english(mine.ack("respond", message)) == {
        "ok": True,
        "prompt_id": "mood-before",
        "value": 4,
        "answer_id": "late-retry-0123456789",
    }
    fresh = {**message, "answer_id": "new-answer-0123456789"}
    assert mine.ack("respond", fresh)["ok"] is False, "a new answer to a closed prompt is not"
    assert len(app.extensions["attune.store"].answers(session["code"])) == 1


def test_another_phone_cannot_reuse_an_answer_id(console, phone):
    one, two = phone("phone-one"), phone("phone-two")
    console.command("next")
    message = {"prompt_id": "mood-before", "value": 3, "answer_id": "shared-0123456789"}
    assert one.ack("respond", message)["ok"]
    ack = two.ack("respond", message)
    assert ack["ok"] is False and "answer_id" in ack["error"]


def test_bad_answers_are_refused_with_a_reason(console, phone, app, session):
    mine = phone()
    console.command("next")
    cases = [
        ({"prompt_id": "mood-before", "value": 9}, "from 1 to 5"),
        ({"prompt_id": "mood-before", "value": "4"}, "whole number"),
        ({"prompt_id": "mood-before", "value": True}, "value: Input should be a valid integer"),
        ({"prompt_id": "mood-before"}, "value"),
        ({"prompt_id": "nope", "value": 1}, "no such question"),
        ({"prompt_id": "symbol", "value": "hi"}, "not on the current step"),
        ({"prompt_id": "mood-before", "value": "x" * 5000}, "value"),
        ([1, 2], "expected a JSON object"),
    ]
    for payload, message in cases:
        ack = mine.ack("respond", payload)
        assert ack["ok"] is False and message in ack["error"], (payload, ack)
    console.command("prompt_close")
    ack = mine.ack("respond", {"prompt_id": "mood-before", "value": 3})
    assert english(ack) == {"ok": False, "error": "this question is closed for answers"}
    assert app.extensions["attune.store"].answers(session["code"]) == []


def three_phones(phone):
    return [phone(f"phone-{i}") for i in range(3)]


def test_results_reach_screen_and_phones_only_once_revealed(console, screen, phone):
    phones = three_phones(phone)
    console.command("next")
    for value, role in zip((4, 4, 5), phones, strict=True):
        assert role.ack("respond", {"prompt_id": "mood-before", "value": value})["ok"]
    wait_for(console, "results", lambda r: r["count"] == 3)
    time.sleep(0.4)  # longer than the coalescing interval: anything pending has gone out
    for role in (screen, *phones):
        events = role.received()
        assert all(name != "results" for name, _ in events)
        assert all(payload["results"] is None for name, payload in events if name == "state")
    console.command("reveal")
    revealed = screen.received("state")[-1]["results"]
    assert revealed["count"] == 3 and revealed["mean"] == 4.33
    assert phones[0].received("state")[-1]["results"]["histogram"][3]["count"] == 2
    phones[2].ack("respond", {"prompt_id": "mood-before", "value": 1})
    assert wait_for(screen, "results", lambda r: r["mean"] == 3)["count"] == 3


def test_results_stay_hidden_from_the_room_below_the_threshold(console, screen, phone):
    phones = three_phones(phone)
    console.command("next")
    console.command("reveal")
    phones[0].ack("respond", {"prompt_id": "mood-before", "value": 2})
    phones[1].ack("respond", {"prompt_id": "mood-before", "value": 5})
    held = wait_for(screen, "results", lambda r: r["count"] == 2)
    assert english(held) == {
        "prompt_id": "mood-before",
        "kind": "scale",
        "count": 2,
        "below_threshold": True,
        "needed": 1,
    }
    assert "histogram" in wait_for(console, "results", lambda r: r["count"] == 2)
    phones[2].ack("respond", {"prompt_id": "mood-before", "value": 3})
    shown = wait_for(screen, "results", lambda r: r["count"] == 3)
    assert shown["mean"] == 3.33 and "below_threshold" not in shown


def test_words_results_never_carry_answer_ids_to_the_room(console, screen, phone):
    phones = three_phones(phone)
    console.command("goto", index=WORD)
    for word, role in zip(("trust", "Trust ", "the sea"), phones, strict=True):
        role.ack("respond", {"prompt_id": "symbol", "value": word})
    console_results = wait_for(console, "results", lambda r: r["count"] == 3)
    assert all(entry["id"] for entry in console_results["answers"])
    console.command("reveal")
    room = screen.received("state")[-1]["results"]
    assert sorted(room["answers"], key=str) == [
        {"text": "Trust"},
        {"text": "the sea"},
        {"text": "trust"},
    ]
    assert room["words"] == [{"word": "trust", "count": 2}, {"word": "sea", "count": 1}]


def test_the_cloud_counts_a_word_once_per_answer_and_no_markup(console, screen, phone):
    phones = three_phones(phone)
    console.command("goto", index=WORD)
    answers = ("<b>x</b><img src=x onerror=alert(1)>", "calm calm calm calm", "calm, kind")
    for text, role in zip(answers, phones, strict=True):
        assert role.ack("respond", {"prompt_id": "symbol", "value": text})["ok"]
    console.command("reveal")
    room = screen.received("state")[-1]["results"]
    assert room["words"] == [{"word": "calm", "count": 2}, {"word": "kind", "count": 1}]
    assert {"text": answers[0]} in room["answers"]  # still shown as typed


def test_an_over_long_answer_is_refused_with_a_sentence_emoji_counting_as_one(console, phone):
    mine = phone()
    console.command("goto", index=WORD)
    fits = "👨‍👩‍👧" * 100  # the limit is 100; as code points this is 500
    assert mine.ack("respond", {"prompt_id": "symbol", "value": fits})["ok"]
    ack = mine.ack("respond", {"prompt_id": "symbol", "value": fits + "🌱"})
    assert english(ack) == {
        "ok": False,
        "error": "Your answer is 101 characters long and the limit is 100:"
        " please shorten it by 1 character and send it again.",
    }


def test_a_hidden_answer_leaves_the_screen_at_once(console, screen, phone):
    phones = three_phones(phone)
    console.command("goto", index=WORD)
    for word, role in zip(("calm", "rude word", "sun"), phones, strict=True):
        role.ack("respond", {"prompt_id": "symbol", "value": word})
    phone("phone-3").ack("respond", {"prompt_id": "symbol", "value": "tea"})
    entries = wait_for(console, "results", lambda r: r["count"] == 4)["answers"]
    rude = next(e["id"] for e in entries if e["text"] == "rude word")
    console.command("reveal")
    screen.received()
    ack = console.command("hide_response", answer_id=rude)
    assert ack["ok"]
    room = screen.received("state")[-1]["results"]
    assert sorted(e["text"] for e in room["answers"]) == ["calm", "sun", "tea"]
    status = {e["text"]: e["status"] for e in console.received("state")[-1]["results"]["answers"]}
    assert status["rude word"] == "hidden"
    assert console.command("show_response", answer_id=rude)["ok"]
    assert "rude word" in [e["text"] for e in screen.received("state")[-1]["results"]["answers"]]
    unknown = console.command("hide_response", answer_id="no-such-answer-id")
    assert unknown["ok"] is False and "no answer" in unknown["error"]


def test_a_phone_gets_its_own_answers_back_when_it_reconnects(console, phone):
    mine = phone()
    console.command("next")
    mine.ack("respond", {"prompt_id": "mood-before", "value": 4})
    again = phone()
    assert dict(again.received())["mine"]["answers"] == {"mood-before": 4}
    stranger = phone("someone-else")
    assert dict(stranger.received())["mine"]["answers"] == {}


def test_participant_count_follows_connections(console, phone):
    console.received()
    one = phone("phone-one")
    phone("phone-two")
    phone("phone-two")  # the same phone twice counts once
    wait_for(console, "presence", lambda p: p["participants"] == 2)
    one.client.disconnect(namespace="/participant")
    wait_for(console, "presence", lambda p: p["participants"] == 1)


def test_ended_session_takes_no_answers(console, phone):
    mine = phone()
    console.command("next")
    assert console.command("end")["ok"]
    ack = mine.ack("respond", {"prompt_id": "mood-before", "value": 3})
    assert ack["ok"] is False and "ended" in ack["error"]
    assert mine.received("state")[-1]["session"]["ended"] is True


def test_clock_echoes_t0_with_server_time_and_the_version(phone, screen, console, clock):
    for role in (phone(), screen, console):
        reply = role.ack("clock", {"t0": 123.5})
        assert reply == {"t0": 123.5, "server_ms": clock.now_ms, "version": 1}
        assert role.ack("clock", {"t0": "soon"})["ok"] is False


def test_a_client_that_missed_a_broadcast_catches_up_with_a_snapshot(phone, screen, console):
    roles = {"participant": phone(), "screen": screen, "facilitator": console}
    console.command("next")
    for name, role in roles.items():
        role.received()
        assert role.ack("clock", {"t0": 1})["version"] == 2
        assert role.ack("snapshot") == {"ok": True, "version": 2}
        state = role.received("state")[-1]
        assert state["role"] == name and state["step"]["index"] == 1


def test_auto_advance_moves_on_when_the_countdown_ends(console, phone, clock):
    mine = phone()
    console.command("goto", index=SAVOUR)
    console.command("timer_start")
    mine.received()
    clock.advance(30_000)  # the wake-up is scheduled from the fake clock's deadline
    state = wait_for(mine, "state", lambda s: s["step"]["index"] == WORD)
    assert state["step"]["id"] == "word"
