"""Results of a session's prompts: what the room may see and what the console sees.

Below a prompt's `min_responses` the room learns only how many answers there are and how many
more are needed (the threshold rule), so that nobody's answer can be singled out in a small
group. The console always sees everything, with the threshold beside it.
"""

from __future__ import annotations

import json
import threading

from workshop.results import below_threshold
from workshop.results import shift_for
from workshop.results import summarize
from workshop.snapshot import Snapshot
from workshop.stopwords import stop_words
from workshop.store import Store


class Summaries:
    """Summaries of prompts, the current one cached until an answer arrives or the step moves.

    `cache`: with several processes answers arrive through the others too, and a per-process
    cache keyed by this process's answer count would go stale, so it is turned off.
    """

    def __init__(self, store: Store, cache: bool = True):
        self.store = store
        self.cache = cache
        self._lock = threading.Lock()
        # Bumped on every stored answer, so cached results know when they are stale.
        self._answer_seq: dict[str, int] = {}
        self._cached: dict[str, tuple[tuple, tuple[dict | None, dict | None]]] = {}

    def answers_changed(self, code: str) -> None:
        """An answer of the session was stored, changed or erased: cached results are stale."""
        with self._lock:
            self._answer_seq[code] = self._answer_seq.get(code, 0) + 1

    def current(self, snapshot: Snapshot) -> tuple[dict | None, dict | None]:
        """(room, console) results of the current step's prompt; (None, None) without one.

        Cached, so a join rush or a broadcast does not re-read every answer.
        """
        state = snapshot.state
        prompt = snapshot.workshop.steps[state.step_index].prompt
        if prompt is None:
            return None, None
        key = (prompt.id, self._answer_seq.get(state.code, 0))
        cached = self._cached.get(state.code)
        if self.cache and cached is not None and cached[0] == key:
            return cached[1]
        pair = self.of_prompt(snapshot, prompt)
        self._cached[state.code] = (key, pair)
        return pair

    def of_prompt(self, snapshot: Snapshot, prompt) -> tuple[dict, dict]:
        """(room, console) summaries of one prompt, the room's held back below the threshold."""
        code = snapshot.code
        workshop = snapshot.workshop
        answers = self.store.answers(code, prompt.id)
        stop = stop_words(workshop.language)
        console = summarize(prompt, answers, include_hidden=True, stop=stop)
        public = summarize(prompt, answers, stop=stop)
        if "answers" in public:
            # The room sees the words, not the ids the console uses to moderate them.
            public["answers"] = [{"text": entry["text"]} for entry in public["answers"]]
        threshold = workshop.min_responses_for(prompt)
        console["threshold"] = threshold
        if getattr(prompt, "pairs_with", None):
            shift = _frozen_shift(snapshot, prompt.id) or shift_for(
                prompt, self.store.answers(code, prompt.pairs_with), answers
            )
            console["shift"] = shift
            public["shift"] = (
                shift
                if shift["pairs"] >= threshold
                else {
                    "pairs": shift["pairs"],
                    "below_threshold": True,
                    "needed": threshold - shift["pairs"],
                }
            )
        if public["count"] < threshold:
            public = below_threshold(public, threshold)
        return public, console

    def figures(self, snapshot: Snapshot) -> dict:
        """Aggregate figures of every prompt, without any answer text."""
        figures = {}
        for step in snapshot.workshop.steps:
            if step.prompt is None:
                continue
            _, console = self.of_prompt(snapshot, step.prompt)
            figures[step.prompt.id] = {
                key: value for key, value in console.items() if key not in ("answers", "words")
            }
        return figures

    def figures_to_keep(self, snapshot: Snapshot) -> str:
        """The figures to keep: computed now, with the shift frozen at the end if there is one."""
        live = self.figures(snapshot)
        frozen = snapshot.record.kept_figures
        if frozen:
            for prompt_id, figures in json.loads(frozen).items():
                if "shift" in figures and prompt_id in live:
                    live[prompt_id]["shift"] = figures["shift"]
        return json.dumps(live)


def _frozen_shift(snapshot: Snapshot, prompt_id: str) -> dict | None:
    """The before/after shift kept when the session ended (the pairing is gone since)."""
    record = snapshot.record
    if not record.state.ended or not record.kept_figures:
        return None
    return json.loads(record.kept_figures).get(prompt_id, {}).get("shift")
