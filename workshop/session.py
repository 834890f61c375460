"""The live session as a state machine: pure functions from (state, command, now) to state.

Nothing here does I/O. The service loads a state from the store, calls `apply_command`, and
saves the result with an optimistic version check before anything is acknowledged or sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from workshop.errors import N_
from workshop.errors import AttuneError
from workshop.messages import Command
from workshop.results import AnswerError
from workshop.script import Workshop
from workshop.timer import FINISHED
from workshop.timer import PAUSED
from workshop.timer import READY
from workshop.timer import RUNNING
from workshop.timer import Timer

ANSWERS_DELETED = N_("the facilitator deleted this session's answers; answers are closed")

# What a console is told when it drives a session that is over; names the page that exists.
SESSION_ENDED = N_(
    "This session has ended. To run the workshop again, start a new session from the "
    "facilitator home (/home)."
)


class CommandError(AttuneError, ValueError):
    """A command that cannot be applied now; the message tells the facilitator why."""


# An answer given while a prompt was open but sent from a phone that was offline may arrive
# after the prompt closed. It still counts if it arrives within this long of the close: enough
# for a Wi-Fi drop or a locked phone during the next exercise, short enough that figures the
# room has already discussed do not keep moving.
LATE_ANSWER_MS = 5 * 60 * 1000
# A phone's estimate of server time is off by a round trip at most (tens of milliseconds on a
# venue's Wi-Fi); a tap this close after the close, as the phone still showed the question, counts.
CLOCK_SLACK_MS = 1000


@dataclass(frozen=True)
class PromptState:
    """Whether a prompt takes answers, whether its results are shown, and when it was open.

    `opened_ms` is when the current open period began (None while closed); `closed_periods`
    keeps the `(opened_ms, closed_ms)` periods that closed within `LATE_ANSWER_MS`, so that a
    late answer can be checked against the time it was given.
    """

    open: bool = False
    revealed: bool = False
    opened_ms: int | None = None
    closed_periods: tuple[tuple[int, int], ...] = ()

    def opened(self, now_ms: int) -> PromptState:
        """This prompt taking answers from `now_ms` (unchanged if it already does)."""
        if self.open:
            return self
        return replace(self, open=True, opened_ms=now_ms)

    def closed(self, now_ms: int) -> PromptState:
        """This prompt closed at `now_ms`, its open period kept while late answers may come."""
        if not self.open:
            return self
        recent = tuple(p for p in self.closed_periods if p[1] >= now_ms - LATE_ANSWER_MS)
        if self.opened_ms is not None:
            recent += ((self.opened_ms, now_ms),)
        return replace(self, open=False, opened_ms=None, closed_periods=recent)

    def closed_period_at(self, given_ms: int) -> tuple[int, int] | None:
        """The closed open period that contains `given_ms` (with the clock's slack), if any."""
        for opened_ms, closed_ms in reversed(self.closed_periods):
            if opened_ms - CLOCK_SLACK_MS <= given_ms <= closed_ms + CLOCK_SLACK_MS:
                return opened_ms, closed_ms
        return None


@dataclass(frozen=True)
class SessionState:
    """Everything that defines where the room is. Answers live beside it in the store."""

    code: str
    version: int
    step_index: int
    timer: Timer | None
    prompts: dict[str, PromptState] = field(default_factory=dict)
    ended: bool = False
    created_ms: int = 0
    # [step index, server time the step was entered]: the timings a report shows.
    step_log: tuple[tuple[int, int], ...] = ()
    # The step whose consent question phones are offered now, if any.
    consent_step: str | None = None
    ended_ms: int | None = None
    # Touch steps the room has been asked about, in the order first asked. Each touch step has
    # its own consent, so a step missing here has not been asked yet, whatever came before it.
    consent_asked: tuple[str, ...] = ()
    # The facilitator deleted the answers: prompts stay closed for good (docs/protocol.md).
    answers_deleted: bool = False

    def prompt_state(self, prompt_id: str) -> PromptState:
        """The state of a prompt; prompts never touched are closed and hidden."""
        return self.prompts.get(prompt_id, PromptState())

    def to_record(self) -> dict:
        """A JSON-able form for the store."""
        return {
            "code": self.code,
            "version": self.version,
            "step_index": self.step_index,
            "timer": self.timer.to_record() if self.timer else None,
            "prompts": {
                prompt_id: {
                    "open": p.open,
                    "revealed": p.revealed,
                    "opened_ms": p.opened_ms,
                    "closed_periods": [list(period) for period in p.closed_periods],
                }
                for prompt_id, p in self.prompts.items()
            },
            "ended": self.ended,
            "created_ms": self.created_ms,
            "step_log": [list(entry) for entry in self.step_log],
            "consent_step": self.consent_step,
            "ended_ms": self.ended_ms,
            "consent_asked": list(self.consent_asked),
            "answers_deleted": self.answers_deleted,
        }

    @classmethod
    def from_record(cls, record: dict) -> SessionState:
        """Rebuild a state from `to_record` output."""
        return cls(
            code=record["code"],
            version=int(record["version"]),
            step_index=int(record["step_index"]),
            timer=Timer.from_record(record["timer"]) if record.get("timer") else None,
            prompts={
                prompt_id: PromptState(
                    open=bool(p["open"]),
                    revealed=bool(p["revealed"]),
                    opened_ms=p.get("opened_ms"),
                    closed_periods=tuple((int(a), int(b)) for a, b in p.get("closed_periods", [])),
                )
                for prompt_id, p in record.get("prompts", {}).items()
            },
            ended=bool(record.get("ended", False)),
            created_ms=int(record.get("created_ms", 0)),
            step_log=tuple((int(a), int(b)) for a, b in record.get("step_log", [])),
            consent_step=record.get("consent_step"),
            ended_ms=record.get("ended_ms"),
            consent_asked=tuple(record.get("consent_asked", ())),
            answers_deleted=bool(record.get("answers_deleted", False)),
        )


def new_session(code: str, workshop: Workshop, now_ms: int) -> SessionState:
    """A session standing on the first step of the workshop, version 1."""
    state = SessionState(code=code, version=0, step_index=0, timer=None, created_ms=now_ms)
    return replace(_enter_step(state, workshop, 0, now_ms), version=1)


def _enter_step(state: SessionState, workshop: Workshop, index: int, now_ms: int) -> SessionState:
    """Move to a step: a fresh timer, the old step's prompt closed, the new one opened.

    Prompts open on entering their step because the room expects to answer what it sees;
    the facilitator can still close and reopen them.
    """
    prompts = dict(state.prompts)
    old_prompt = workshop.steps[state.step_index].prompt
    if old_prompt is not None and old_prompt.id in prompts:
        prompts[old_prompt.id] = prompts[old_prompt.id].closed(now_ms)
    step = workshop.steps[index]
    if step.prompt is not None and not state.answers_deleted:
        prompts[step.prompt.id] = state.prompt_state(step.prompt.id).opened(now_ms)
    timer_ms = step.timer_ms
    # Consent stays open when the room reaches the step it was asked for, opens by itself if
    # the workshop says so, and closes anywhere else.
    keep_consent = step.consent is not None and (
        workshop.consent_on_enter or state.consent_step == step.id
    )
    entered = replace(
        state,
        step_index=index,
        timer=Timer.fresh(timer_ms) if timer_ms is not None else None,
        prompts=prompts,
        step_log=state.step_log + ((index, now_ms),),
        consent_step=step.id if keep_consent else None,
    )
    return _asking(entered, step.id) if keep_consent else entered


def _asking(state: SessionState, step_id: str) -> SessionState:
    """Ask the room about a touch step now, and remember that it has been asked."""
    asked = state.consent_asked
    if step_id not in asked:
        asked = (*asked, step_id)
    return replace(state, consent_step=step_id, consent_asked=asked)


def consent_target(state: SessionState, workshop: Workshop) -> str | None:
    """The touch step that "Ask consent" is about now, or None when there is none to ask.

    Of this step and the next, the first that carries consent and has not been asked yet;
    else this step or the next (asking again). So on a touch step followed by another, once
    the first was asked the button turns to the second: each touch step needs its own ask.
    """
    candidates = [
        step.id
        for step in workshop.steps[state.step_index : state.step_index + 2]
        if step.consent is not None
    ]
    for step_id in candidates:
        if step_id not in state.consent_asked:
            return step_id
    return candidates[0] if candidates else None


def consent_reminder(state: SessionState, workshop: Workshop) -> str | None:
    """The next step when it is a touch step the room has not been asked about yet, else None.

    Choices made for one touch step never count for another, so the facilitator is reminded
    before each one.
    """
    following = state.step_index + 1
    if state.ended or following >= len(workshop.steps):
        return None
    step = workshop.steps[following]
    if step.consent is None or step.id in state.consent_asked:
        return None
    return step.id


def _consent_target(state: SessionState, workshop: Workshop, step_id: str | None) -> str:
    """The step a `consent_open` is for: the one named, else `consent_target`."""
    if step_id is not None:
        try:
            index = workshop.step_index(step_id)
        except KeyError:
            raise CommandError(N_("there is no step '{step}'"), step=step_id) from None
        if workshop.steps[index].consent is None:
            raise CommandError(N_("step '{step}' asks for no consent"), step=step_id)
        return step_id
    target = consent_target(state, workshop)
    if target is None:
        raise CommandError(N_("neither this step nor the next asks for consent"))
    return target


def _current_prompt_id(state: SessionState, workshop: Workshop) -> str:
    prompt = workshop.steps[state.step_index].prompt
    if prompt is None:
        raise CommandError(N_("this step has no prompt"))
    return prompt.id


def _with_timer(state: SessionState, timer: Timer) -> SessionState:
    return replace(state, timer=timer)


def _require_timer(state: SessionState) -> Timer:
    if state.timer is None:
        raise CommandError(N_("this step has no countdown or pacer"))
    return state.timer


# Start runs a countdown that waits to begin; everything else has its own control, so that a
# Start (or the Space key) pressed at 0:00 never restarts a step the room has just finished.
_NOT_STARTABLE = {
    RUNNING: N_("the countdown is already running; Pause stops it, Reset starts it over"),
    PAUSED: N_("the countdown is paused; Resume continues it, Reset starts it over"),
    FINISHED: N_("the countdown has ended; press Reset to run it again, or +30 s for more time"),
}


def _startable(timer: Timer, now_ms: int) -> Timer:
    """The timer, if Start may run it now. :raise CommandError: it is running, paused or over."""
    status = timer.status(now_ms)
    if status != READY:
        raise CommandError(_NOT_STARTABLE[status])
    return timer


def apply_command(
    state: SessionState, workshop: Workshop, command: Command, now_ms: int
) -> SessionState:
    """Apply one facilitator command and return the next state.

    The version grows by one when anything changed; a command that changes nothing (pausing
    a paused timer) returns the same state and version.

    :raise CommandError: the command does not fit the session as it stands.
    """
    if state.ended:
        if command.action == "end":
            return state  # ending twice (a second tab, a double click) changes nothing
        raise CommandError(SESSION_ENDED)
    action = command.action
    last = len(workshop.steps) - 1
    if action == "next":
        if state.step_index >= last:
            raise CommandError(N_("this is the last step; send 'end' to finish the session"))
        new = _enter_step(state, workshop, state.step_index + 1, now_ms)
    elif action == "prev":
        if state.step_index == 0:
            raise CommandError(N_("this is the first step"))
        new = _enter_step(state, workshop, state.step_index - 1, now_ms)
    elif action == "goto":
        index = command.index
        if not 0 <= index <= last:
            raise CommandError(N_("index must be between 0 and {last}"), last=last)
        if index == state.step_index:
            return state
        new = _enter_step(state, workshop, index, now_ms)
    elif action == "timer_start":
        new = _with_timer(state, _startable(_require_timer(state), now_ms).start(now_ms))
    elif action == "timer_pause":
        new = _with_timer(state, _require_timer(state).pause(now_ms))
    elif action == "timer_resume":
        new = _with_timer(state, _require_timer(state).resume(now_ms))
    elif action == "timer_add":
        new = _with_timer(state, _require_timer(state).add(command.seconds * 1000, now_ms))
    elif action == "timer_reset":
        timer = _require_timer(state)
        step_ms = workshop.steps[state.step_index].timer_ms or timer.duration_ms
        new = _with_timer(state, Timer.fresh(step_ms))
    elif action in ("prompt_open", "prompt_close", "reveal", "hide_results"):
        prompt_id = _current_prompt_id(state, workshop)
        current = state.prompt_state(prompt_id)
        if action in ("prompt_open", "reveal") and state.answers_deleted:
            raise CommandError(ANSWERS_DELETED)
        changed = {
            "prompt_open": current.opened(now_ms),
            "prompt_close": current.closed(now_ms),
            "reveal": replace(current, revealed=True),
            "hide_results": replace(current, revealed=False),
        }[action]
        new = replace(state, prompts={**state.prompts, prompt_id: changed})
    elif action == "consent_open":
        new = _asking(state, _consent_target(state, workshop, command.step_id))
    elif action == "consent_close":
        new = replace(state, consent_step=None)
    elif action == "end":
        prompts = {prompt_id: p.closed(now_ms) for prompt_id, p in state.prompts.items()}
        timer = state.timer.pause(now_ms) if state.timer else None
        new = replace(
            state, ended=True, prompts=prompts, timer=timer, consent_step=None, ended_ms=now_ms
        )
    else:  # pragma: no cover - the message model rejects unknown actions first
        raise CommandError(N_("unknown action '{action}'"), action=action)
    if new == state:
        return state
    return replace(new, version=state.version + 1)


def advance(state: SessionState, workshop: Workshop, now_ms: int) -> SessionState:
    """Move to the next step because the room is done (no-op on the last step or when ended)."""
    if state.ended or state.step_index >= len(workshop.steps) - 1:
        return state
    new = _enter_step(state, workshop, state.step_index + 1, now_ms)
    return replace(new, version=state.version + 1)


def auto_advance_at(state: SessionState, workshop: Workshop) -> int | None:
    """When the session moves on by itself, in server time; None if it does not now.

    The auto-advance rule: a step that asks for it moves on when its running countdown ends,
    unless the session has ended or it is the last step. A paused countdown has no deadline.
    """
    step = workshop.steps[state.step_index]
    if state.ended or not step.auto_advance or state.timer is None:
        return None
    if state.step_index >= len(workshop.steps) - 1:
        return None
    return state.timer.ends_at_ms


def advance_if_due(state: SessionState, workshop: Workshop, now_ms: int) -> SessionState:
    """Move on when the auto-advance deadline (`auto_advance_at`) has passed.

    Returns the same state when nothing is due, so callers can compare versions.
    """
    due_at = auto_advance_at(state, workshop)
    if due_at is None or now_ms < due_at:
        return state
    new = _enter_step(state, workshop, state.step_index + 1, now_ms)
    return replace(new, version=state.version + 1)


def close_answers_for_good(state: SessionState, now_ms: int) -> SessionState:
    """The answers were deleted: every prompt closes and hides, and none opens again.

    Collecting new answers after the facilitator erased the old ones would quietly start a
    second data set under a report that says "deleted"; closing is what every page can show.
    """
    if state.answers_deleted:
        return state
    prompts = {
        prompt_id: replace(p.closed(now_ms), revealed=False, closed_periods=())
        for prompt_id, p in state.prompts.items()
    }
    return replace(state, prompts=prompts, answers_deleted=True, version=state.version + 1)


def late_answer_time(state: SessionState, prompt_id: str, given_ms: int, now_ms: int) -> int:
    """When an answer to a prompt that is closed now counts as given, if it counts at all.

    A phone that was offline sends what it answered with the server time it was given
    (`answered_ms`). It counts when that time falls in a period the prompt was open and the
    prompt closed less than `LATE_ANSWER_MS` ago. The claim is bounded, not trusted: a phone
    cannot date an answer in the future, nor before the prompt opened, nor revive a prompt
    closed long ago. Returns the time to store, inside the open period.

    :raise AnswerError: the answer cannot count; the message says why, for the phone to show.
    """
    if state.ended:
        raise AnswerError(N_("this session has ended; answers are closed"))
    if state.answers_deleted:
        raise AnswerError(ANSWERS_DELETED)
    if given_ms > now_ms + CLOCK_SLACK_MS:
        raise AnswerError(N_("answered_ms is in the future; check the phone's clock sync"))
    period = state.prompt_state(prompt_id).closed_period_at(given_ms)
    if period is None:
        raise AnswerError(N_("the question had already closed when you answered"))
    opened_ms, closed_ms = period
    if now_ms - closed_ms > LATE_ANSWER_MS:
        minutes = LATE_ANSWER_MS // 60_000
        raise AnswerError(
            N_("it arrived more than {minutes} minutes after the question closed"), minutes=minutes
        )
    return min(max(given_ms, opened_ms), closed_ms)
