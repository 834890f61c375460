"""What a facilitator keeps: exports of every answer, step timings, the report's figures.

Plain functions of one read of the session (a `Snapshot`), the store's answers and the
summaries; nothing here changes a session.
"""

from __future__ import annotations

import json

from workshop.csv_export import answers_csv
from workshop.snapshot import Snapshot
from workshop.store import Store
from workshop.summaries import Summaries


def _session_summary(snapshot: Snapshot) -> dict:
    """Which session an export or report is about."""
    state = snapshot.state
    return {
        "code": state.code,
        "workshop": snapshot.workshop.id,
        "title": snapshot.workshop.title,
        "created_ms": state.created_ms,
        "ended": state.ended,
    }


class Reports:
    """Exports, timings and aggregate figures of a session."""

    def __init__(self, store: Store, summaries: Summaries):
        self.store = store
        self.summaries = summaries

    def export(self, snapshot: Snapshot) -> dict:
        """Every answer of a session, for the facilitator to keep.

        Respondents are numbered r1, r2, ... in the order they first answered: stable within
        the session, meaningless outside it. The keyed hashes themselves never leave.
        """
        state = snapshot.state
        prompts = {s.prompt.id: s.prompt for s in snapshot.workshop.steps if s.prompt is not None}
        answers = sorted(self.store.answers(state.code), key=lambda a: a.given_order)
        numbers: dict[str, str] = {}
        rows = []
        for answer in answers:
            number = numbers.setdefault(answer.respondent, f"r{len(numbers) + 1}")
            prompt = prompts.get(answer.prompt_id)
            rows.append(
                {
                    "respondent": number,
                    "prompt_id": answer.prompt_id,
                    "question": prompt.question if prompt else "",
                    "kind": prompt.kind if prompt else "",
                    "value": answer.value,
                    "seconds": round((answer.answered_ms - state.created_ms) / 1000, 1),
                    "hidden": answer.hidden,
                }
            )
        return {"session": _session_summary(snapshot), "answers": rows}

    def export_csv(self, snapshot: Snapshot) -> str:
        """The export's answers as CSV text for spreadsheets (see workshop/csv_export.py)."""
        return answers_csv(self.export(snapshot)["answers"])

    @staticmethod
    def timings(snapshot: Snapshot, now_ms: int) -> list[dict]:
        """How long each step actually took, from the log of when steps were entered.

        A step visited twice appears twice; the current step runs until now (or until the
        session ended, which pauses the clock at the last change).
        """
        log = list(snapshot.state.step_log)
        rows = []
        for (index, entered), following in zip(log, log[1:] + [(None, now_ms)], strict=True):
            step = snapshot.workshop.steps[index]
            rows.append(
                {
                    "index": index,
                    "id": step.id,
                    "title": step.title,
                    "planned_ms": step.timer_ms,
                    "entered_ms": entered,
                    "taken_ms": max(0, following[1] - entered),
                }
            )
        return rows

    def report(self, snapshot: Snapshot, now_ms: int) -> dict:
        """The facilitator's report: the workshop, step timings and every prompt's results.

        After the answers were deleted, the prompts show the aggregate figures kept (if the
        session kept them), without any answer text.
        """
        record = snapshot.record
        workshop = snapshot.workshop
        deleted = snapshot.answers_deleted
        kept = json.loads(record.kept_figures) if deleted and record.kept_figures else {}
        prompts = []
        for index, step in enumerate(workshop.steps):
            if step.prompt is None:
                continue
            if deleted:
                console = kept.get(step.prompt.id)
                if console is None:
                    continue
                # Counts without their answers: the page says the words and values are gone,
                # instead of "3 answers" beside an empty cloud.
                console = {**console, "deleted": True}
            else:
                _, console = self.summaries.of_prompt(snapshot, step.prompt)
            prompts.append(
                {"step_index": index, "question": step.prompt.question, "results": console}
            )
        return {
            "session": {**_session_summary(snapshot), "answers_deleted": deleted},
            "workshop": {
                "id": workshop.id,
                "title": workshop.title,
                "description": workshop.description,
                "planned_ms": workshop.planned_ms,
                "steps": [
                    {"id": s.id, "title": s.title, "planned_ms": s.timer_ms} for s in workshop.steps
                ],
            },
            "timings": self.timings(snapshot, now_ms),
            "prompts": prompts,
        }
