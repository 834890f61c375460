"""Open files: how many phones one process can hold, and refusing the rest before anything breaks.

Every connected phone holds file descriptors: its websocket's socket (one with
`websocket_driver`; two with simple-websocket's own gevent driver, which duplicates it). A
process may have at most its soft `RLIMIT_NOFILE` open, and most shells start with 1024 (macOS
with less). Past it, `accept()` and `dup()` fail with EMFILE: a phone gets a 500 from deep
inside the websocket upgrade, and nothing is left for the facilitator's console or the
projector screen.

So, in order:

- at start-up `raise_open_file_limit()` raises the soft limit to the hard limit, which any
  process may do without privileges;
- `plan()` (pure) works out how many phones fit, keeping a reserve for everything else: what
  is open at start (standard streams, the database, the listening socket, the event loop),
  database and Redis pools, consoles and screens, and connections being opened or closed
  (page loads of phones that are joining, refused attempts);
- the `/participant` namespace refuses a phone beyond that ceiling in words
  (`ROOM_FULL`), before it builds anything for it, and the refused connection is closed;
- `TransportFloor` refuses a new Socket.IO connection of any kind, before its websocket
  upgrade, when the process is down to its last `TRANSPORT_FLOOR` descriptors, whatever ate
  them. At that level the namespace (phone, console or screen) is not known yet; the reserve
  between the phone ceiling and the floor is what lets consoles and screens in when the room
  is full.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from urllib.parse import parse_qs

from workshop.errors import N_
from workshop.pg_store import POOL_SIZE as POSTGRESQL_POOL

# Consoles and projector screens kept room for, each with its page's connections while it
# loads: a facilitator on two devices, a screen, a spare screen and a few reloads.
STAFF_PAGES = 8
# HTTP connections a browser opens at once to one host while it loads a page.
PAGE_CONNECTIONS = 6
# Connections being opened or closed at any moment (phones loading the page, refused
# attempts, exports): a share of the limit, since a bigger machine takes bigger rushes.
IN_FLIGHT_SHARE = 0.05
MIN_IN_FLIGHT = 48
# Files the database opens after start-up (SQLite: a temporary file while vacuuming; the
# PostgreSQL pool grows to its maximum under load), and Redis connections (presence, care and
# leases: their pool's maximum, app.py; the message queue's subscriber and publishers).
SQLITE_SPARE = 4
REDIS_POOL = 64
MESSAGE_QUEUE_CONNECTIONS = 16
# Descriptors a new Socket.IO connection may never take: below this many free, every new
# connection is refused at the HTTP level, before any upgrade or dup().
TRANSPORT_FLOOR = 16
# Refusals for lack of room ask the phone to try again after about this long (it adds up to
# as much again at random, so that a room's phones do not all come back in the same second).
RETRY_AFTER_MS = 15_000

ROOM_FULL = N_("The room is full on this kiosk — please tell the facilitator")


@dataclass(frozen=True)
class Ceiling:
    """How many phones one process can hold within its open-file limit, and why."""

    limit: int  # descriptors the process may have open (its soft RLIMIT_NOFILE)
    per_phone: int  # descriptors a connected phone holds
    in_use: int  # open before any client: streams, database, listener, event loop
    pools: int  # database and Redis connections that may still be opened
    staff: int  # kept for consoles and projector screens
    in_flight: int  # kept for connections being opened or closed
    phones: int  # phones that fit

    @property
    def reserved(self) -> int:
        """Descriptors kept for everything but phones."""
        return self.in_use + self.pools + self.staff + self.in_flight

    def limit_for(self, phones: int) -> int:
        """The open-file limit that lets `phones` phones in, rounded up to a multiple of 1024."""
        fixed = self.in_use + self.pools + self.staff + self.per_phone * phones
        needed = max(fixed + MIN_IN_FLIGHT, math.ceil(fixed / (1 - IN_FLIGHT_SHARE)))
        limit = -(-needed // 1024) * 1024
        while (
            plan(limit, per_phone=self.per_phone, in_use=self.in_use, pools=self.pools).phones
            < phones
        ):
            limit += 1024  # pragma: no cover - the rounding above already covers it
        return limit


def plan(limit: int, *, per_phone: int, in_use: int, pools: int = 0) -> Ceiling:
    """How many phones fit in `limit` open files, when each holds `per_phone` descriptors.

    `in_use` is what the process has open before any client connects; `pools` what its
    database and Redis pools may still open. The rest of the reserve is for consoles and
    screens (`STAFF_PAGES` pages, each a socket plus its page's connections while loading)
    and for connections in flight (a share of the limit, at least `MIN_IN_FLIGHT`).
    """
    if per_phone < 1:
        raise ValueError("a phone holds at least one descriptor")
    staff = STAFF_PAGES * (per_phone + PAGE_CONNECTIONS)
    in_flight = max(MIN_IN_FLIGHT, int(limit * IN_FLIGHT_SHARE))
    free = limit - (in_use + pools + staff + in_flight)
    return Ceiling(
        limit=limit,
        per_phone=per_phone,
        in_use=in_use,
        pools=pools,
        staff=staff,
        in_flight=in_flight,
        phones=max(0, free // per_phone),
    )


def pool_allowance(database: str, clustered: bool) -> int:
    """Descriptors the database and Redis may open after start-up, for `plan(pools=...)`."""
    postgres = str(database).startswith(("postgresql://", "postgres://"))
    database_files = POSTGRESQL_POOL if postgres else SQLITE_SPARE
    return database_files + (REDIS_POOL + MESSAGE_QUEUE_CONNECTIONS if clustered else 0)


def raise_open_file_limit() -> int | None:
    """Raise the soft open-file limit as far as the hard limit allows; the new soft limit.

    An unprivileged process may raise its soft limit up to its hard limit. Where the hard
    limit is "unlimited" (macOS), the kernel still caps it (kern.maxfilesperproc), so a few
    sizes are tried from the largest down. None where there is no such limit (Windows).
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        wanted = [1 << 20, 1 << 16, 24576, 10240]
    else:
        wanted = [hard]
    for size in wanted:
        if soft != resource.RLIM_INFINITY and size <= soft:
            break
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (size, hard))
            break
        except (ValueError, OSError):
            continue
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return soft if soft != resource.RLIM_INFINITY else None


def open_file_limit() -> int | None:
    """The soft open-file limit now (None where there is none)."""
    return _rlimit(0)


def hard_open_file_limit() -> int | None:
    """The hard open-file limit, up to which the soft one may be raised (None: unlimited)."""
    return _rlimit(1)


def _rlimit(which: int) -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Unix
        return None
    value = resource.getrlimit(resource.RLIMIT_NOFILE)[which]
    return value if value != resource.RLIM_INFINITY else None


class DescriptorCount:
    """How many descriptors the process has open, cheap enough to ask on every connection.

    On Linux 6.2 and later `stat("/proc/self/fd").st_size` is the count, without listing
    anything. Elsewhere the folder is listed (cost grows with the count), at most every
    `max_age` seconds, and each connection let in since is added to that figure, so that a
    rush between two listings is not missed.
    """

    def __init__(self, max_age: float = 0.25, clock=time.monotonic, listing_only: bool = False):
        self.max_age = max_age
        self.clock = clock
        # `listing_only`: always list, as on a kernel before 6.2 (or macOS).
        self._fast = not listing_only and _stat_count() is not None
        self._listed = 0
        self._listed_at = -math.inf
        self._since = 0

    def now(self) -> int | None:
        """Descriptors open now (an estimate between two listings), or None if unknown."""
        if self._fast:
            count = _stat_count()
            if count is not None:
                return count
            self._fast = False  # pragma: no cover - the kernel stopped reporting it
        if self.clock() - self._listed_at >= self.max_age:
            listed = _listed_count()
            if listed is None:
                return None
            self._listed, self._listed_at, self._since = listed, self.clock(), 0
        return self._listed + self._since

    def opened(self) -> None:
        """A connection was just let in: count it until the next listing sees it."""
        self._since += 1


def _stat_count() -> int | None:
    try:
        size = os.stat("/proc/self/fd").st_size
    except OSError:
        return None
    return size if size > 0 else None  # 0: a kernel before 6.2, which does not report it


def _listed_count() -> int | None:
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return len(os.listdir(folder)) - 1  # less the listing's own descriptor
        except OSError:
            continue
    return None  # pragma: no cover - neither Linux nor macOS


class TransportFloor:
    """WSGI middleware: refuse a new Socket.IO connection when descriptors are nearly gone.

    Only the request that opens an engine.io session (a `/socket.io/` request without `sid`)
    is checked, before engine.io sees it, so nothing is upgraded, duplicated or registered for
    a connection that cannot be served. The answer is a plain `503` with the reason in words
    and `Connection: close`, which frees the descriptor at once.
    """

    def __init__(self, app, limit: int | None, counter: DescriptorCount, path="/socket.io"):
        self.app = app
        self.limit = limit
        self.counter = counter
        self.path = path.rstrip("/") + "/"
        self.refused = 0

    def __call__(self, environ, start_response):
        if self.limit is not None and self._opens_session(environ):
            in_use = self.counter.now()
            if in_use is not None and in_use >= self.limit - TRANSPORT_FLOOR:
                self.refused += 1
                body = (
                    b'{"ok": false, "error": "The kiosk has no room for another connection '
                    b'right now (open-file limit); try again in a minute"}'
                )
                start_response(
                    "503 Service Unavailable",
                    [
                        ("Content-Type", "application/json"),
                        ("Content-Length", str(len(body))),
                        ("Retry-After", str(RETRY_AFTER_MS // 1000)),
                        ("Connection", "close"),
                    ],
                )
                return [body]
            self.counter.opened()
        return self.app(environ, start_response)

    def _opens_session(self, environ) -> bool:
        path = environ.get("PATH_INFO", "")
        if not (path + "/").startswith(self.path):
            return False
        return "sid" not in parse_qs(environ.get("QUERY_STRING", ""))


def per_phone_descriptors(eio) -> int:
    """Descriptors one connected phone holds with this engine.io server's websocket driver.

    A driver may say so itself (`descriptors_per_connection`: `websocket_driver`'s, 1).
    Otherwise, under gevent, simple-websocket `dup()`s the connection's socket and pywsgi keeps
    the original open for the connection's whole life: two. With the other drivers, one.
    """
    declared = getattr(eio._async.get("websocket"), "descriptors_per_connection", None)
    if declared:
        return int(declared)
    return 2 if eio.async_mode == "gevent" else 1
