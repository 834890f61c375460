"""Broadcasts to a room of thousands: one websocket frame, written straight to each idle socket.

Why this exists. python-socketio encodes a broadcast once, then hands a copy to every
recipient's engine.io queue; each connection's writer greenlet wakes, frames the message with
wsproto (compressing it again for every phone that negotiated permessage-deflate) and sends
it. That costs about 40 µs of the kiosk's one core per phone, so a step change reaches the
5,000th phone 200 ms after the first; a plain `send()` per socket costs a third of that
(docs/performance.md, "What bounds each figure").

What it does. For a broadcast with no ack callback, the packet is encoded and framed once as
an uncompressed websocket text frame (RFC 7692 lets a permessage-deflate connection receive
uncompressed messages: RSV1 is simply left unset). Then, for each recipient whose connection
is a websocket with nothing in flight, the frame is written to the socket in one non-blocking
`send()`. Every other recipient (long-polling, upgrading, a queue that is not empty, a writer
that is sending, a full socket buffer) gets the packet through engine.io's queue as before, so
the order of what one phone receives never changes.

Why it is safe under gevent. Greenlets switch only when one blocks. The frame goes out only
when the connection's queue is empty and its writer greenlet is not inside a send (it is then
parked waiting on the queue), and the write itself never blocks: it either takes the whole
frame, takes nothing (the recipient falls back to the queue), or, when the socket buffer of
a phone that stopped reading has room for part of it, takes part. A part of a frame cannot be
followed by anything else, so that connection is cut: the phone reconnects and catches up
with a snapshot, which is what it does after any lost broadcast (docs/protocol.md).

This reads library internals (engine.io's socket and queue, simple-websocket's socket), so
`install()` checks them and leaves everything as it was when they do not look as expected;
`KIOSK_DIRECT_FANOUT=0` turns it off. It is used with gevent only: with real threads the
check and the write could be interleaved with a writer thread.
"""

from __future__ import annotations

import logging
import socket
import struct

from engineio import packet as eio_packet
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from socketio import packet as sio_packet
from socketio.manager import Manager
from socketio.redis_manager import RedisManager

log = logging.getLogger("attune.fanout")

# The attribute under which an engine.io socket keeps its websocket wrapper.
_WIRE = "_attune_wire"


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


class DirectWriter:
    """Writes pre-framed messages to idle websocket connections of one engine.io server."""

    def __init__(self, eio):
        self.eio = eio
        # Counters, for /healthz and the benchmark: frames written directly, packets left to
        # engine.io's queue, and connections cut after a partial write.
        self.direct = 0
        self.queued = 0
        self.cut = 0

    def stats(self) -> dict:
        """How broadcasts were delivered since the start."""
        return {"direct": self.direct, "queued": self.queued, "cut": self.cut}

    def write(self, eio_sid: str, frame: bytes) -> bool:
        """Write `frame` to this connection if it is safe now; False: use the queue instead."""
        conn = self.eio.sockets.get(eio_sid)
        if conn is None or conn.closed or not conn.upgraded or conn.upgrading:
            return False
        wire = conn.__dict__.get(_WIRE)
        if wire is None or wire.sending:
            return False
        ws = getattr(wire, "ws", None)
        if ws is None or not ws.connected or conn.queue.qsize():
            return False
        raw = getattr(ws.sock, "_sock", None)  # gevent's socket wraps a non-blocking one
        if raw is None:
            return False
        try:
            written = raw.send(frame)
        except BlockingIOError:
            return False  # the buffer is full: the writer will send it when it drains
        except OSError:
            return False  # a broken connection: engine.io's own path finds out and closes
        self.direct += 1
        if written < len(frame):
            self.cut += 1
            log.info("connection %s fell behind mid-frame; cutting it so it reconnects", eio_sid)
            try:
                ws.sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # pragma: no cover - already gone
                pass
        return True


class _DirectEmit:
    """The broadcast half of a python-socketio client manager, with direct writes.

    Mixed in before `Manager` (single process) or below `PubSubManager` (Redis: each process
    delivers what the queue brings to its own connections through this same method).
    """

    writer: DirectWriter | None = None

    def emit(
        self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kwargs
    ):
        """Deliver an event to a room (or one client, or everyone in the namespace)."""
        writer = self.writer
        if writer is None or callback:
            return super().emit(
                event,
                data,
                namespace,
                room=room,
                skip_sid=skip_sid,
                callback=callback,
                to=to,
                **kwargs,
            )
        room = to or room
        if namespace not in self.rooms:
            return None
        if isinstance(data, tuple):
            args = list(data)
        elif data is not None:
            args = [data]
        else:
            args = []
        encoded = self.server.packet_class(
            sio_packet.EVENT, namespace=namespace, data=[event] + args
        ).encode()
        if isinstance(encoded, list):  # binary attachments: several packets, the usual path
            return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, **kwargs)
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        eio_pkt = eio_packet.Packet(eio_packet.MESSAGE, encoded)
        frame = text_frame(eio_pkt.encode())
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            if not writer.write(eio_sid, frame):
                writer.queued += 1
                self.server._send_eio_packet(eio_sid, eio_pkt)
        return None


class DirectManager(_DirectEmit, Manager):
    """python-socketio's in-process client manager, with direct broadcast writes."""


class DirectRedisManager(RedisManager, _DirectEmit, Manager):
    """python-socketio's Redis manager; what it receives for this process goes out directly.

    `PubSubManager.emit` publishes; the listener then calls `super().emit`, which resolves to
    `_DirectEmit.emit` by the method order above.
    """


def _wire_tracking_driver(driver):
    """A subclass of engine.io's websocket wrapper that tells whether its writer is sending."""

    class TrackedWebSocket(driver):
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

    return TrackedWebSocket


def make_manager(message_queue: str | None, direct: bool):
    """The client manager for Flask-SocketIO's `client_manager=`; None: the library default."""
    if message_queue:
        if not message_queue.startswith(("redis://", "rediss://")):
            return None
        cls = DirectRedisManager if direct else RedisManager
        return cls(message_queue, channel="flask-socketio")
    return DirectManager() if direct else None


def install(socketio, manager) -> DirectWriter | None:
    """Turn direct writes on for this Flask-SocketIO server when its libraries allow it.

    `manager` is what `make_manager` returned. Returns the writer (with its counters), or
    None when direct writes stay off and every broadcast goes through engine.io's queue.
    """
    if not isinstance(manager, _DirectEmit):
        return None
    eio = socketio.server.eio
    if eio.async_mode != "gevent":
        return None
    driver = eio._async.get("websocket")
    if not isinstance(driver, type) or not issubclass(driver, SimpleWebSocketWSGI):
        log.warning("direct broadcast writes are off: unexpected websocket driver %r", driver)
        return None
    if not hasattr(eio, "sockets") or not hasattr(eio_packet.Packet, "encode"):
        return None  # pragma: no cover - a library version this was not written for
    eio._async = {**eio._async, "websocket": _wire_tracking_driver(driver)}
    manager.writer = DirectWriter(eio)
    return manager.writer
