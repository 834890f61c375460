"""Presence and quiet signals shared by several kiosk processes, kept in Redis.

With more than one process, the head count, "I need a moment" and "done" must be the room's,
not one process's. These classes have the same methods as `Presence` and `Care` and keep the
same data in Redis (the server the processes already share for broadcasting). Each process
marks itself alive with a key that expires; the connections of a process that died (`kill -9`)
stop counting when its key runs out, without anyone cleaning up after it.
"""

from __future__ import annotations

import logging
import time
import uuid
from functools import wraps

from workshop.care import NEED_MOMENT_MS
from workshop.care import CareCounts
from workshop.errors import AttuneError

ALIVE_SECONDS = 20
# How long a process may reuse a head count it read: joins happen in rushes, and reading a
# 5,000-entry set for each join would cost more than the join itself.
COUNT_CACHE_SECONDS = 0.5


log = logging.getLogger("attune")


class SharedStateError(AttuneError, RuntimeError):
    """Redis, which keeps the room's shared presence and signals, cannot be reached just now.

    Nothing was changed; the phone should try again in a moment.
    """


def _degrades_to(fallback):
    """Reads and best-effort writes survive Redis being away: they log and fall back.

    Presence and signals are conveniences for the console; a change to the session is saved
    in the database and must be acknowledged even while Redis restarts.
    """

    def decorate(method):
        @wraps(method)
        def guarded(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except Exception as error:  # redis.RedisError and socket errors alike
                if not _is_redis_error(error):
                    raise
                log.warning("shared room state unavailable (%s): %s", method.__name__, error)
                return fallback(self, *args, **kwargs) if callable(fallback) else fallback

        return guarded

    return decorate


def _or_store_error(method):
    """A signal that cannot be kept while Redis is away gets a clear error, never a false ok."""

    @wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            if not _is_redis_error(error):
                raise
            raise SharedStateError(f"the room's shared state is unavailable: {error}") from None

    return guarded


def _is_redis_error(error: Exception) -> bool:
    import redis

    return isinstance(error, redis.RedisError | ConnectionError | OSError)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisPresence:
    """Connections per session across processes, counted by distinct phone."""

    def __init__(self, client, prefix: str = "attune", alive_seconds: int = ALIVE_SECONDS):
        self.redis = client
        self.prefix = prefix
        self.alive_seconds = alive_seconds
        self.process = uuid.uuid4().hex
        self._counted: dict[str, tuple[float, set[str]]] = {}
        self.heartbeat()

    def _alive_key(self, process: str) -> str:
        return f"{self.prefix}:alive:{process}"

    def _conns_key(self, code: str, process: str) -> str:
        return f"{self.prefix}:conns:{code}:{process}"

    def _procs_key(self, code: str) -> str:
        return f"{self.prefix}:procs:{code}"

    @_degrades_to(None)
    def heartbeat(self) -> None:
        """Mark this process alive; call well within every `alive_seconds`."""
        self.redis.set(self._alive_key(self.process), "1", ex=self.alive_seconds)

    @_degrades_to(None)
    def join(self, code: str, connection: str, respondent: str) -> None:
        """Note a connection of a phone."""
        pipe = self.redis.pipeline()
        pipe.hset(self._conns_key(code, self.process), connection, respondent)
        pipe.sadd(self._procs_key(code), self.process)
        pipe.execute()
        self._counted.pop(code, None)

    @_degrades_to(None)
    def leave(self, code: str, connection: str) -> None:
        """Forget a connection."""
        self.redis.hdel(self._conns_key(code, self.process), connection)
        self._counted.pop(code, None)

    @_degrades_to(lambda self, code: self._counted.get(code, (0.0, set()))[1])
    def phones(self, code: str) -> set[str]:
        """The phones connected to the session through any live process."""
        processes = [_text(p) for p in self.redis.smembers(self._procs_key(code))]
        if not processes:
            return set()
        alive = self.redis.mget([self._alive_key(p) for p in processes])
        pipe = self.redis.pipeline()
        living = []
        for process, flag in zip(processes, alive, strict=True):
            if flag is None:
                # A process that stopped heartbeating has died: its connections are gone.
                pipe.delete(self._conns_key(code, process))
                pipe.srem(self._procs_key(code), process)
            else:
                living.append(process)
                pipe.hvals(self._conns_key(code, process))
        results = pipe.execute()
        phones: set[str] = set()
        for result in results:
            if isinstance(result, list):
                phones.update(_text(v) for v in result)
        return phones

    def _cached_phones(self, code: str) -> set[str]:
        now = time.monotonic()
        cached = self._counted.get(code)
        if cached is not None and now - cached[0] < COUNT_CACHE_SECONDS:
            return cached[1]
        phones = self.phones(code)
        self._counted[code] = (now, phones)
        return phones

    def has(self, code: str, respondent: str) -> bool:
        """Whether this phone has a live connection to the session (in any process)."""
        return respondent in self._cached_phones(code)

    def count(self, code: str) -> int:
        """Distinct phones connected to a session now, across processes."""
        return len(self._cached_phones(code))


class RedisCare:
    """The room's quiet signals across processes: same methods as `Care`."""

    def __init__(self, client, prefix: str = "attune", need_moment_ms: int = NEED_MOMENT_MS):
        self.redis = client
        self.prefix = prefix
        self.need_moment_ms = need_moment_ms

    def _need(self, code: str) -> str:
        return f"{self.prefix}:need:{code}"

    def _done(self, code: str, step_id: str) -> str:
        return f"{self.prefix}:done:{code}:{step_id}"

    def _done_steps(self, code: str) -> str:
        return f"{self.prefix}:donesteps:{code}"

    @_or_store_error
    def need_moment(self, code: str, respondent: str, now_ms: int) -> int:
        """Note that a phone needs a moment; returns when the signal clears itself."""
        expires = now_ms + self.need_moment_ms
        self.redis.hset(self._need(code), respondent, expires)
        return expires

    @_degrades_to(None)
    def ok_again(self, code: str, respondent: str) -> None:
        """Clear a phone's need-moment signal."""
        self.redis.hdel(self._need(code), respondent)

    @_or_store_error
    def set_done(self, code: str, step_id: str, respondent: str, done: bool) -> None:
        """Mark or unmark a phone as done with a step."""
        pipe = self.redis.pipeline()
        if done:
            pipe.sadd(self._done(code, step_id), respondent)
            pipe.sadd(self._done_steps(code), step_id)
        else:
            pipe.srem(self._done(code, step_id), respondent)
        pipe.execute()

    @_degrades_to(lambda self, code, respondent: set())
    def done_steps(self, code: str, respondent: str) -> set[str]:
        """The steps this phone said it is done with (a reloaded phone shows each as done)."""
        steps = [_text(s) for s in self.redis.smembers(self._done_steps(code))]
        if not steps:
            return set()
        pipe = self.redis.pipeline()
        for step_id in steps:
            pipe.sismember(self._done(code, step_id), respondent)
        return {step_id for step_id, member in zip(steps, pipe.execute(), strict=True) if member}

    @_degrades_to(False)
    def needs_moment(self, code: str, respondent: str, now_ms: int) -> bool:
        """Whether this phone's need-moment signal is on."""
        expires = self.redis.hget(self._need(code), respondent)
        return expires is not None and int(expires) > now_ms

    @_degrades_to(None)
    def forget_phone(self, code: str, respondent: str) -> None:
        """A phone left for good: its signals go with it."""
        steps = [_text(s) for s in self.redis.smembers(self._done_steps(code))]
        pipe = self.redis.pipeline()
        pipe.hdel(self._need(code), respondent)
        for step_id in steps:
            pipe.srem(self._done(code, step_id), respondent)
        pipe.execute()

    @_degrades_to(None)
    def forget_session(self, code: str) -> None:
        """A session ended: nothing of its signals is kept."""
        steps = [_text(s) for s in self.redis.smembers(self._done_steps(code))]
        self.redis.delete(
            self._need(code), self._done_steps(code), *[self._done(code, s) for s in steps]
        )

    @_degrades_to(lambda self, code, step_id, connected, now_ms: CareCounts(0, 0, len(connected)))
    def counts(self, code: str, step_id: str, connected: set[str], now_ms: int) -> CareCounts:
        """Counts for the console; expired signals are dropped on the way."""
        need = {_text(k): int(v) for k, v in self.redis.hgetall(self._need(code)).items()}
        expired = [respondent for respondent, expires in need.items() if expires <= now_ms]
        if expired:
            self.redis.hdel(self._need(code), *expired)
        done = {_text(p) for p in self.redis.smembers(self._done(code, step_id))}
        return CareCounts(
            need_moment=len(need) - len(expired),
            done=len(done & connected),
            connected=len(connected),
        )

    @_degrades_to(None)
    def next_expiry(self, code: str) -> int | None:
        """When the next need-moment signal of a session clears itself."""
        values = [int(v) for v in self.redis.hvals(self._need(code))]
        return min(values) if values else None
