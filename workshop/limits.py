"""Rate limits: token buckets per connection, and a brake on guessing join codes.

Pure and clock-driven like the rest of the domain; the transport decides what the keys are
(connection ids, and for guessing the remote address, which is held in memory only and never
written anywhere).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


def monotonic_seconds() -> float:
    """The clock rate limits run on: monotonic, so a clock change cannot refill a bucket."""
    return time.monotonic()


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """One token bucket per key: `burst` messages at once, then `per_second` on average."""

    def __init__(
        self,
        burst: int,
        per_second: float,
        clock: Callable[[], float] = monotonic_seconds,
        max_keys: int = 100_000,
    ):
        self.burst = burst
        self.per_second = per_second
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Take a token for `key`; False when its bucket is empty."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_keys:
                    self._forget_full(now)
                bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            bucket.tokens = min(
                self.burst, bucket.tokens + (now - bucket.updated) * self.per_second
            )
            bucket.updated = now
            if bucket.tokens < 1:
                return False
            bucket.tokens -= 1
            return True

    def forget(self, key: str) -> None:
        """Drop a key's bucket (its connection closed)."""
        with self._lock:
            self._buckets.pop(key, None)

    def _forget_full(self, now: float) -> None:
        # Buckets that have refilled completely carry no information: drop them.
        full_after = self.burst / self.per_second
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full_after]:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class GuessBrake:
    """Slows join-code guessing: after `allowed` misses in `window` seconds, refuse for a while.

    Misses are counted per key (the remote address); a right code does not reset the count,
    so a guesser cannot interleave a known code to keep going.
    """

    def __init__(
        self,
        allowed: int = 20,
        window: float = 60.0,
        clock: Callable[[], float] = monotonic_seconds,
    ):
        self.allowed = allowed
        self.window = window
        self.clock = clock
        self._misses: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        misses = [t for t in self._misses.get(key, []) if now - t < self.window]
        if misses:
            self._misses[key] = misses
        else:
            self._misses.pop(key, None)
        return misses

    def blocked(self, key: str) -> bool:
        """Whether this key has missed too often lately."""
        with self._lock:
            return len(self._recent(key, self.clock())) >= self.allowed

    def miss(self, key: str) -> None:
        """Count a wrong code from this key."""
        with self._lock:
            now = self.clock()
            self._recent(key, now)
            self._misses.setdefault(key, []).append(now)
