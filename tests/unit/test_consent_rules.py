"""Consent before touch steps: each touch step is asked on its own, and the console is reminded.

Calm and Connect has two touch steps in a row (the hug, then the head rub), which is where a
choice could silently carry over from one to the next.
"""

from dataclasses import replace
from pathlib import Path

import pytest

from workshop.messages import COMMAND_ADAPTER
from workshop.script import load_workshop
from workshop.session import CommandError
from workshop.session import SessionState
from workshop.session import apply_command
from workshop.session import consent_reminder
from workshop.session import consent_target
from workshop.session import new_session

NOW = 1_800_000_000_000
CALM = Path(__file__).resolve().parents[2] / "workshop" / "library" / "calm-and-connect.yaml"
DEEPEN, HUG, HEAD_RUB, EYES = 5, 6, 7, 8


def cmd(action, **fields):
    return COMMAND_ADAPTER.validate_python({"action": action, **fields})


@pytest.fixture(scope="module")
def calm():
    workshop = load_workshop(CALM)
    ids = [step.id for step in workshop.steps]
    assert ids[DEEPEN : EYES + 1] == ["savour-longer", "hug", "head-rub", "through-their-eyes"]
    return workshop


def at(calm, index, state=None):
    state = state or new_session("ABC234", calm, NOW)
    return apply_command(state, calm, cmd("goto", index=index), NOW)


def test_the_step_before_a_touch_step_reminds_until_the_room_is_asked(calm):
    before = at(calm, DEEPEN)
    assert consent_reminder(before, calm) == "hug"
    assert consent_target(before, calm) == "hug"
    asked = apply_command(before, calm, cmd("consent_open"), NOW)
    assert (asked.consent_step, asked.consent_asked) == ("hug", ("hug",))
    assert consent_reminder(asked, calm) is None
    # Stopping the question does not make the step "not asked" again.
    stopped = apply_command(asked, calm, cmd("consent_close"), NOW)
    assert stopped.consent_step is None and consent_reminder(stopped, calm) is None


def test_asking_about_the_hug_does_not_ask_about_the_head_rub(calm):
    hug = apply_command(at(calm, DEEPEN), calm, cmd("consent_open"), NOW)
    hug = apply_command(hug, calm, cmd("next"), NOW)
    assert hug.step_index == HUG and hug.consent_step == "hug"
    # On the hug, the next touch step still needs its own question: the console is reminded,
    # and "Ask consent" now means the head rub.
    assert consent_reminder(hug, calm) == "head-rub"
    assert consent_target(hug, calm) == "head-rub"
    head_rub = apply_command(hug, calm, cmd("next"), NOW)
    assert head_rub.step_index == HEAD_RUB
    assert head_rub.consent_step is None, "the hug's question must not carry over"
    assert head_rub.consent_asked == ("hug",)
    assert consent_target(head_rub, calm) == "head-rub"
    asked = apply_command(head_rub, calm, cmd("consent_open"), NOW)
    assert (asked.consent_step, asked.consent_asked) == ("head-rub", ("hug", "head-rub"))


def test_asking_for_the_next_touch_step_during_the_current_one(calm):
    hug = apply_command(at(calm, HUG), calm, cmd("consent_open"), NOW)
    assert hug.consent_step == "hug", "a touch step not yet asked is asked first"
    following = apply_command(hug, calm, cmd("consent_open"), NOW)
    assert following.consent_step == "head-rub"
    assert consent_reminder(following, calm) is None
    moved = apply_command(following, calm, cmd("next"), NOW)
    assert moved.consent_step == "head-rub", "asked before it, the question stays on the step"
    # Once both were asked, "Ask consent" on the hug asks about the hug again.
    back = apply_command(moved, calm, cmd("prev"), NOW)
    assert back.consent_step is None and consent_target(back, calm) == "hug"


def test_a_named_step_is_asked_and_remembered(calm):
    welcome = new_session("ABC234", calm, NOW)
    assert consent_target(welcome, calm) is None
    with pytest.raises(CommandError, match="neither this step nor the next"):
        apply_command(welcome, calm, cmd("consent_open"), NOW)
    named = apply_command(welcome, calm, cmd("consent_open", step_id="head-rub"), NOW)
    assert named.consent_asked == ("head-rub",)
    assert consent_reminder(at(calm, HUG, named), calm) is None
    with pytest.raises(CommandError, match="asks for no consent"):
        apply_command(welcome, calm, cmd("consent_open", step_id="welcome"), NOW)


def test_no_reminder_where_the_next_step_is_not_a_touch_step_or_the_session_ended(calm):
    assert consent_reminder(at(calm, HEAD_RUB), calm) is None
    assert consent_reminder(at(calm, len(calm.steps) - 1), calm) is None
    ended = apply_command(at(calm, DEEPEN), calm, cmd("end"), NOW)
    assert consent_reminder(ended, calm) is None


def test_consent_asked_on_entering_counts_as_asked(calm):
    on_enter = calm.model_copy(update={"consent_on_enter": True})
    hug = at(on_enter, HUG)
    assert (hug.consent_step, hug.consent_asked) == ("hug", ("hug",))
    assert consent_reminder(hug, on_enter) == "head-rub"


def test_the_asked_steps_survive_the_store_and_older_records_load(calm):
    asked = apply_command(at(calm, DEEPEN), calm, cmd("consent_open"), NOW)
    assert SessionState.from_record(asked.to_record()) == asked
    older = asked.to_record()
    del older["consent_asked"]  # saved before this field existed
    assert SessionState.from_record(older) == replace(asked, consent_asked=())
