"""Consent through the sockets, on Calm and Connect's two touch steps in a row (hug, head rub).

Counts stay on the console while a touch step runs, the console is reminded before each touch
step, and a choice for the hug never counts for the head rub. Nobody is named: counts only.
"""

import pytest

from tests.conftest import ADMIN_KEY
from tests.socket.test_session_flow import wait_for

DEEPEN, HUG, HEAD_RUB = 5, 6, 7
ZERO = {"join": 0, "alternative": 0, "skip": 0}


@pytest.fixture
def calm(app):
    response = app.test_client().post(
        "/api/sessions",
        json={"workshop": "calm-and-connect"},
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def console(connect, calm):
    role = connect("/facilitator", {"code": calm["code"], "token": calm["facilitator_token"]})
    assert role.connected
    return role


@pytest.fixture
def room(join, calm):
    phones = [join(calm["code"], f"calmphone-{i}") for i in range(3)]
    assert all(phone.connected for phone in phones)
    return phones


def last_state(role):
    return role.received("state")[-1]


def choose(phones, step_id, choices):
    for phone, choice in zip(phones, choices, strict=True):
        assert phone.ack("consent", {"step_id": step_id, "choice": choice})["ok"]


def test_stop_asking_keeps_the_counts_while_the_touch_step_runs(console, room):
    console.command("goto", index=HUG)
    assert console.command("consent_open")["ok"]
    choose(room, "hug", ("join", "alternative", "skip"))
    counts = {"join": 1, "alternative": 1, "skip": 1}
    wait_for(console, "care", lambda c: c["consent"] and c["consent"]["skip"] == 1)
    console.command("timer_start")
    assert console.command("consent_close")["ok"]
    care = last_state(console)["care"]
    assert care["consent"] is None, "nobody is being asked any more"
    assert care["step_consent"] == {
        "step_id": "hug",
        "title": "A twenty-second hug",
        "asked": True,
        "asking": False,
        **counts,
    }
    # Collection stops: a late or changed choice is refused, and the counts do not move.
    refused = room[0].ack("consent", {"step_id": "hug", "choice": "skip"})
    assert refused["ok"] is False and "not being asked" in refused["error"]
    # Any later change (here, extra time) brings the same counts along with the state.
    console.command("timer_add", seconds=30)
    assert last_state(console)["care"]["step_consent"]["join"] == 1
    for phone in room:
        for name, payload in phone.received():
            assert name != "care"
            if name == "state":
                assert "care" not in payload and "consent_reminder" not in payload


def test_the_console_is_reminded_before_each_touch_step(console):
    console.command("goto", index=DEEPEN)
    view = last_state(console)
    assert view["consent_reminder"] == {"step_id": "hug", "title": "A twenty-second hug"}
    assert view["consent_target"] == view["consent_reminder"]
    console.command("consent_open")
    assert last_state(console)["consent_reminder"] is None
    console.command("next")
    view = last_state(console)
    assert view["step"]["id"] == "hug"
    assert view["consent_reminder"] == {"step_id": "head-rub", "title": "Two-minute head rub"}
    assert view["consent_target"] == view["consent_reminder"]
    console.command("next")
    view = last_state(console)
    assert view["consent_reminder"] is None, "after the head rub comes no touch step"
    assert view["consent_target"] == {"step_id": "head-rub", "title": "Two-minute head rub"}
    assert view["care"]["step_consent"] == {
        "step_id": "head-rub",
        "title": "Two-minute head rub",
        "asked": False,
        "asking": False,
        **ZERO,
    }


def test_choices_for_the_hug_do_not_count_for_the_head_rub(console, room, join, calm):
    console.command("goto", index=DEEPEN)
    console.command("consent_open")
    choose(room, "hug", ("join", "join", "alternative"))
    console.command("next")  # the hug: its question stays open on the step
    assert last_state(room[0])["consent_ask"]["step_id"] == "hug"
    # The console asks about the head rub during the hug ("Ask consent" now targets it).
    assert console.command("consent_open")["ok"]
    care = last_state(console)["care"]
    assert care["consent"] == {"step_id": "head-rub", "title": "Two-minute head rub", **ZERO}
    assert care["step_consent"]["join"] == 2, "the hug's counts stay beside it"
    asked = last_state(room[0])["consent_ask"]
    assert asked["step_id"] == "head-rub" and "head rub" in asked["question"]
    # One choice is made for the head rub: the hug's three are not copied over.
    choose(room[:1], "head-rub", ("skip",))
    late = room[1].ack("consent", {"step_id": "hug", "choice": "skip"})
    assert late["ok"] is False, "the hug is no longer being asked"
    care = wait_for(console, "care", lambda c: c["consent"]["skip"] == 1)
    assert care["consent"] == {
        "step_id": "head-rub",
        "title": "Two-minute head rub",
        **{**ZERO, "skip": 1},
    }
    console.command("next")
    step_consent = last_state(console)["care"]["step_consent"]
    assert step_consent == {
        "step_id": "head-rub",
        "title": "Two-minute head rub",
        "asked": True,
        "asking": True,
        **{**ZERO, "skip": 1},
    }
    # Each phone gets back its own choices, one per touch step, when it connects again.
    for name, expected in (
        ("calmphone-0", {"hug": "join", "head-rub": "skip"}),
        ("calmphone-1", {"hug": "join"}),
    ):
        again = join(calm["code"], name)
        assert dict(again.received())["mine"]["consent"] == expected


def test_a_touch_step_never_asked_shows_zero_counts_and_asks_for_itself(console, room):
    console.command("goto", index=HEAD_RUB)
    care = last_state(console)["care"]
    assert care["consent"] is None
    assert care["step_consent"]["asked"] is False and care["step_consent"]["join"] == 0
    assert last_state(room[0])["consent_ask"] is None
    refused = room[0].ack("consent", {"step_id": "head-rub", "choice": "join"})
    assert refused["ok"] is False
