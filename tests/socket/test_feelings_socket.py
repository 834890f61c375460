"""Naming feelings over the socket: acks in words, the threshold, the pairing and the CSV."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.socket.test_mood_socket import answer
from tests.socket.test_mood_socket import app  # noqa: F401  (the check-ins kiosk)
from tests.socket.test_mood_socket import headers
from tests.socket.test_mood_socket import room_and_console
from tests.socket.test_mood_socket import session  # noqa: F401
from tests.socket.test_properties import SETTINGS
from tests.socket.test_properties import check_ack
from tests.socket.test_properties import json_values
from workshop.script import DEFAULT_FEELINGS

NAMING, AGAIN = 4, 5


def test_the_phone_is_offered_the_default_feelings_and_its_answer_is_kept_in_their_order(
    console, phone
):
    console.command("goto", index=NAMING)
    me = phone()
    prompt = me.received("state")[-1]["step"]["prompt"]
    assert prompt["options"] == DEFAULT_FEELINGS["en"] and prompt["max_choices"] == 3
    ack = answer(me, "feel-open", ["hopeful", "calm"])
    assert ack["ok"] and ack["value"] == ["calm", "hopeful"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ([], "choose at least one feeling (up to 3)"),
        (["calm", "joyful"], "choose only among the feelings shown"),
        (["calm", "calm"], "each feeling can be chosen once"),
        (["calm", "safe", "warm", "sad"], "choose at most 3 feelings (4 were sent)"),
        ("calm", "a feelings answer is a list of 1 to 3 of the feelings shown"),
        ([1], "a feelings answer is a list of 1 to 3 of the feelings shown"),
    ],
)
def test_a_feelings_answer_that_does_not_fit_gets_a_clear_error_and_stores_nothing(
    app,  # noqa: F811
    console,
    phone,
    session,  # noqa: F811
    value,
    words,
):
    console.command("goto", index=NAMING)
    ack = answer(phone(), "feel-open", value)
    assert not ack["ok"] and ack["error"] == words
    assert app.extensions["attune.store"].answers(session["code"]) == []


def test_bars_are_held_back_below_the_threshold_then_sorted_by_count(app, console, phone, session):  # noqa: F811
    console.command("goto", index=NAMING)
    room = [phone(f"p{i}") for i in range(3)]
    answer(room[0], "feel-open", ["tense", "tired"])
    answer(room[1], "feel-open", ["tired"])
    public, full = room_and_console(app, session)
    assert public["below_threshold"] is True and "options" not in public and public["needed"] == 1
    assert full["options"][0] == {"option": "tired", "count": 2, "percent": 100}
    answer(room[2], "feel-open", ["calm", "tense"])
    public, _ = room_and_console(app, session)
    top = [(o["option"], o["count"]) for o in public["options"][:4]]
    # tired and tense tie at 2: tired is offered before tense.
    assert top == [("tired", 2), ("tense", 2), ("calm", 1), ("safe", 0)]
    assert len(public["options"]) == 10


def test_the_pairing_names_what_grew_and_shrank_once_enough_phones_answered_both(
    app,  # noqa: F811
    console,
    phone,
    session,  # noqa: F811
):
    room = [phone(f"p{i}") for i in range(4)]
    console.command("goto", index=NAMING)
    for role in room[:3]:
        answer(role, "feel-open", ["tense", "restless"])
    console.command("goto", index=AGAIN)
    answer(room[0], "feel-close", ["calm", "restless"])
    answer(room[1], "feel-close", ["calm"])
    answer(room[3], "feel-close", ["tense"])  # no "before": not a pair
    public, full = room_and_console(app, session)
    assert public["count"] == 3
    assert public["shift"] == {"pairs": 2, "below_threshold": True, "needed": 1}
    assert full["shift"]["pairs"] == 2
    answer(room[2], "feel-close", ["calm", "warm"])
    public, _ = room_and_console(app, session)
    shift = public["shift"]
    assert shift["pairs"] == 3
    assert shift["grew"] == ["calm", "warm"] and shift["shrank"] == ["tense", "restless"]
    calm = next(f for f in shift["feelings"] if f["option"] == "calm")
    assert calm == {"option": "calm", "before": 0, "after": 3, "change": 3}


def test_the_csv_gives_each_chosen_feeling_a_row(app, console, phone, session):  # noqa: F811
    console.command("goto", index=NAMING)
    answer(phone(), "feel-open", ["warm", "calm"])
    body = app.test_client().get(
        f"/api/sessions/{session['code']}/export.csv", headers=headers(session)
    )
    rows = list(csv.DictReader(io.StringIO(body.data.decode("utf-8-sig"))))
    assert [(r["respondent"], r["kind"], r["value"]) for r in rows] == [
        ("r1", "feelings", "calm"),
        ("r1", "feelings", "warm"),
    ]
    exported = app.test_client().get(
        f"/api/sessions/{session['code']}/export.json", headers=headers(session)
    )
    assert exported.json["answers"][0]["value"] == ["calm", "warm"]


feeling_lists = st.one_of(
    st.lists(st.sampled_from([*DEFAULT_FEELINGS["en"], "joyful", "Calm", ""]), max_size=6),
    st.lists(json_values, max_size=4),
    json_values,
)


@SETTINGS
@given(value=feeling_lists)
def test_any_feelings_value_is_stored_as_offered_names_or_refused_in_words(
    app,  # noqa: F811
    session,  # noqa: F811
    console,
    phone,
    value,
):
    console.command("goto", index=NAMING)
    store = app.extensions["attune.store"]
    before = sorted((a.respondent, str(a.value)) for a in store.answers(session["code"]))
    ack = answer(phone(), "feel-open", value)
    check_ack(ack)
    if ack["ok"]:
        chosen = ack["value"]
        assert 1 <= len(chosen) <= 3 and len(set(chosen)) == len(chosen)
        assert chosen == [name for name in DEFAULT_FEELINGS["en"] if name in value]
    else:
        after = sorted((a.respondent, str(a.value)) for a in store.answers(session["code"]))
        assert after == before
