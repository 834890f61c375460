"""Per-role views of a session: what the console, the screen and a phone may each see.

Each view is built once per change and sent to every client of that role. The facilitator's
notes, the agenda and unrevealed results are added only to the facilitator's view; nothing a
phone receives depends on who the phone is (its own answers travel separately, to it alone).
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop.results import mood_labels
from workshop.script import ChoicePrompt
from workshop.script import FeelingsPrompt
from workshop.script import MoodPrompt
from workshop.script import ScalePrompt
from workshop.script import Step
from workshop.script import Workshop
from workshop.session import SessionState
from workshop.session import consent_reminder
from workshop.session import consent_target


@dataclass(frozen=True)
class SessionContext:
    """What a view needs beyond the state: the script, links, counts, results and the time."""

    workshop: Workshop
    join_url: str
    participants: int
    now_ms: int
    # Results of the current step's prompt: the room's summary and the console's fuller one.
    results_public: dict | None = None
    results_console: dict | None = None
    # Counts of the room's private choices, for the console only.
    care: dict | None = None
    answers_deleted: bool = False


def _prompt_view(step: Step, state: SessionState) -> dict | None:
    prompt = step.prompt
    if prompt is None:
        return None
    status = state.prompt_state(prompt.id)
    view = {
        "id": prompt.id,
        "kind": prompt.kind,
        "question": prompt.question,
        "options": None,
        "open": status.open,
        "revealed": status.revealed,
    }
    if isinstance(prompt, ScalePrompt):
        view["scale"] = {
            "min": prompt.min,
            "max": prompt.max,
            "min_label": prompt.min_label,
            "max_label": prompt.max_label,
        }
    elif isinstance(prompt, ChoicePrompt):
        view["options"] = list(prompt.options)
    elif isinstance(prompt, MoodPrompt):
        view["mood"] = mood_labels(prompt)
    elif isinstance(prompt, FeelingsPrompt):
        view["options"] = list(prompt.options)
        view["max_choices"] = prompt.most
    else:
        view["max_length"] = prompt.max_length
    return view


def _breathing_view(step: Step, state: SessionState) -> dict | None:
    b = step.breathing
    if b is None:
        return None
    # The pacer follows the countdown: time added to the step (+30 s) is more breathing, so a
    # breathing step breathes until its countdown ends instead of falling silent after the
    # written cycles. Taking time away shortens it the same way.
    total_ms = b.total_ms
    if state.timer is not None and step.timer_ms is not None:
        added_ms = state.timer.duration_ms - step.timer_ms
        total_ms = max(0, min(state.timer.duration_ms, b.total_ms + added_ms))
    return {
        "inhale_ms": round(b.inhale * 1000),
        "hold_ms": round(b.hold * 1000),
        "exhale_ms": round(b.exhale * 1000),
        "hold_after_ms": round(b.hold_after * 1000),
        "cycles": b.cycles,
        "cycle_ms": b.cycle_ms,
        "total_ms": total_ms,
    }


def _room_view(state: SessionState, ctx: SessionContext, role: str) -> dict:
    """The part every role shares: the session and the current step as the room sees it."""
    workshop = ctx.workshop
    step = workshop.steps[state.step_index]
    prompt = _prompt_view(step, state)
    revealed = prompt is not None and prompt["revealed"]
    return {
        "role": role,
        "version": state.version,
        "server_ms": ctx.now_ms,
        "session": {
            "code": state.code,
            "title": workshop.title,
            "participants": ctx.participants,
            "ended": state.ended,
            "answers_deleted": state.answers_deleted,
        },
        "step": {
            "index": state.step_index,
            "count": len(workshop.steps),
            "id": step.id,
            "title": step.title,
            "text": step.text,
            "timer": state.timer.view(ctx.now_ms) if state.timer else None,
            "breathing": _breathing_view(step, state),
            "prompt": prompt,
        },
        "results": ctx.results_public if revealed else None,
    }


def _consent_view(step: Step) -> dict | None:
    if step.consent is None:
        return None
    return {
        "question": step.consent.question,
        "alternative": {
            "title": step.consent.alternative.title,
            "text": step.consent.alternative.text,
        },
    }


def view_for_participant(state: SessionState, ctx: SessionContext) -> dict:
    """What a phone sees: the step, timer, pacer, prompt and revealed results. No count.

    It also carries the consent question being asked (for this step or the next) and the
    step's alternative, so each phone can show the text that fits its own private choice;
    nobody's choice and no count is in it.
    """
    view = _room_view(state, ctx, "participant")
    # Phones do not need the head count, and leaving it out keeps the view identical between
    # joins, so a join never has to be re-broadcast to the room.
    del view["session"]["participants"]
    step = ctx.workshop.steps[state.step_index]
    view["step"]["context"] = step.context
    view["step"]["done"] = step.done
    view["step"]["consent"] = _consent_view(step)
    asked = None
    if state.consent_step is not None:
        asked_step = ctx.workshop.steps[ctx.workshop.step_index(state.consent_step)]
        asked = {"step_id": asked_step.id, "title": asked_step.title, **_consent_view(asked_step)}
    view["consent_ask"] = asked
    return view


def view_for_screen(state: SessionState, ctx: SessionContext) -> dict:
    """What the projector sees: the room view plus the join link and the head count."""
    view = _room_view(state, ctx, "screen")
    view["session"]["join_url"] = ctx.join_url
    return view


def view_for_facilitator(state: SessionState, ctx: SessionContext) -> dict:
    """What the console sees: everything, including notes, agenda and live results."""
    view = _room_view(state, ctx, "facilitator")
    workshop = ctx.workshop
    step = workshop.steps[state.step_index]
    view["session"]["join_url"] = ctx.join_url
    view["session"]["created_ms"] = state.created_ms
    view["session"]["ended_ms"] = state.ended_ms
    view["step"]["notes"] = step.notes
    view["step"]["auto_advance"] = step.auto_advance
    view["results"] = ctx.results_console
    following = state.step_index + 1
    view["next"] = (
        {"index": following, "title": workshop.steps[following].title}
        if following < len(workshop.steps)
        else None
    )
    view["agenda"] = [
        {
            "index": index,
            "id": s.id,
            "title": s.title,
            "planned_ms": s.timer_ms,
            "prompt_kind": s.prompt.kind if s.prompt else None,
            "consent": s.consent is not None,
        }
        for index, s in enumerate(workshop.steps)
    ]
    view["workshop"] = {
        "id": workshop.id,
        "title": workshop.title,
        "planned_ms": workshop.planned_ms,
    }
    view["step_log"] = [{"index": i, "entered_ms": t} for i, t in state.step_log]
    view["step"]["context"] = step.context
    view["step"]["done"] = step.done
    view["step"]["consent"] = _consent_view(step)
    view["care"] = ctx.care
    view["session"]["answers_deleted"] = ctx.answers_deleted or state.answers_deleted
    # What "Ask consent" asks about now, and a reminder before a touch step not yet asked.
    view["consent_target"] = _step_ref(workshop, consent_target(state, workshop))
    view["consent_reminder"] = _step_ref(workshop, consent_reminder(state, workshop))
    return view


def _step_ref(workshop: Workshop, step_id: str | None) -> dict | None:
    """`{step_id, title}` of a step, or None."""
    if step_id is None:
        return None
    return {"step_id": step_id, "title": workshop.steps[workshop.step_index(step_id)].title}
