"""Retention and erasure: answers that delete themselves, and unlinking at the end.

A mixin of the kiosk service: it needs the store, the clock and the report figures.
"""

from __future__ import annotations

from workshop.session import close_answers_for_good


class Retention:
    """Deleting answers when their time has passed, or when the facilitator asks."""

    def _on_end(self, code: str) -> None:
        """Ending a session: keep its figures, then unlink answers from phones for good.

        The before/after shift is computed once more and kept, because afterwards nothing can
        pair a phone's answers again. With retention 0 the answers go at once.
        """
        record = self.record(code)
        self.store.unlink_respondents(code, self._figures_json(code))
        self.care.forget_session(code)
        self._answers_changed(code)
        if record.answers_deleted_ms is not None:
            # Answers were closed when they were deleted, but touch steps still asked for
            # consent afterwards (nobody should lose the choice to sit out): those choices go
            # now, keeping the deletion's time and figures.
            self.store.erase_answers(code, record.kept_figures, record.answers_deleted_ms)
        elif record.retention_days == 0:
            self.erase_answers(code)

    def erase_answers(self, code: str) -> None:
        """Delete every answer and consent choice of a session for good.

        The report keeps the aggregate figures (no text) if the session was created with
        `keep_aggregates`.
        """
        record = self.record(code)
        if record.answers_deleted_ms is not None:
            return
        kept = self._kept_figures(code) if record.keep_aggregates else None
        self.store.erase_answers(code, kept, self.clock())
        # From now on the session takes no answers: every prompt closes for good and phones
        # are told so by the next state (docs/protocol.md, "Deleting answers").
        self._save(code, lambda state: close_answers_for_good(state, self.clock()))
        self._answers_changed(code)

    def answers_deleted(self, code: str) -> bool:
        """Whether a session's answers have been erased."""
        return self.record(code).answers_deleted_ms is not None

    def sweep(self) -> list[str]:
        """Erase the answers of every session whose retention has passed; returns their codes.

        Retention counts from the session's end, or from its start while it is still open;
        a retention of 0 erases the answers as soon as the session ends.
        """
        now = self.clock()
        erased = []
        for record in self.store.list_sessions():
            if record.answers_deleted_ms is not None:
                continue
            state = record.state
            since = state.ended_ms if state.ended and state.ended_ms else record.created_ms
            due = since + record.retention_days * 86_400_000
            if record.retention_days == 0 and not state.ended:
                continue
            if now >= due:
                self.erase_answers(state.code)
                erased.append(state.code)
        return erased
