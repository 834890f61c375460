"""The live session as a state machine: pure functions from (state, command, now) to state.

Nothing here does I/O. The service loads a state from the store, calls `apply_command`, and
saves the result with an optimistic version check before anything is acknowledged or sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from workshop.messages import Command
from workshop.script import Workshop
from workshop.timer import Timer


class CommandError(ValueError):
    """A command that cannot be applied now; the message tells the facilitator why."""


@dataclass(frozen=True)
class PromptState:
    """Whether a prompt takes answers, and whether its results are shown to the room."""

    open: bool = False
    revealed: bool = False


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
                pid: {"open": p.open, "revealed": p.revealed} for pid, p in self.prompts.items()
            },
            "ended": self.ended,
            "created_ms": self.created_ms,
            "step_log": [list(entry) for entry in self.step_log],
            "consent_step": self.consent_step,
            "ended_ms": self.ended_ms,
            "consent_asked": list(self.consent_asked),
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
                pid: PromptState(open=bool(p["open"]), revealed=bool(p["revealed"]))
                for pid, p in record.get("prompts", {}).items()
            },
            ended=bool(record.get("ended", False)),
            created_ms=int(record.get("created_ms", 0)),
            step_log=tuple((int(a), int(b)) for a, b in record.get("step_log", [])),
            consent_step=record.get("consent_step"),
            ended_ms=record.get("ended_ms"),
            consent_asked=tuple(record.get("consent_asked", ())),
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
        prompts[old_prompt.id] = replace(prompts[old_prompt.id], open=False)
    step = workshop.steps[index]
    if step.prompt is not None:
        prompts[step.prompt.id] = replace(state.prompt_state(step.prompt.id), open=True)
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
            raise CommandError(f"there is no step {step_id!r}") from None
        if workshop.steps[index].consent is None:
            raise CommandError(f"step {step_id!r} asks for no consent")
        return step_id
    target = consent_target(state, workshop)
    if target is None:
        raise CommandError("neither this step nor the next asks for consent")
    return target


def _current_prompt_id(state: SessionState, workshop: Workshop) -> str:
    prompt = workshop.steps[state.step_index].prompt
    if prompt is None:
        raise CommandError("this step has no prompt")
    return prompt.id


def _with_timer(state: SessionState, timer: Timer) -> SessionState:
    return replace(state, timer=timer)


def _require_timer(state: SessionState) -> Timer:
    if state.timer is None:
        raise CommandError("this step has no countdown or pacer")
    return state.timer


def apply_command(
    state: SessionState, workshop: Workshop, command: Command, now_ms: int
) -> SessionState:
    """Apply one facilitator command and return the next state.

    The version grows by one when anything changed; a command that changes nothing (pausing
    a paused timer) returns the same state and version.

    :raise CommandError: the command does not fit the session as it stands.
    """
    if state.ended:
        raise CommandError("the session has ended; start a new one from the console home")
    action = command.action
    last = len(workshop.steps) - 1
    if action == "next":
        if state.step_index >= last:
            raise CommandError("this is the last step; send 'end' to finish the session")
        new = _enter_step(state, workshop, state.step_index + 1, now_ms)
    elif action == "prev":
        if state.step_index == 0:
            raise CommandError("this is the first step")
        new = _enter_step(state, workshop, state.step_index - 1, now_ms)
    elif action == "goto":
        index = command.index
        if not 0 <= index <= last:
            raise CommandError(f"index must be between 0 and {last}")
        if index == state.step_index:
            return state
        new = _enter_step(state, workshop, index, now_ms)
    elif action == "timer_start":
        new = _with_timer(state, _require_timer(state).start(now_ms))
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
        changed = {
            "prompt_open": replace(current, open=True),
            "prompt_close": replace(current, open=False),
            "reveal": replace(current, revealed=True),
            "hide_results": replace(current, revealed=False),
        }[action]
        new = replace(state, prompts={**state.prompts, prompt_id: changed})
    elif action == "consent_open":
        new = _asking(state, _consent_target(state, workshop, command.step_id))
    elif action == "consent_close":
        new = replace(state, consent_step=None)
    elif action == "end":
        prompts = {pid: replace(p, open=False) for pid, p in state.prompts.items()}
        timer = state.timer.pause(now_ms) if state.timer else None
        new = replace(
            state, ended=True, prompts=prompts, timer=timer, consent_step=None, ended_ms=now_ms
        )
    else:  # pragma: no cover - the message model rejects unknown actions first
        raise CommandError(f"unknown action {action!r}")
    if new == state:
        return state
    return replace(new, version=state.version + 1)


def advance(state: SessionState, workshop: Workshop, now_ms: int) -> SessionState:
    """Move to the next step because the room is done (no-op on the last step or when ended)."""
    if state.ended or state.step_index >= len(workshop.steps) - 1:
        return state
    new = _enter_step(state, workshop, state.step_index + 1, now_ms)
    return replace(new, version=state.version + 1)


def advance_if_due(state: SessionState, workshop: Workshop, now_ms: int) -> SessionState:
    """Move on when the current step asks for auto-advance and its countdown has ended.

    Returns the same state when nothing is due, so callers can compare versions.
    """
    step = workshop.steps[state.step_index]
    if state.ended or not step.auto_advance or state.timer is None:
        return state
    if not state.timer.finished(now_ms) or state.step_index >= len(workshop.steps) - 1:
        return state
    new = _enter_step(state, workshop, state.step_index + 1, now_ms)
    return replace(new, version=state.version + 1)
