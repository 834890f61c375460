"""The Socket.IO side shared by every audience: the server object and how changes go out.

A state change is broadcast as one view per role, built once and emitted to that role's room
(the session code) in its namespace. Live counts and results that change with every answer
or join are coalesced: at most a few emits a second per session, whatever the room does.
"""

from __future__ import annotations

import functools
import gc
import inspect
import logging
import threading
from collections.abc import Callable

from flask import current_app
from flask import request
from flask_socketio import ConnectionRefusedError
from flask_socketio import Namespace
from flask_socketio import SocketIO
from flask_socketio import emit

from transport.guessing import TooManyGuesses
from transport.guessing import snapshot_for_code
from transport.i18n import refused
from transport.limits import RateLimiter
from transport.security import MAX_JSON_DEPTH
from transport.security import NESTED_TOO_DEEP
from workshop.errors import N_
from workshop.errors import AttuneError
from workshop.messages import BadMessage
from workshop.messages import ClockPing
from workshop.messages import parse
from workshop.outcome import Departure
from workshop.outcome import Outcome
from workshop.service import Kiosk
from workshop.service import UnknownSession
from workshop.shared_room import SharedStateError
from workshop.snapshot import Snapshot
from workshop.store import StoreError

log = logging.getLogger("attune")

PARTICIPANT_NS = "/participant"
SCREEN_NS = "/screen"
FACILITATOR_NS = "/facilitator"

# How often live counts and results may go out per session, in seconds. A room of thousands
# answering in the same second then costs a handful of emits, not thousands.
COALESCE_SECONDS = 0.25
# Longest sleep of an auto-advance watcher before it looks at the clock again.
AUTO_ADVANCE_POLL_SECONDS = 0.5
# A refused connection's transport is closed this long after the refusal was sent, unless the
# client closed it first (the pages do) or joined another namespace on it meanwhile: a client
# that ignores the refusal must not keep holding a descriptor. Long-polling gets longer.
REFUSED_CLOSE_SECONDS = 0.5
REFUSED_POLLING_CLOSE_SECONDS = 10.0


def kiosk() -> Kiosk:
    """The kiosk service of the running app."""
    return current_app.extensions["attune.kiosk"]


def ok(**fields) -> dict:
    """A success ack."""
    return {"ok": True, **fields}


def reply(event: str, payload) -> None:
    """Send `payload` to the connection whose event is being handled, and to nobody else.

    Straight to its socket, not through the message queue: the connection is on this very
    process. Through the queue, each reply would be a Redis publish that every process reads
    and drops but this one; when a hall of 10,000 phones joins at once, that is 10,000
    publishes competing for the Redis connections the room's broadcasts need. (A reply may
    then overtake an older broadcast still in the queue; pages keep the newest version.)
    """
    emit(event, payload, ignore_queue=True)


def error(message: str | AttuneError, **params) -> dict:
    """A failure ack with a message that says what to do next.

    `message` is an `N_`-marked text with `{name}` placeholders filled from `params`, or an
    AttuneError (which carries both). The ack says it twice: `error`, the English text (API
    clients and logs), and `message`, `{key, params}`, which each page translates into its own
    language (one room, many languages: the server never picks one).
    """
    if isinstance(message, AttuneError):
        return {"ok": False, "error": str(message), "message": message.message}
    text = message.format(**params) if params else message
    return {"ok": False, "error": text, "message": {"key": message, "params": params}}


class Coalescer:
    """Runs `action(code)` at most once per interval per session, after the first request.

    Requests that arrive while one is pending fold into it: the action runs with whatever is
    current when it fires, so nothing is lost, only merged.
    """

    def __init__(self, socketio: SocketIO, interval: float, action: Callable[[str], None]):
        self.socketio = socketio
        self.interval = interval
        self.action = action
        self._pending: set[str] = set()
        self._lock = threading.Lock()

    def request(self, code: str) -> None:
        """Ask for the action to run for this session soon."""
        with self._lock:
            if code in self._pending:
                return
            self._pending.add(code)
        self.socketio.start_background_task(self._fire, code)

    def _fire(self, code: str) -> None:
        self.socketio.sleep(self.interval)
        with self._lock:
            self._pending.discard(code)
        self.action(code)


class Broadcaster:
    """Turns the session context's outcomes into emits and timers; decides nothing itself.

    Which role hears what, whether the room may see results, when a session moves on by
    itself and when a phone has left are the service's to say (workshop/service.py); this
    class only sends what an outcome names, to each role's room in its namespace, merges
    live counts and results (at most a few emits a second per session), and wakes up at the
    deadlines an outcome gives to ask the service again.
    """

    def __init__(self, app, socketio: SocketIO, service: Kiosk):
        self.app = app
        self.socketio = socketio
        self.kiosk = service
        self.freeze_gc = bool(app.config.get("FREEZE_GC"))
        self._frozen_at = 0
        self._results = Coalescer(socketio, COALESCE_SECONDS, self._send_results)
        self._presence = Coalescer(socketio, COALESCE_SECONDS, self._send_presence)
        self._care = Coalescer(socketio, COALESCE_SECONDS, self._send_care)
        self._timers: dict[str, int] = {}
        self._timers_lock = threading.Lock()

    def publish(self, code: str, outcome: Outcome | None) -> None:
        """Send what an outcome of a change to session `code` says must be heard."""
        if outcome is None:
            return
        if outcome.views is not None:
            views = outcome.views
            self.socketio.emit("state", views.facilitator, to=code, namespace=FACILITATOR_NS)
            self.socketio.emit("state", views.screen, to=code, namespace=SCREEN_NS)
            self.socketio.emit("state", views.participant, to=code, namespace=PARTICIPANT_NS)
            self.watch_deadline(code, outcome.advance_at_ms)
        if outcome.results:
            self._results.request(code)
        if outcome.presence:
            self._presence.request(code)
        if outcome.care:
            self._care.request(code)
        if outcome.care_expires_ms is not None:
            delay = max(0.0, (outcome.care_expires_ms - self.kiosk.clock()) / 1000) + 0.05
            self.socketio.start_background_task(self._care_later, code, delay)
        if outcome.departure is not None:
            self.socketio.start_background_task(self._departure, code, outcome.departure)

    def _send_results(self, code: str) -> None:
        with self.app.app_context():
            news = self.kiosk.results_news(code)
            if news is None:
                return
            self.socketio.emit("results", news.console, to=code, namespace=FACILITATOR_NS)
            if news.room is not None:
                self.socketio.emit("results", news.room, to=code, namespace=SCREEN_NS)
                self.socketio.emit("results", news.room, to=code, namespace=PARTICIPANT_NS)

    def _send_presence(self, code: str) -> None:
        count = self.kiosk.presence_news(code)
        self._freeze_long_lived(count)
        payload = {"participants": count}
        self.socketio.emit("presence", payload, to=code, namespace=FACILITATOR_NS)
        self.socketio.emit("presence", payload, to=code, namespace=SCREEN_NS)
        self._send_care(code)

    def _freeze_long_lived(self, phones: int) -> None:
        """Keep connected phones' objects out of the cycle collector's full passes.

        Each phone holds ~155 tracked objects that live as long as it is connected; at 5,000
        phones a full collection over them pauses the process for 300-450 ms, in the middle of
        a fan-out or a clock sync. Freezing what exists when the room has grown by a tenth moves
        them to the permanent generation (docs/performance.md); an empty room unfreezes, so the
        garbage of departed phones is reclaimed at a quiet moment.
        """
        if not self.freeze_gc:
            return
        if phones == 0 and self._frozen_at:
            gc.unfreeze()
            gc.collect()
            self._frozen_at = 0
        elif phones >= self._frozen_at * 1.1 + 50:
            gc.freeze()
            self._frozen_at = phones

    def _care_later(self, code: str, delay: float) -> None:
        # A need-moment signal clears itself: the count must drop without any event.
        self.socketio.sleep(delay)
        self._care.request(code)

    def _send_care(self, code: str) -> None:
        with self.app.app_context():
            self.socketio.emit(
                "care", self.kiosk.care_news(code), to=code, namespace=FACILITATOR_NS
            )

    def _departure(self, code: str, departure: Departure) -> None:
        self.socketio.sleep(departure.after_ms / 1000)
        with self.app.app_context():
            self.publish(code, self.kiosk.depart_if_gone(code, departure.respondent))

    def watch_deadline(self, code: str, due_ms: int | None) -> None:
        """Wake up at a session's auto-advance deadline (None: it has none any more).

        Each call supersedes the earlier wake-up of the session (a generation number), so a
        pause, reset or extra time simply reschedules.
        """
        with self._timers_lock:
            generation = self._timers.get(code, 0) + 1
            self._timers[code] = generation
        if due_ms is not None:
            self.socketio.start_background_task(self._auto_advance, code, generation, due_ms)

    def _auto_advance(self, code: str, generation: int, due_ms: int) -> None:
        # Sleep in short slices and ask again each time: the deadline is in server time,
        # which is the clock's to tell, and a newer schedule makes this one stand down.
        while True:
            delay_ms = max(0, due_ms - self.kiosk.clock())
            self.socketio.sleep(min(delay_ms / 1000 + 0.02, AUTO_ADVANCE_POLL_SECONDS))
            with self._timers_lock:
                if self._timers.get(code) != generation:
                    return
            with self.app.app_context():
                outcome = self.kiosk.advance_if_due(code)
            if outcome.views is not None:
                self.publish(code, outcome)
                return
            if outcome.advance_at_ms is None:
                return
            due_ms = outcome.advance_at_ms


class AttuneNamespace(Namespace):
    """Base of every namespace: rate limits, and an error ack for unknown events and failures.

    Without this, an event with no handler is silently dropped and the sender waits for an
    ack that never comes.
    """

    # Messages a connection may send at once, then per second on average.
    burst = 20
    per_second = 5.0

    # The role whose view this namespace's clients get ("participant", "screen", ...).
    role = ""

    def __init__(self, namespace: str):
        super().__init__(namespace)
        self.limiter = RateLimiter(self.burst, self.per_second)
        # connection id -> session code, set when a connection is accepted.
        self.codes: dict[str, str] = {}

    def trigger_event(self, event, *args):
        """Dispatch an event to its `on_<event>` handler, answering for the ones we lack.

        `args[0]` is the connection id; this runs before Flask's request context exists.
        """
        sid = args[0] if args else ""
        if event == "disconnect":
            self.limiter.forget(sid)
            result = super().trigger_event(event, *args)
            self.codes.pop(sid, None)
            return result
        if event == "connect":
            try:
                return super().trigger_event(event, *args)
            except ConnectionRefusedError:
                self._close_refused(sid)
                raise
        if not self.limiter.allow(sid):
            return error(TOO_MANY_MESSAGES)
        if event == NESTED_TOO_DEEP:  # its JSON was set aside unread (security.py)
            return error(
                N_("this message nests more than {depth} levels deep; send one flat JSON object"),
                depth=MAX_JSON_DEPTH,
            )
        if not isinstance(event, str) or not hasattr(self, "on_" + event):
            name = str(event)[:40]
            return error(
                N_("unknown event '{event}' on {namespace}"), event=name, namespace=self.namespace
            )
        if not _fits(getattr(self, "on_" + event), args[1:]):
            # Extra positional arguments (or binary attachments) for a handler that takes one.
            return error(N_("{event} takes one JSON object"), event=event)
        try:
            return super().trigger_event(event, *args)
        except (StoreError, SharedStateError):
            log.exception("store error in %s %s", self.namespace, event)
            return error(STORE_FAILED)
        except TypeError:
            # A fault of ours, not of the message (its arguments were checked above).
            log.exception("failure in %s %s", self.namespace, event)
            return error(SERVER_FAILED)

    def _close_refused(self, sid: str) -> None:
        server = self.socketio.server
        eio_sid = server.manager.eio_sid_from_sid(sid, self.namespace)
        if eio_sid is not None:
            self.socketio.start_background_task(_close_if_unused, server, eio_sid)

    def admit(self, code: str, unknown_message: str, signed_in: bool = False) -> Snapshot:
        """The session a connection may join, read once, under the guessing brake.

        `signed_in`: the browser is signed in on the facilitator home, which opens every
        session, ended ones too, without the brake.

        :raise ConnectionRefusedError: too many wrong codes from this address just now (with
            `retry_after_ms`, so the page tries again), the code is unknown (a miss), or the
            session has ended (an old code admits nobody new).
        """
        try:
            snapshot = snapshot_for_code(code, trusted=signed_in)
        except TooManyGuesses as refusal:
            raise refusal.connection_refused() from None
        except UnknownSession:
            raise refused(unknown_message) from None
        if snapshot.state.ended and not signed_in:
            raise refused(SESSION_ENDED, {"ended": True})
        return snapshot

    def on_clock(self, data=None):
        """Clock sync: echo `t0` with the server time, and the session's current version.

        Broadcasts are delivered at most once (a reconnecting process or a Redis restart can
        drop one): a client that sees a newer version here asks for a `snapshot`. Over a
        websocket, fastclock.py answers this event before it gets here, through
        `clock_reply`; long-polling clients, and every client when that is off, come here.
        """
        service = kiosk()
        return _clock_answer(service, self.codes.get(request.sid), data, service.clock)

    def clock_reply(
        self, service: Kiosk, sid: str, args: list, server_ms: Callable[[], int]
    ) -> dict:
        """The ack of a `clock` event with these arguments, as `trigger_event` would give it.

        The same rate limit, argument check, store-error answer and reply as the Socket.IO
        event path, without Flask's request context: fastclock.py answers clock pings with it
        on the connection's reading greenlet, and says through `server_ms` which server time
        to give. May raise what `on_clock` raises unexpectedly.
        """
        if not self.limiter.allow(sid):
            return error(TOO_MANY_MESSAGES)
        try:
            if len(args) > 1:
                raise TypeError("on_clock takes one argument")  # as calling it would
            data = args[0] if args else None
            return _clock_answer(service, self.codes.get(sid), data, server_ms)
        except (StoreError, SharedStateError):
            log.exception("store error in %s clock", self.namespace)
            return error(STORE_FAILED)
        except TypeError:
            return error(N_("{event} takes one JSON object"), event="clock")

    def on_snapshot(self, data=None):
        """Send this connection the full view of its session again; acked with its version."""
        code = self.codes.get(request.sid)
        if code is None:  # pragma: no cover - connect always registers first
            return error(N_("not connected to a session; reload the page"))
        view = kiosk().view(code, self.role)
        reply("state", view)
        return ok(version=view["version"])


def _clock_answer(service: Kiosk, code: str | None, data, server_ms: Callable[[], int]) -> dict:
    """`{t0, server_ms, version}` for a clock ping, or an error ack for a malformed one.

    The session's version is read first and the server time last, as close as it can be to
    the moment the answer leaves: the client puts it at its round trip's midpoint.
    """
    try:
        ping = parse(ClockPing, data)
    except BadMessage as problem:
        return error(problem)
    version = service.state(code).version if code is not None else None
    reply = {"t0": ping.t0, "server_ms": server_ms()}
    if version is not None:
        reply["version"] = version
    return reply


# Why an ended session's code admits no new phone or screen (the pages show it, no retry).
SESSION_ENDED = N_("This session has ended. Thank you for taking part")

TOO_MANY_MESSAGES = N_("too many messages; wait a moment and try again")
STORE_FAILED = N_("the server could not save this; please try again in a moment")
SERVER_FAILED = N_("the server failed to handle this message; please try again in a moment")


def _fits(handler: Callable, args: tuple) -> bool:
    """Whether an event handler can be called with these arguments (one JSON object, or none)."""
    try:
        _signature(handler).bind(*args)
    except TypeError:
        return False
    return True


@functools.cache
def _signature_of(function: Callable) -> inspect.Signature:
    return inspect.signature(function)


def _signature(handler: Callable) -> inspect.Signature:
    # Bound methods are made anew on each access; their function is what is cached. The
    # bound method's own signature drops `self`.
    function = getattr(handler, "__func__", handler)
    signature = _signature_of(function)
    if function is not handler:
        parameters = list(signature.parameters.values())[1:]
        signature = signature.replace(parameters=parameters)
    return signature


def _close_if_unused(server, eio_sid: str) -> None:
    """Close an engine.io connection after a refusal, unless it is in use by then.

    A websocket is closed after `REFUSED_CLOSE_SECONDS`. A long-polling connection (a page's
    first requests go that way) holds no descriptor between its requests, and its page closes
    it within moments; closing it under the page's feet would fail the page's next request,
    so it gets `REFUSED_POLLING_CLOSE_SECONDS`, for clients that never close.
    """
    server.sleep(REFUSED_CLOSE_SECONDS)
    connection = server.eio.sockets.get(eio_sid)
    if connection is not None and not (connection.upgraded and not connection.upgrading):
        server.sleep(REFUSED_POLLING_CLOSE_SECONDS - REFUSED_CLOSE_SECONDS)
        connection = server.eio.sockets.get(eio_sid)
    if connection is None or connection.closed:
        return  # the client closed it, as the pages do
    for namespace in list(server.manager.get_namespaces()):
        if server.manager.sid_from_eio_sid(eio_sid, namespace) is not None:
            return  # it joined another namespace on the same connection
    # Not waiting for the queue to drain: a client that went away would never drain it.
    connection.close(wait=False, reason=server.eio.reason.SERVER_DISCONNECT)


def broadcaster() -> Broadcaster:
    """The broadcaster of the running app."""
    return current_app.extensions["attune.broadcaster"]
