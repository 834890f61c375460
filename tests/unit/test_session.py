"""The session state machine: every command, with an injected clock."""

import pytest

from workshop.messages import COMMAND_ADAPTER
from workshop.results import AnswerError
from workshop.session import LATE_ANSWER_MS
from workshop.session import CommandError
from workshop.session import SessionState
from workshop.session import advance_if_due
from workshop.session import apply_command
from workshop.session import close_answers_for_good
from workshop.session import late_answer_time
from workshop.session import new_session

NOW = 1_800_000_000_000
WELCOME, BEFORE, BREATHE, SAVOUR, WORD, PICK, AFTER, HUG, REFLECT, BYE = range(10)


def cmd(action, **fields):
    return COMMAND_ADAPTER.validate_python({"action": action, **fields})


def at(state, tiny, index):
    return apply_command(state, tiny, cmd("goto", index=index), NOW)


@pytest.fixture
def start(tiny):
    return new_session("ABC234", tiny, NOW)


def test_new_session_is_on_the_first_step_at_version_1(start):
    assert start.version == 1
    assert start.step_index == WELCOME
    assert start.timer is None
    assert start.step_log == ((0, NOW),)


def test_next_and_prev_move_and_bump_the_version(start, tiny):
    moved = apply_command(start, tiny, cmd("next"), NOW + 5)
    assert (moved.step_index, moved.version) == (BEFORE, 2)
    back = apply_command(moved, tiny, cmd("prev"), NOW + 9)
    assert (back.step_index, back.version) == (WELCOME, 3)
    assert back.step_log[-1] == (WELCOME, NOW + 9)


def test_cannot_go_before_the_first_or_past_the_last_step(start, tiny):
    with pytest.raises(CommandError, match="first step"):
        apply_command(start, tiny, cmd("prev"), NOW)
    last = at(start, tiny, BYE)
    with pytest.raises(CommandError, match="last step"):
        apply_command(last, tiny, cmd("next"), NOW)


def test_goto_checks_the_index(start, tiny):
    assert at(start, tiny, SAVOUR).step_index == SAVOUR
    with pytest.raises(CommandError, match="between 0 and 9"):
        apply_command(start, tiny, cmd("goto", index=10), NOW)
    assert apply_command(start, tiny, cmd("goto", index=0), NOW) is start


def test_entering_a_step_gives_a_fresh_timer_of_its_length(start, tiny):
    assert at(start, tiny, SAVOUR).timer.remaining_ms(NOW) == 30_000
    assert at(start, tiny, BREATHE).timer.duration_ms == 36_000
    assert at(start, tiny, WORD).timer is None


def test_timer_commands(start, tiny):
    state = at(start, tiny, SAVOUR)
    state = apply_command(state, tiny, cmd("timer_start"), NOW)
    assert state.timer.ends_at_ms == NOW + 30_000
    state = apply_command(state, tiny, cmd("timer_pause"), NOW + 10_000)
    assert state.timer.remaining_ms(NOW + 99_000) == 20_000
    state = apply_command(state, tiny, cmd("timer_add", seconds=30), NOW + 10_000)
    assert state.timer.remaining_ms(NOW) == 50_000
    state = apply_command(state, tiny, cmd("timer_resume"), NOW + 20_000)
    assert state.timer.ends_at_ms == NOW + 70_000
    state = apply_command(state, tiny, cmd("timer_reset"), NOW + 21_000)
    assert not state.timer.running and state.timer.remaining_ms(NOW) == 30_000


def test_timer_commands_on_a_step_without_timer_are_refused(start, tiny):
    for action in ("timer_start", "timer_pause", "timer_resume", "timer_reset"):
        with pytest.raises(CommandError, match="no countdown"):
            apply_command(start, tiny, cmd(action), NOW)


def test_a_command_that_changes_nothing_keeps_the_version(start, tiny):
    state = at(start, tiny, SAVOUR)
    assert apply_command(state, tiny, cmd("timer_pause"), NOW) is state


def test_prompts_open_on_entering_their_step_and_close_on_leaving(start, tiny):
    state = apply_command(start, tiny, cmd("next"), NOW)
    assert state.prompt_state("mood-before").open
    state = apply_command(state, tiny, cmd("next"), NOW)
    assert not state.prompt_state("mood-before").open


def test_prompt_commands(start, tiny):
    state = at(start, tiny, BEFORE)
    state = apply_command(state, tiny, cmd("prompt_close"), NOW)
    assert not state.prompt_state("mood-before").open
    state = apply_command(state, tiny, cmd("prompt_open"), NOW)
    assert state.prompt_state("mood-before").open
    state = apply_command(state, tiny, cmd("reveal"), NOW)
    assert state.prompt_state("mood-before").revealed
    state = apply_command(state, tiny, cmd("hide_results"), NOW)
    assert not state.prompt_state("mood-before").revealed
    with pytest.raises(CommandError, match="no prompt"):
        apply_command(start, tiny, cmd("reveal"), NOW)


def test_end_closes_prompts_pauses_the_timer_and_refuses_more(start, tiny):
    state = at(start, tiny, SAVOUR)
    state = apply_command(state, tiny, cmd("timer_start"), NOW)
    ended = apply_command(state, tiny, cmd("end"), NOW + 1_000)
    assert ended.ended and not ended.timer.running
    assert ended.timer.remaining_ms(NOW + 50_000) == 29_000
    with pytest.raises(CommandError, match="ended"):
        apply_command(ended, tiny, cmd("next"), NOW)


def test_ending_an_ended_session_changes_nothing(start, tiny):
    ended = apply_command(start, tiny, cmd("end"), NOW + 1_000)
    assert apply_command(ended, tiny, cmd("end"), NOW + 9_000) is ended


def test_auto_advance_only_when_the_countdown_has_ended(start, tiny):
    state = at(start, tiny, SAVOUR)
    assert advance_if_due(state, tiny, NOW + 99_999) is state  # not started
    state = apply_command(state, tiny, cmd("timer_start"), NOW)
    assert advance_if_due(state, tiny, NOW + 29_999) is state
    moved = advance_if_due(state, tiny, NOW + 30_000)
    assert moved.step_index == WORD and moved.version == state.version + 1
    other = at(start, tiny, BREATHE)  # no auto_advance on this step
    other = apply_command(other, tiny, cmd("timer_start"), NOW)
    assert advance_if_due(other, tiny, NOW + 10**9) is other


def test_state_record_round_trip(start, tiny):
    state = apply_command(at(start, tiny, SAVOUR), tiny, cmd("timer_start"), NOW)
    assert SessionState.from_record(state.to_record()) == state


def test_timer_start_runs_only_a_countdown_that_waits(start, tiny):
    state = at(start, tiny, SAVOUR)
    running = apply_command(state, tiny, cmd("timer_start"), NOW)
    with pytest.raises(CommandError, match="already running"):
        apply_command(running, tiny, cmd("timer_start"), NOW + 5_000)
    paused = apply_command(running, tiny, cmd("timer_pause"), NOW + 5_000)
    with pytest.raises(CommandError, match="Resume"):
        apply_command(paused, tiny, cmd("timer_start"), NOW + 6_000)
    extended = apply_command(running, tiny, cmd("timer_add", seconds=30), NOW + 1_000)
    with pytest.raises(CommandError, match="Reset"):
        apply_command(extended, tiny, cmd("timer_start"), NOW + 60_000)  # at 0:00
    reset = apply_command(extended, tiny, cmd("timer_reset"), NOW + 61_000)
    again = apply_command(reset, tiny, cmd("timer_start"), NOW + 62_000)
    assert again.timer.ends_at_ms == NOW + 62_000 + 30_000, "Reset gives back the step's length"


def test_prompts_keep_when_they_were_open(start, tiny):
    state = apply_command(start, tiny, cmd("next"), NOW + 1_000)
    assert state.prompt_state("mood-before").opened_ms == NOW + 1_000
    state = apply_command(state, tiny, cmd("prompt_close"), NOW + 5_000)
    state = apply_command(state, tiny, cmd("prompt_open"), NOW + 7_000)
    assert apply_command(state, tiny, cmd("prompt_open"), NOW + 8_000) is state
    state = apply_command(state, tiny, cmd("next"), NOW + 9_000)
    periods = state.prompt_state("mood-before").closed_periods
    assert periods == ((NOW + 1_000, NOW + 5_000), (NOW + 7_000, NOW + 9_000))
    assert SessionState.from_record(state.to_record()) == state
    # Periods older than the late-answer window are dropped at the next close.
    later = NOW + 9_000 + LATE_ANSWER_MS + 1
    state = apply_command(state, tiny, cmd("prev"), later)
    state = apply_command(state, tiny, cmd("next"), later + 1_000)
    assert state.prompt_state("mood-before").closed_periods == ((later, later + 1_000),)


def test_a_late_answer_counts_if_given_while_open_and_closed_only_recently(start, tiny):
    state = apply_command(start, tiny, cmd("next"), NOW)  # mood-before opens at NOW
    state = apply_command(state, tiny, cmd("next"), NOW + 20_000)  # and closes
    assert late_answer_time(state, "mood-before", NOW + 15_000, NOW + 60_000) == NOW + 15_000
    # A tap a moment after the close, as the phone still showed the question, counts at the close.
    assert late_answer_time(state, "mood-before", NOW + 20_500, NOW + 60_000) == NOW + 20_000
    with pytest.raises(AnswerError, match="already closed when you answered"):
        late_answer_time(state, "mood-before", NOW + 25_000, NOW + 60_000)
    with pytest.raises(AnswerError, match="already closed when you answered"):
        late_answer_time(state, "mood-before", NOW - 60_000, NOW + 60_000)  # before it opened
    with pytest.raises(AnswerError, match="in the future"):
        late_answer_time(state, "mood-before", NOW + 90_000, NOW + 60_000)
    too_late = NOW + 20_000 + LATE_ANSWER_MS + 1
    with pytest.raises(AnswerError, match="more than 5 minutes after"):
        late_answer_time(state, "mood-before", NOW + 15_000, too_late)
    with pytest.raises(AnswerError, match="already closed"):
        late_answer_time(state, "keep", NOW + 15_000, NOW + 60_000)  # never open
    ended = apply_command(state, tiny, cmd("end"), NOW + 30_000)
    with pytest.raises(AnswerError, match="ended"):
        late_answer_time(ended, "mood-before", NOW + 15_000, NOW + 40_000)


def test_deleted_answers_close_every_prompt_for_good(start, tiny):
    state = apply_command(start, tiny, cmd("next"), NOW)
    state = apply_command(state, tiny, cmd("reveal"), NOW)
    closed = close_answers_for_good(state, NOW + 1_000)
    assert closed.version == state.version + 1 and closed.answers_deleted
    prompt = closed.prompt_state("mood-before")
    assert not prompt.open and not prompt.revealed
    assert close_answers_for_good(closed, NOW + 2_000) is closed
    for action in ("prompt_open", "reveal"):
        with pytest.raises(CommandError, match="deleted this session's answers"):
            apply_command(closed, tiny, cmd(action), NOW + 2_000)
    moved = apply_command(closed, tiny, cmd("goto", index=WORD), NOW + 3_000)
    assert not moved.prompt_state("symbol").open, "no prompt opens again on entering its step"
    with pytest.raises(AnswerError, match="deleted this session's answers"):
        late_answer_time(moved, "mood-before", NOW + 500, NOW + 4_000)
    assert SessionState.from_record(moved.to_record()) == moved
