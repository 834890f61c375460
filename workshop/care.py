"""Quiet signals from the room: "I need a moment" and "I'm done", as counts only.

Nothing here is kept beyond what the counts need: a need-moment signal is a deadline per phone
(it clears itself), a done mark is per phone per step, and both vanish when the phone clears
them, leaves for good, or the session moves on. Phones are known only by their keyed hash.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

NEED_MOMENT_MS = 5 * 60 * 1000


@dataclass(frozen=True)
class CareCounts:
    """What the console sees: counts, never who."""

    need_moment: int
    done: int
    connected: int


class Care:
    """Signals of every session, in memory."""

    def __init__(self, need_moment_ms: int = NEED_MOMENT_MS):
        self.need_moment_ms = need_moment_ms
        self._lock = threading.Lock()
        self._need: dict[str, dict[str, int]] = {}  # code -> respondent -> expires at (ms)
        self._done: dict[str, dict[str, set[str]]] = {}  # code -> step id -> respondents

    def need_moment(self, code: str, respondent: str, now_ms: int) -> int:
        """Note that a phone needs a moment; returns when the signal clears itself."""
        expires = now_ms + self.need_moment_ms
        with self._lock:
            self._need.setdefault(code, {})[respondent] = expires
        return expires

    def ok_again(self, code: str, respondent: str) -> None:
        """Clear a phone's need-moment signal."""
        with self._lock:
            self._need.get(code, {}).pop(respondent, None)

    def set_done(self, code: str, step_id: str, respondent: str, done: bool) -> None:
        """Mark or unmark a phone as done with a step."""
        with self._lock:
            phones = self._done.setdefault(code, {}).setdefault(step_id, set())
            if done:
                phones.add(respondent)
            else:
                phones.discard(respondent)

    def done_steps(self, code: str, respondent: str) -> set[str]:
        """The steps this phone said it is done with (a reloaded phone shows each as done)."""
        with self._lock:
            return {
                step for step, phones in self._done.get(code, {}).items() if respondent in phones
            }

    def needs_moment(self, code: str, respondent: str, now_ms: int) -> bool:
        """Whether this phone's need-moment signal is on."""
        with self._lock:
            return self._need.get(code, {}).get(respondent, 0) > now_ms

    def forget_phone(self, code: str, respondent: str) -> None:
        """A phone left for good: its signals go with it."""
        with self._lock:
            self._need.get(code, {}).pop(respondent, None)
            for phones in self._done.get(code, {}).values():
                phones.discard(respondent)

    def forget_session(self, code: str) -> None:
        """A session ended: nothing of its signals is kept."""
        with self._lock:
            self._need.pop(code, None)
            self._done.pop(code, None)

    def counts(self, code: str, step_id: str, connected: set[str], now_ms: int) -> CareCounts:
        """Counts for the console; expired signals are dropped on the way."""
        with self._lock:
            need = self._need.get(code, {})
            for respondent in [p for p, expires in need.items() if expires <= now_ms]:
                del need[respondent]
            done = self._done.get(code, {}).get(step_id, set())
            return CareCounts(
                need_moment=len(need),
                done=len(done & connected),
                connected=len(connected),
            )

    def next_expiry(self, code: str) -> int | None:
        """When the next need-moment signal of a session clears itself."""
        with self._lock:
            need = self._need.get(code, {})
            return min(need.values()) if need else None
