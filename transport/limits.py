"""Rate limits: token buckets per connection, and a brake on guessing secrets.

Pure and clock-driven like the rest of the domain; the transport decides what the keys are
(connection ids; for guessing, the kind of secret and the remote address, which is held in
memory only and never written anywhere).
"""

from __future__ import annotations

import itertools
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
    """Slows guessing: a key may miss `allowed` times at once, then once per `window / allowed` s.

    A leaky bucket of misses per key (the transport makes the key from the kind of secret and
    the remote address). A miss fills the bucket by one; it drains at `allowed / window` misses
    a second. While it is full, `wait` says how long until it has room for one more miss, and
    the transport refuses that key's tries without checking them, so a guesser learns nothing
    from a refused try. A right secret costs nothing and empties nothing: a room that types its
    code right is never slowed by it, and a guesser cannot interleave a known code to go faster.

    So a key learns whether at most `allowed` secrets are right in a burst and `allowed` per
    `window` after that, however it spreads its tries.
    """

    def __init__(
        self,
        allowed: int = 20,
        window: float = 60.0,
        clock: Callable[[], float] = monotonic_seconds,
        max_keys: int = 100_000,
    ):
        if allowed < 1 or window <= 0:
            raise ValueError("the guessing brake needs allowed >= 1 and window > 0")
        self.allowed = allowed
        self.window = window
        self.clock = clock
        self.max_keys = max_keys
        self._drain_per_second = allowed / window
        self._misses: dict[str, _Bucket] = {}
        self._swept = clock()
        self._lock = threading.Lock()

    def _level(self, bucket: _Bucket, now: float) -> float:
        return max(0.0, bucket.tokens - (now - bucket.updated) * self._drain_per_second)

    def wait(self, key: str) -> float:
        """Seconds until a try of `key` may be checked; 0.0 when it may be checked now."""
        with self._lock:
            now = self.clock()
            self._sweep(now)
            bucket = self._misses.get(key)
            if bucket is None:
                return 0.0
            over = self._level(bucket, now) - (self.allowed - 1)
            return over / self._drain_per_second if over > 0 else 0.0

    def miss(self, key: str) -> None:
        """Count a wrong secret of `key`."""
        with self._lock:
            now = self.clock()
            self._sweep(now)
            bucket = self._misses.get(key)
            if bucket is None:
                bucket = self._misses[key] = _Bucket(0.0, now)
            bucket.tokens = self._level(bucket, now) + 1
            bucket.updated = now

    def _sweep(self, now: float) -> None:
        # Drained buckets are forgotten about once a window (no address is kept longer than
        # its misses count), or as soon as the table is full.
        if now - self._swept >= self.window or len(self._misses) >= self.max_keys:
            self._forget_drained(now)

    def _forget_drained(self, now: float) -> None:
        # Drained buckets carry no information. If the table is still nine-tenths full (a
        # guesser with very many addresses), the longest-tracked keys go, down to that: memory
        # stays bounded, and the next full sweep is a tenth of the table's inserts away.
        self._swept = now
        for key in [k for k, b in self._misses.items() if self._level(b, now) == 0]:
            del self._misses[key]
        excess = len(self._misses) - self.max_keys * 9 // 10
        for key in list(itertools.islice(self._misses, max(0, excess))):
            del self._misses[key]

    def __len__(self) -> int:
        return len(self._misses)
