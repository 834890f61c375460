"""The mood grid over the socket: acks, the threshold, the pairing, exports and deletion."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ADMIN_KEY
from tests.conftest import FIXTURES
from tests.socket.test_properties import SETTINGS
from tests.socket.test_properties import check_ack
from tests.socket.test_properties import json_values

OPEN, CLOSE = 1, 3


@pytest.fixture
def app(tmp_path, clock):
    from app import create_app

    return create_app(
        {
            "DB": str(tmp_path / "kiosk.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "WORKSHOP": str(FIXTURES / "checkins.yaml"),
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": clock,
        }
    )


@pytest.fixture
def session(app):
    response = app.test_client().post(
        "/api/sessions",
        json={"workshop": "checkins"},
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert response.status_code == 201, response.json
    return response.json


def mood(p, e):
    return {"pleasantness": p, "energy": e}


def answer(role, prompt_id, value):
    return role.ack("respond", {"prompt_id": prompt_id, "value": value})


def room_and_console(app, session):
    """The results the room and the console are sent now (the broadcast itself is debounced)."""
    kiosk = app.extensions["attune.kiosk"]
    return kiosk.summaries.current(kiosk.load(session["code"]))


def headers(session):
    return {"Authorization": f"Bearer {session['facilitator_token']}"}


def test_a_mood_answer_is_acked_and_kept_as_sent(console, phone):
    console.command("goto", index=OPEN)
    me = phone()
    ack = answer(me, "mood-open", {"energy": -1, "pleasantness": 2})
    assert ack["ok"] and ack["value"] == mood(2, -1)
    state = me.received("state")[-1]
    assert state["step"]["prompt"]["mood"] == {
        "pleasant": "pleasant",
        "unpleasant": "unpleasant",
        "high": "high energy",
        "low": "low energy",
    }


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (mood(4, 0), "pleasantness from -3 to 3"),
        (mood(0, -9), "energy from -3 to 3"),
        ({"pleasantness": 1}, "energy is missing"),
        ({**mood(0, 0), "x": 1}, "remove x"),
        ({"pleasantness": 0.5, "energy": 0}, "whole numbers"),
        (3, "a mood answer is"),
        ("calm", "a mood answer is"),
    ],
)
def test_a_mood_answer_off_the_grid_gets_a_clear_error_and_stores_nothing(
    app, console, phone, session, value, words
):
    console.command("goto", index=OPEN)
    ack = answer(phone(), "mood-open", value)
    assert not ack["ok"] and words in ack["error"]
    assert app.extensions["attune.store"].answers(session["code"]) == []


def test_the_room_sees_no_grid_below_the_threshold(app, console, phone, session):
    console.command("goto", index=OPEN)
    console.command("reveal")
    room = [phone(f"p{i}") for i in range(3)]
    answer(room[0], "mood-open", mood(3, 3))
    answer(room[1], "mood-open", mood(3, 3))
    public, full = room_and_console(app, session)
    assert public == {
        "prompt_id": "mood-open",
        "kind": "mood",
        "count": 2,
        "below_threshold": True,
        "needed": 1,
    }
    assert full["cells"][0][6] == 2
    answer(room[2], "mood-open", mood(-3, -3))
    public, _ = room_and_console(app, session)
    assert public["count"] == 3 and public["cells"][0][6] == 2 and public["cells"][6][0] == 1
    assert public["mean"] == {"pleasantness": 1, "energy": 1}


def test_the_pairing_moves_the_mean_and_counts_who_moved_above_the_threshold(
    app, console, phone, session
):
    room = [phone(f"p{i}") for i in range(3)]
    console.command("goto", index=OPEN)
    for role, before in zip(room, [mood(-2, 2), mood(-1, 3), mood(0, 0)], strict=True):
        assert answer(role, "mood-open", before)["ok"]
    console.command("goto", index=CLOSE)
    console.command("reveal")
    answer(room[0], "mood-close", mood(2, -1))
    answer(room[1], "mood-close", mood(1, 3))
    public, full = room_and_console(app, session)
    assert public["below_threshold"] is True  # two answers, two pairs: both held back
    assert "shift" not in public and "cells" not in public
    assert full["shift"]["pairs"] == 2
    answer(room[2], "mood-close", mood(0, 0))
    public, _ = room_and_console(app, session)
    assert public["shift"] == {
        "pairs": 3,
        "before": {"pleasantness": -1, "energy": 1.67},
        "after": {"pleasantness": 1, "energy": 0.67},
        "toward_pleasant": 2,
        "toward_calm": 1,
    }
    assert public["labels"]["pleasant"] == "bright"
    report = app.test_client().get(
        f"/api/sessions/{session['code']}/report.json", headers=headers(session)
    )
    close = next(p for p in report.json["prompts"] if p["results"]["prompt_id"] == "mood-close")
    assert close["results"]["shift"]["toward_pleasant"] == 2


def test_pairs_below_the_threshold_are_held_back_even_with_enough_answers(
    app, console, phone, session
):
    room = [phone(f"p{i}") for i in range(3)]
    console.command("goto", index=OPEN)
    answer(room[0], "mood-open", mood(0, 0))
    console.command("goto", index=CLOSE)
    console.command("reveal")
    for role in room:
        answer(role, "mood-close", mood(1, 1))
    public, _ = room_and_console(app, session)
    assert public["count"] == 3
    assert public["shift"] == {"pairs": 1, "below_threshold": True, "needed": 2}


def test_the_csv_gives_each_axis_its_column(app, console, phone, session):
    console.command("goto", index=OPEN)
    answer(phone(), "mood-open", mood(-3, 2))
    body = app.test_client().get(
        f"/api/sessions/{session['code']}/export.csv", headers=headers(session)
    )
    assert body.status_code == 200
    rows = list(csv.DictReader(io.StringIO(body.data.decode("utf-8-sig"))))
    assert [(r["kind"], r["value"], r["pleasantness"], r["energy"]) for r in rows] == [
        ("mood", "", "-3", "2")
    ]


def test_deleting_the_answers_deletes_mood_answers_and_keeps_only_figures(
    app, console, phone, session
):
    console.command("goto", index=OPEN)
    for i in range(3):
        answer(phone(f"p{i}"), "mood-open", mood(1, -1))
    client = app.test_client()
    url = f"/api/sessions/{session['code']}"
    assert console.command("delete_answers", confirm=session["code"])["ok"]
    assert app.extensions["attune.store"].answers(session["code"]) == []
    report = client.get(f"{url}/report.json", headers=headers(session)).json
    kept = next(p for p in report["prompts"] if p["results"]["prompt_id"] == "mood-open")
    assert kept["results"]["deleted"] is True and kept["results"]["cells"][4][4] == 3


axis_values = st.one_of(
    st.integers(min_value=-10, max_value=10),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
)
mood_like = st.one_of(
    st.fixed_dictionaries(
        {"pleasantness": axis_values, "energy": axis_values},
        optional={"extra": axis_values, "pleasantness ": axis_values},
    ),
    st.dictionaries(st.sampled_from(["pleasantness", "energy", "mood", ""]), axis_values),
    json_values,
)


@SETTINGS
@given(value=mood_like)
def test_any_mood_value_is_stored_as_a_cell_or_refused_in_words(
    app, session, console, phone, value
):
    console.command("goto", index=OPEN)
    store = app.extensions["attune.store"]
    before = sorted((a.respondent, str(a.value)) for a in store.answers(session["code"]))
    ack = answer(phone(), "mood-open", value)
    check_ack(ack)
    after = sorted((a.respondent, str(a.value)) for a in store.answers(session["code"]))
    if ack["ok"]:
        assert set(ack["value"]) == {"pleasantness", "energy"}
        assert all(type(v) is int and -3 <= v <= 3 for v in ack["value"].values())
        assert ack["value"] == {k: value[k] for k in ("pleasantness", "energy")}
    else:
        assert after == before
        assert "mood" in ack["error"] or "grid" in ack["error"] or "value" in ack["error"]


def test_ending_drops_the_pairing_but_keeps_the_mood_shift(app, console, phone, session):
    room = [phone(f"p{i}") for i in range(3)]
    console.command("goto", index=OPEN)
    for role in room:
        answer(role, "mood-open", mood(-1, 2))
    console.command("goto", index=CLOSE)
    for role in room:
        answer(role, "mood-close", mood(1, 0))
    assert console.command("end")["ok"]
    store = app.extensions["attune.store"]
    before = {a.respondent for a in store.answers(session["code"], "mood-open")}
    after = {a.respondent for a in store.answers(session["code"], "mood-close")}
    assert not before & after, "no stored hash pairs a phone's answers any more"
    report = app.test_client().get(
        f"/api/sessions/{session['code']}/report.json", headers=headers(session)
    )
    close = next(p for p in report.json["prompts"] if p["results"]["prompt_id"] == "mood-close")
    assert close["results"]["shift"] == {
        "pairs": 3,
        "before": {"pleasantness": -1, "energy": 2},
        "after": {"pleasantness": 1, "energy": 0},
        "toward_pleasant": 3,
        "toward_calm": 3,
    }
