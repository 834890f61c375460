"""How rooms responded to a workshop over time: its sessions' before/after figures.

Figures only, and the report's own: each session's paired scales (`pairs_with`) as the report
shows them (`Reports.report`, whose `shift` comes from `results.pair_shift`, or from the
figures kept when the session ended or its answers were deleted), each held back below the
same privacy threshold as the report (the prompt's `min_responses`, else the workshop's).
"""

from __future__ import annotations

from workshop.catalog import iso_utc
from workshop.script import ScalePrompt


def workshop_history(kiosk, workshop_id: str) -> list[dict]:
    """Every session that ran a workshop with this id, newest first, with its figures.

    `kiosk` is the kiosk service (`workshop.service.Kiosk`): its store finds the sessions, and
    its report gives their figures.
    """
    sessions = []
    for code in kiosk.store.sessions_of_workshop(workshop_id):
        record = kiosk.record(code)
        workshop = kiosk.workshop_of(code)
        results = {
            entry["results"]["prompt_id"]: entry["results"]
            for entry in kiosk.report(code)["prompts"]
        }
        pairs = []
        for step in workshop.steps:
            prompt = step.prompt
            if not isinstance(prompt, ScalePrompt) or prompt.pairs_with is None:
                continue
            pairs.append(_pair(prompt, results.get(prompt.id), workshop.min_responses_for(prompt)))
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


def _pair(prompt: ScalePrompt, figures: dict | None, threshold: int) -> dict:
    """One paired scale of one session: its shift, or only `hidden` below the threshold.

    A pair whose figures were not kept (answers deleted without keeping figures) is hidden too.
    """
    pair = {"before": prompt.pairs_with, "after": prompt.id}
    shift = (figures or {}).get("shift")
    threshold = (figures or {}).get("threshold", threshold)
    if shift is None or shift["pairs"] < threshold:
        return {**pair, "hidden": True}
    return {
        **pair,
        "count": shift["pairs"],
        "mean_shift": shift["mean_change"],
        "better": shift["up"],
        "same": shift["same"],
        "worse": shift["down"],
    }
