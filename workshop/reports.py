"""What a facilitator keeps: exports of every answer, step timings, the report's figures.

A mixin of the kiosk service: it reads sessions and answers through the store.
"""

from __future__ import annotations

import json

from workshop.csv_export import answers_csv


def _session_summary(state, workshop) -> dict:
    """Which session an export or report is about."""
    return {
        "code": state.code,
        "workshop": workshop.id,
        "title": workshop.title,
        "created_ms": state.created_ms,
        "ended": state.ended,
    }


class Reports:
    """Exports, timings and aggregate figures of a session."""

    def _figures(self, code: str) -> dict:
        """Aggregate figures of every prompt, without any answer text."""
        workshop = self.workshop_of(code)
        figures = {}
        for step in workshop.steps:
            if step.prompt is None:
                continue
            _, console = self._summaries(code, workshop, step.prompt)
            figures[step.prompt.id] = {
                key: value for key, value in console.items() if key not in ("answers", "words")
            }
        return figures

    def _figures_json(self, code: str) -> str:
        return json.dumps(self._figures(code))

    def _kept_figures(self, code: str) -> str:
        """The figures to keep: those frozen at the end (with the shift) or computed now."""
        live = self._figures(code)
        frozen = self.record(code).kept_figures
        if frozen:
            for prompt_id, figures in json.loads(frozen).items():
                if "shift" in figures and prompt_id in live:
                    live[prompt_id]["shift"] = figures["shift"]
        return json.dumps(live)

    def export(self, code: str) -> dict:
        """Every answer of a session, for the facilitator to keep.

        Respondents are numbered r1, r2, ... in the order they first answered: stable within
        the session, meaningless outside it. The keyed hashes themselves never leave.
        """
        state = self.state(code)
        workshop = self.workshop_of(state.code)
        prompts = {s.prompt.id: s.prompt for s in workshop.steps if s.prompt is not None}
        answers = sorted(self.store.answers(state.code), key=lambda a: (a.answered_ms, a.answer_id))
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
        return {
            "session": _session_summary(state, workshop),
            "answers": rows,
        }

    def export_csv(self, code: str) -> str:
        """The export's answers as CSV text for spreadsheets (see workshop/csv_export.py)."""
        return answers_csv(self.export(code)["answers"])

    def timings(self, code: str) -> list[dict]:
        """How long each step actually took, from the log of when steps were entered.

        A step visited twice appears twice; the current step runs until now (or until the
        session ended, which pauses the clock at the last change).
        """
        state = self.state(code)
        workshop = self.workshop_of(state.code)
        log = list(state.step_log)
        end_ms = self.clock()
        rows = []
        for (index, entered), following in zip(log, log[1:] + [(None, end_ms)], strict=True):
            step = workshop.steps[index]
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

    def report(self, code: str) -> dict:
        """The facilitator's report: the workshop, step timings and every prompt's results.

        After the answers were deleted, the prompts show the aggregate figures kept (if the
        session kept them), without any answer text.
        """
        record = self.record(code)
        state = record.state
        workshop = self.workshop_of(state.code)
        deleted = record.answers_deleted_ms is not None
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
                _, console = self._summaries(state.code, workshop, step.prompt)
            prompts.append(
                {"step_index": index, "question": step.prompt.question, "results": console}
            )
        return {
            "session": {**_session_summary(state, workshop), "answers_deleted": deleted},
            "workshop": {
                "id": workshop.id,
                "title": workshop.title,
                "description": workshop.description,
                "planned_ms": workshop.planned_ms,
                "steps": [
                    {"id": s.id, "title": s.title, "planned_ms": s.timer_ms} for s in workshop.steps
                ],
            },
            "timings": self.timings(code),
            "prompts": prompts,
        }
