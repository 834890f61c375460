"""Broadcasts to a room of thousands: one websocket frame, written straight to each idle socket.

Why this exists. python-socketio encodes a broadcast once, then hands a copy to every
recipient's engine.io queue; each connection's writer greenlet wakes, frames the message with
wsproto (compressing it again for every phone that negotiated permessage-deflate) and sends
it. That costs about 40 µs of the kiosk's one core per phone, so a step change reaches the
5,000th phone 200 ms after the first; a plain `send()` per socket costs a third of that
(docs/performance.md, "What bounds each figure").

What it does. python-socketio hands each recipient of an emit without an ack callback the same
engine.io packet (`Server._send_eio_packet`); `install()` wraps that one function. The packet
is framed once, on its first recipient, as an uncompressed websocket text frame (RFC 7692
lets a permessage-deflate connection receive uncompressed messages: RSV1 is simply left
unset). Then, for each recipient whose connection is a websocket with nothing in flight, the
frame is written to the socket in one non-blocking `send()`. Every other recipient
(long-polling, upgrading, a queue that is not empty, a writer that is sending, a full socket
buffer, a binary packet) gets the packet through engine.io's queue as before, so the order of
what one phone receives never changes.

Why it is safe under gevent. Greenlets switch only when one blocks. The frame goes out only
when the connection's queue is empty and its writer greenlet is not inside a send (it is then
parked waiting on the queue), and the write itself never blocks: it either takes the whole
frame, takes nothing (the recipient falls back to the queue), or, when the socket buffer of
a phone that stopped reading has room for part of it, takes part. A part of a frame cannot be
followed by anything else, so that connection is cut: the phone reconnects and catches up
with a snapshot, which is what it does after any lost broadcast (docs/protocol.md).

This reads library internals (engine.io's socket and queue, simple-websocket's socket), so
`install()` checks them and leaves everything as it was when they do not look as expected;
its layer of the websocket driver goes in through `websocket_driver.add_layer`, which checks
the driver and composes it with the other modules' layers in whatever order they come.
`KIOSK_DIRECT_FANOUT=0` turns it off: app.py then never imports this module, so none of
those internals is touched. It is used with gevent only: with real threads the check and the
write could be interleaved with a writer thread.

The same websocket wrapper also lets one other module see each message before engine.io
does (`DirectWriter.early_reader`): fastclock.py answers clock pings there, through the same
idle checks and non-blocking write.
"""

from __future__ import annotations

import enum
import logging
import socket
import struct
from collections.abc import Callable

from transport.websocket_driver import add_layer

log = logging.getLogger("attune.fanout")

# The attribute under which an engine.io socket keeps its websocket wrapper, and the one under
# which an engine.io packet keeps its frame.
_WIRE = "_attune_wire"
_FRAME = "_attune_frame"


def websocket_of(conn):
    """The websocket wrapper (with `ws`, simple-websocket's connection) of an engine.io socket.

    None while the connection is long-polling or after its websocket ended.
    """
    return conn.__dict__.get(_WIRE)


def text_frame(text: str) -> bytes:
    """One final, unmasked, uncompressed websocket text frame (RFC 6455 §5.2) holding `text`."""
    payload = text.encode("utf-8")
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 65536:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


class Outcome(enum.Enum):
    """What became of a direct write."""

    QUEUE = "not written: send it through engine.io's queue"
    WRITTEN = "written whole"
    CUT = "written in part; the connection is being cut"


class DirectWriter:
    """Writes pre-framed messages to idle websocket connections of one engine.io server."""

    def __init__(self, eio):
        self.eio = eio
        # Counters, for /healthz and the benchmark: frames written directly, packets left to
        # engine.io's queue, and connections cut after a partial write.
        self.direct = 0
        self.queued = 0
        self.cut = 0
        # Called as early_reader(engine.io socket, message) with each message read from a
        # websocket, before engine.io sees it; True means it was answered and is done with
        # (fastclock.py). It runs on the connection's reading greenlet and must not raise.
        self.early_reader: Callable[[object, str | bytes], bool] | None = None

    def stats(self) -> dict:
        """How broadcasts were delivered since the start."""
        return {"direct": self.direct, "queued": self.queued, "cut": self.cut}

    def write(self, eio_sid: str, frame: bytes) -> bool:
        """Write `frame` to this connection if it is safe now; False: use the queue instead."""
        outcome = self.write_to(self.eio.sockets.get(eio_sid), frame)
        if outcome is Outcome.QUEUE:
            return False
        self.direct += 1
        if outcome is Outcome.CUT:
            self.cut += 1
        return True

    def write_to(self, conn, frame: bytes) -> Outcome:
        """Write `frame` to an engine.io socket if it is safe now (uncounted: callers count)."""
        if conn is None or conn.closed or not conn.upgraded or conn.upgrading:
            return Outcome.QUEUE
        wire = conn.__dict__.get(_WIRE)
        if wire is None or wire.sending:
            return Outcome.QUEUE
        ws = getattr(wire, "ws", None)
        if ws is None or not ws.connected or conn.queue.qsize():
            return Outcome.QUEUE
        raw = getattr(ws.sock, "_sock", None)  # gevent's socket wraps a non-blocking one
        if raw is None:
            return Outcome.QUEUE
        try:
            written = raw.send(frame)
        except BlockingIOError:
            return Outcome.QUEUE  # the buffer is full: the writer will send it when it drains
        except OSError:
            return Outcome.QUEUE  # a broken connection: engine.io's own path finds out, closes
        if written == len(frame):
            return Outcome.WRITTEN
        log.info("connection %s fell behind mid-frame; cutting it so it reconnects", conn.sid)
        try:
            ws.sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # pragma: no cover - already gone
            pass
        return Outcome.CUT


class WholeWrites:
    """A websocket's socket on which every `send()` writes all it is given.

    simple-websocket sends each frame with one `socket.send()` and ignores how much of it
    was taken. When a phone reads slowly and its socket buffer is nearly full, gevent's
    `send()` takes part of the frame, the rest is lost, and the next frame starts inside it:
    a broken stream (tests/process/test_direct_fanout.py caught it about one run in six).
    This waits for room until the whole frame is out instead, with the writer still marked
    as sending, so nothing can come in between. Every other attribute is the socket's own.
    """

    __slots__ = ("wrapped",)

    def __init__(self, wrapped):
        self.wrapped = wrapped

    def __getattr__(self, name):
        return getattr(self.wrapped, name)

    def send(self, data, flags=0):
        """Write all of `data`, waiting for room as needed; returns its length."""
        self.wrapped.sendall(data, flags)
        return len(data)


def _wire_tracking_layer(writer: DirectWriter):
    """A layer of engine.io's websocket wrapper that tells whether its writer is sending.

    It also shows each message it reads to `writer.early_reader` before engine.io gets it.
    """

    class TrackedWebSocket:
        layer = "tracks writes"

        def __init__(self, handler, server, *args, **kwargs):
            super().__init__(handler, server, *args, **kwargs)
            self.sending = False
            self._owner = getattr(handler, "__self__", None)  # engine.io's socket
            if self._owner is not None:
                setattr(self._owner, _WIRE, self)

        def __call__(self, environ, start_response):
            # Runs for the connection's whole life; afterwards, let go of the engine.io socket
            # so that the two do not keep each other alive as a reference cycle.
            try:
                return super().__call__(environ, start_response)
            finally:
                if self._owner is not None:
                    self._owner.__dict__.pop(_WIRE, None)
                    self._owner = None

        def send(self, message):
            # The writer greenlet sends through here; while it is inside (possibly waiting for
            # the socket to drain), a direct write would cut into its frame.
            self.sending = True
            try:
                return super().send(message)
            finally:
                self.sending = False

        def wait(self):
            # engine.io's first wait comes right after simple-websocket opened the connection,
            # before anything was sent through it but the handshake: make its writes whole.
            ws = getattr(self, "ws", None)
            sock = getattr(ws, "sock", None)
            if sock is not None and not isinstance(sock, WholeWrites):
                ws.sock = WholeWrites(sock)
            # engine.io's reading loop takes each message from here; one the early reader
            # answers never reaches it, and the loop reads on.
            while True:
                message = super().wait()
                reader = writer.early_reader
                owner = self._owner
                if message is None or reader is None or owner is None:
                    return message
                if not reader(owner, message):
                    return message

    return TrackedWebSocket


def _frame_of(eio_pkt) -> bytes:
    """The websocket frame of an engine.io packet, made on its first recipient and kept on it."""
    frame = eio_pkt.__dict__.get(_FRAME)
    if frame is None:
        frame = text_frame(eio_pkt.encode())
        setattr(eio_pkt, _FRAME, frame)
    return frame


def install(socketio) -> DirectWriter | None:
    """Turn direct writes on for this Flask-SocketIO server when its libraries allow it.

    Returns the writer (with its counters), or None when direct writes stay off and every
    emit goes through engine.io's queue. With a Redis message queue, what Redis brings this
    process is delivered through the same function, so the cluster gets direct writes too.
    """
    server = socketio.server
    eio = server.eio
    if eio.async_mode != "gevent":
        return None
    queued_send = getattr(server, "_send_eio_packet", None)
    if not callable(queued_send) or not isinstance(getattr(eio, "sockets", None), dict):
        log.warning("direct broadcast writes are off: python-socketio is not as expected")
        return None
    writer = DirectWriter(eio)
    if not add_layer(socketio, _wire_tracking_layer(writer)):
        return None  # add_layer said why

    def send_eio_packet(eio_sid, eio_pkt):
        if eio_pkt.binary or not writer.write(eio_sid, _frame_of(eio_pkt)):
            writer.queued += 1
            queued_send(eio_sid, eio_pkt)

    server._send_eio_packet = send_eio_packet
    return writer
