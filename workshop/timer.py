"""Countdown timers as values: they hold a deadline, never a tick.

A running timer is stored as the server time it ends at (`ends_at_ms`); a paused one as the
time it has left. Clients count down locally against their estimate of server time, so the
server never sends ticks and a restart loses nothing: the deadline is still the deadline.
Every operation takes `now_ms` from the caller's clock, which tests replace with a fake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace

Clock = Callable[[], int]
"""A function that returns the current server time in milliseconds since the epoch."""

MAX_TIMER_MS = 6 * 3600 * 1000

READY = "ready"
RUNNING = "running"
PAUSED = "paused"
FINISHED = "finished"


def system_clock() -> int:
    """Wall-clock time in milliseconds; the one real clock the app uses."""
    import time

    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Timer:
    """A countdown: `duration_ms` in all, `ends_at_ms` while running, `paused_remaining_ms` else."""

    duration_ms: int
    ends_at_ms: int | None = None
    paused_remaining_ms: int | None = None

    @classmethod
    def fresh(cls, duration_ms: int) -> Timer:
        """A timer that has not started: all of its time is left."""
        return cls(duration_ms=duration_ms, ends_at_ms=None, paused_remaining_ms=duration_ms)

    @property
    def running(self) -> bool:
        """Whether the timer is counting down (it may already have reached zero)."""
        return self.ends_at_ms is not None

    def remaining_ms(self, now_ms: int) -> int:
        """Milliseconds left at `now_ms`, never below zero."""
        if self.ends_at_ms is not None:
            return max(0, self.ends_at_ms - now_ms)
        return self.paused_remaining_ms if self.paused_remaining_ms is not None else 0

    def finished(self, now_ms: int) -> bool:
        """Whether a running timer has reached zero."""
        return self.running and self.remaining_ms(now_ms) == 0

    def status(self, now_ms: int) -> str:
        """`ready`, `running`, `paused` or `finished`: what the room is shown and what Start may do.

        Ready means no time has been used yet (never started, or reset); a countdown with no
        time left is finished whether or not it is still marked running. Clients derive the
        same four from the protocol's timer (`static/js/timer.js`, `timerStatus`).
        """
        if self.remaining_ms(now_ms) == 0:
            return FINISHED
        if self.running:
            return RUNNING
        if self.remaining_ms(now_ms) >= self.duration_ms:  # none of its time used yet
            return READY
        return PAUSED

    def start(self, now_ms: int) -> Timer:
        """Start from the full duration (a restart if it was running)."""
        return replace(self, ends_at_ms=now_ms + self.duration_ms, paused_remaining_ms=None)

    def pause(self, now_ms: int) -> Timer:
        """Stop the countdown, keeping what is left."""
        if not self.running:
            return self
        return replace(self, ends_at_ms=None, paused_remaining_ms=self.remaining_ms(now_ms))

    def resume(self, now_ms: int) -> Timer:
        """Continue a paused countdown from where it stopped."""
        if self.running:
            return self
        left = self.paused_remaining_ms if self.paused_remaining_ms is not None else 0
        return replace(self, ends_at_ms=now_ms + left, paused_remaining_ms=None)

    def add(self, delta_ms: int, now_ms: int) -> Timer:
        """Add (or with a negative delta, take away) time, running or paused.

        The duration grows by the same amount so that the elapsed time, and with it the
        breathing pacer's phase, does not jump.
        """
        left = self.remaining_ms(now_ms)
        delta_ms = max(delta_ms, -left)
        new_duration = min(MAX_TIMER_MS, max(0, self.duration_ms + delta_ms))
        delta_ms = new_duration - self.duration_ms
        if self.running:
            # A finished timer that gets more time counts down again from now.
            base = max(self.ends_at_ms or 0, now_ms) if left > 0 else now_ms
            return replace(self, duration_ms=new_duration, ends_at_ms=base + delta_ms)
        return replace(self, duration_ms=new_duration, paused_remaining_ms=left + delta_ms)

    def view(self, now_ms: int) -> dict:
        """The timer as the protocol sends it."""
        return {
            "duration_ms": self.duration_ms,
            "running": self.running,
            "ends_at_ms": self.ends_at_ms,
            "remaining_ms": self.remaining_ms(now_ms),
        }

    def to_record(self) -> dict:
        """A JSON-able form for the store."""
        return {
            "duration_ms": self.duration_ms,
            "ends_at_ms": self.ends_at_ms,
            "paused_remaining_ms": self.paused_remaining_ms,
        }

    @classmethod
    def from_record(cls, record: dict) -> Timer:
        """Rebuild a timer from `to_record` output."""
        return cls(
            duration_ms=int(record["duration_ms"]),
            ends_at_ms=record.get("ends_at_ms"),
            paused_remaining_ms=record.get("paused_remaining_ms"),
        )
