"""How rooms responded to a workshop over time: its sessions' before/after figures.

Figures only, and the report's own: each session's paired prompts (`pairs_with`: scales, mood
grids and feelings) as the report shows them (`Reports.report`, whose `shift` comes from
`results.shift_for`, or from the figures kept when the session ended or its answers were
deleted), each held back below the same privacy threshold as the report (the prompt's
`min_responses`, else the workshop's).
"""

from __future__ import annotations

from workshop.catalog import iso_utc
from workshop.results import mood_labels
from workshop.script import AnyPrompt
from workshop.script import FeelingsPrompt
from workshop.script import MoodPrompt


def workshop_history(kiosk, workshop_id: str) -> list[dict]:
    """Every session that ran a workshop with this id, newest first, with its figures.

    `kiosk` is the kiosk service (`workshop.service.Kiosk`): its store finds the sessions, and
    its reports give their figures. Each session is read once (one snapshot for its record,
    its workshop and its report); one deleted since it was listed is left out.
    """
    sessions = []
    for code in kiosk.store.sessions_of_workshop(workshop_id):
        snapshot = kiosk.find(code)
        if snapshot is None:
            continue
        record = snapshot.record
        workshop = snapshot.workshop
        results = {
            entry["results"]["prompt_id"]: entry["results"]
            for entry in kiosk.reports.report(snapshot, kiosk.clock())["prompts"]
        }
        pairs = [
            _pair(step.prompt, results.get(step.prompt.id), workshop.min_responses_for(step.prompt))
            for step in workshop.steps
            if getattr(step.prompt, "pairs_with", None) is not None
        ]
        sessions.append(
            {
                "code": record.state.code,
                "started_at": iso_utc(record.created_ms),
                "ended_at": iso_utc(record.state.ended_ms) if record.state.ended else None,
                "people": max((figures["count"] for figures in results.values()), default=0),
                "pairs": pairs,
            }
        )
    return sessions


def _pair(prompt: AnyPrompt, figures: dict | None, threshold: int) -> dict:
    """One paired prompt of one session: its shift, or only `hidden` below the threshold.

    A pair whose figures were not kept (answers deleted without keeping figures) is hidden too.
    """
    pair = {"kind": prompt.kind, "before": prompt.pairs_with, "after": prompt.id}
    shift = (figures or {}).get("shift")
    threshold = (figures or {}).get("threshold", threshold)
    if shift is None or shift["pairs"] < threshold:
        return {**pair, "hidden": True}
    if isinstance(prompt, MoodPrompt):
        return {
            **pair,
            "count": shift["pairs"],
            "labels": mood_labels(prompt),
            "mean_before": shift["before"],
            "mean_after": shift["after"],
            "toward_pleasant": shift["toward_pleasant"],
            "toward_calm": shift["toward_calm"],
        }
    if isinstance(prompt, FeelingsPrompt):
        return {**pair, "count": shift["pairs"], "feelings": shift["feelings"]}
    return {
        **pair,
        "count": shift["pairs"],
        "mean_shift": shift["mean_change"],
        "better": shift["up"],
        "same": shift["same"],
        "worse": shift["down"],
    }
