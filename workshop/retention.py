"""Retention and erasure: answers that delete themselves, and unlinking at the end.

The store-side half of the rules; the session context (workshop/service.py) calls these and
makes the matching change to the session's state.
"""

from __future__ import annotations

import json

from workshop.care import Care
from workshop.snapshot import Snapshot
from workshop.store import SessionRecord
from workshop.store import Store
from workshop.summaries import Summaries

DAY_MS = 86_400_000


def erasure_due(record: SessionRecord, now_ms: int) -> bool:
    """Whether a session's retention has passed, so its answers must be erased now.

    Retention counts from the session's end, or from its start while it is still open; a
    retention of 0 erases the answers as soon as the session ends (`Retention.unlink`).
    """
    if record.answers_deleted_ms is not None:
        return False
    state = record.state
    if record.retention_days == 0 and not state.ended:
        return False
    since = state.ended_ms if state.ended and state.ended_ms else record.created_ms
    return now_ms >= since + record.retention_days * DAY_MS


class Retention:
    """Deleting answers when their time has passed, or when the facilitator asks."""

    def __init__(self, store: Store, summaries: Summaries, care: Care):
        self.store = store
        self.summaries = summaries
        self.care = care

    def unlink(self, ended: Snapshot, now_ms: int) -> tuple[Snapshot, bool]:
        """A session just ended: keep its figures, then unlink answers from phones for good.

        The before/after shift is computed once more and kept, because afterwards nothing can
        pair a phone's answers again. Returns the snapshot as the store has it now, and
        whether its answers must be erased at once (retention 0).
        """
        code = ended.code
        figures = json.dumps(self.summaries.figures(ended))
        self.store.unlink_respondents(code, figures)
        self.care.forget_session(code)
        self.summaries.answers_changed(code)
        record = ended.record
        if record.answers_deleted_ms is not None:
            # Answers were closed when they were deleted, but touch steps still asked for
            # consent afterwards (nobody should lose the choice to sit out): those choices go
            # now, keeping the deletion's time and figures.
            self.store.erase_answers(code, record.kept_figures, record.answers_deleted_ms)
            return ended, False
        return ended.with_record(kept_figures=figures), record.retention_days == 0

    def erase(self, snapshot: Snapshot, now_ms: int) -> Snapshot | None:
        """Delete every answer and consent choice of a session for good.

        The report keeps the aggregate figures (no text) if the session was created with
        `keep_aggregates`. Returns the snapshot as the store has it now; None when the answers
        were erased already.
        """
        record = snapshot.record
        if record.answers_deleted_ms is not None:
            return None
        kept = self.summaries.figures_to_keep(snapshot) if record.keep_aggregates else None
        self.store.erase_answers(snapshot.code, kept, now_ms)
        self.summaries.answers_changed(snapshot.code)
        return snapshot.with_record(answers_deleted_ms=now_ms, kept_figures=kept)
