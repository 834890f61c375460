"""Clock pings answered where they are read: below the Socket.IO event path, as late as possible.

Why this exists. Every phone counts down to the same second only as well as it knows the
server's clock, and it learns it from `clock` round trips (static/js/clock.js): the server's
time, taken somewhere between the ping's arrival and its answer's departure, is put at the
round trip's midpoint. Whatever a ping waits for inside the server on one side of that
moment and not the other is error. Through the Socket.IO event path a ping is read by its
connection's greenlet, handed to a new greenlet, given a Flask request context, answered,
put on engine.io's queue, and sent by the connection's writer greenlet after it wakes and
frames it: four greenlets, and at 3,000 pings a second (500 phones a second joining, six
round trips each) the one core is nearly busy with them, so each waits behind the others
(docs/performance.md, "What bounds each figure").

What it does. fanout.py's websocket wrapper shows every message it reads to `answer` before
engine.io sees it. A `clock` event with an ack id, on an Attune namespace the connection has
joined, is answered right there by the namespace's `clock_reply`: the same rate limit,
checks, errors and reply as the event path (`AttuneNamespace.on_clock`), with the session's
version read first and the server time read last, just before the ack is framed and
written. The write follows fanout.py's rules: straight to the socket when nothing is queued
or being sent on that connection, else onto engine.io's queue behind what waits there, so
what one client receives keeps its order. Anything else goes on to engine.io untouched:
other events, a clock without an ack id, a malformed packet (engine.io and python-socketio
then refuse it as before), binary attachments, a connection that is upgrading, and every
long-polling request (those never pass through the websocket wrapper).

Halfway, not late. Even answered at once, a ping may have waited in the kernel's buffer
while the one core served other connections, and all of that wait would fall on one side
of the server's time. So each websocket's reads go through `recvmsg` with the kernel's
receive timestamps on (`SO_TIMESTAMPNS`, Linux), and `server_ms` is the server's time
halfway between the moment the ping reached this machine and the moment its answer is
written: as NTP servers do with their receive and transmit times, the time a ping spent
inside the kiosk then cancels out of the client's `server_ms - (t0 + t1) / 2`, however busy
the kiosk was. It is still a moment within the round trip, so every bound a client draws
from it holds. Where the kernel gives no timestamps the time is read just before the write.

What changes for a client: nothing in the answer's form. A clock sent right after another
event may be answered before that event's handler has run, so its `version` is the
session's version at the moment it is read, which is what a clock is for.

This reads python-socketio's and engine.io's internals (the packet classes, the manager's
maps, the pending binary packets), so `install()` checks them, including that a sample ping
decodes and an ack encodes exactly as this module expects, and leaves everything as it was
when they do not; `KIOSK_FAST_CLOCK=0` turns it off. It needs fanout.py's wrapper, so it is
off with `KIOSK_DIRECT_FANOUT=0` too, and like fanout.py it runs under gevent only.
"""

from __future__ import annotations

import logging
import socket
import struct
import sys
import time

from engineio import packet as eio_packet
from socketio import packet as sio_packet

from transport.fanout import DirectWriter
from transport.fanout import Outcome
from transport.fanout import text_frame
from transport.fanout import websocket_of
from transport.websocket_driver import add_layer
from workshop.service import Kiosk

log = logging.getLogger("attune.fastclock")

# A clock ping is about 60 characters; anything much longer goes the ordinary way.
MAX_PING_CHARS = 512

# Kernel receive timestamps as a struct timespec (Linux: SO_TIMESTAMPNS_OLD is 35 and its
# control message has the same number; the old timespec is two native longs).
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
_TIMESPEC = struct.Struct("@ll")
_ANCILLARY_BYTES = socket.CMSG_SPACE(_TIMESPEC.size) if hasattr(socket, "CMSG_SPACE") else 0
# A ping that seems to have waited longer than this inside the kiosk has a timestamp from
# somewhere else: it is answered with the time of the answer instead.
MAX_WAIT_NS = 30 * 1_000_000_000

# What install() checks the libraries against: a ping as socket.io-client sends it, and the
# ack python-socketio would send back for it.
_SAMPLE_PING = '2/participant,7["clock",{"t0":1.5}]'
_SAMPLE_ACK = '3/participant,7[{"t0":1.5,"server_ms":2,"version":3}]'


def arrival_ns(ancillary) -> int:
    """The kernel's receive timestamp in a `recvmsg` answer's control messages; 0 if none."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= _TIMESPEC.size:
            seconds, nanoseconds = _TIMESPEC.unpack_from(data)
            return seconds * 1_000_000_000 + nanoseconds
    return 0


class StampedReads:
    """A websocket's socket whose reads note when their bytes reached this machine.

    simple-websocket reads its connection with `recv()` on its own greenlet; this reads
    with `recvmsg()` instead and keeps the kernel's timestamp of each read in `arrival_ns`
    (0 when the kernel gave none). A message is answered after the read that brought it,
    so the last read's timestamp is never earlier than the message's own arrival. Every
    other attribute is the socket's own (fanout.py reaches its raw socket through here).
    """

    __slots__ = ("wrapped", "arrival_ns")

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.arrival_ns = 0

    def __getattr__(self, name):
        return getattr(self.wrapped, name)

    def recv(self, size, flags=0):
        """Read like `socket.recv`, noting the kernel's arrival time of what was read."""
        data, ancillary, _flags, _address = self.wrapped.recvmsg(size, _ANCILLARY_BYTES, flags)
        self.arrival_ns = arrival_ns(ancillary)
        return data


def halfway(now_ms: int, arrived_ns: int, now_ns: int) -> int:
    """The server time halfway between a ping's arrival and now (`now_ms`, read at `now_ns`).

    `now_ms` comes from the kiosk's clock, the arrival and `now_ns` from the wall clock the
    kernel stamps with. Without an arrival, or with one that cannot be right (the wall clock
    stepped, or a driver stamped with another clock), `now_ms`.
    """
    waited_ns = now_ns - arrived_ns
    if not arrived_ns or not 0 < waited_ns <= MAX_WAIT_NS:
        return now_ms
    return now_ms - (waited_ns + 1_000_000) // 2_000_000


def switch_on_kernel_stamps() -> tuple[socket.socket | None, str]:
    """Turn the kernel's receive timestamps on for good and check that they work here.

    Returns a socket to keep open for the process's life, and "" when a loopback TCP read
    came with a plausible timestamp; else no socket and why not. Linux stamps packets only
    while some socket asks for it, and switches that on a moment after the first one asks:
    the kept socket asks all along, so a phone's first read after a quiet spell is stamped.
    """
    if not sys.platform.startswith("linux") or not _ANCILLARY_BYTES:
        return None, "kernel receive timestamps are read on Linux only"
    keeper = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    problem = "no timestamp came with a loopback read"
    try:
        keeper.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        with socket.create_connection(listener.getsockname(), timeout=2) as client:
            server, _address = listener.accept()
            with server:
                server.settimeout(2)
                server.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
                for _attempt in range(40):
                    before = time.time_ns()
                    client.sendall(b"x")
                    _data, ancillary, _flags, _address = server.recvmsg(1, _ANCILLARY_BYTES)
                    after = time.time_ns()
                    stamp = arrival_ns(ancillary)
                    if before - 1_000_000_000 <= stamp <= after:
                        return keeper, ""
                    if stamp:
                        problem = f"kernel receive timestamps look wrong ({stamp} at {before})"
                        break
                    time.sleep(0.025)
    except OSError as error:
        problem = f"kernel receive timestamps could not be tried: {error}"
    finally:
        listener.close()
    keeper.close()
    return None, problem


def _prompt_layer(stamped: bool):
    """A layer of the websocket wrapper that sends at once and, if `stamped`, reads stamped.

    Without TCP_NODELAY the kernel holds a small answer back while an earlier frame of the
    same connection is unacknowledged (Nagle), up to the client's delayed ACK (40 ms on
    Linux, more on phones): after its server time was read, so the round trip's midpoint
    would be that far off. Node's `ws` sets it on every socket; this sets it on websockets.
    """

    class PromptWebSocket:
        layer = "prompt reads"
        _prepared = False

        def wait(self):
            # engine.io's first wait comes right after simple-websocket opened the connection
            # and before its reading greenlet has run (nothing yields in between): set the
            # socket up once. Should a read already be under way, it carries no timestamp.
            if not self._prepared:
                self._prepared = True
                ws = getattr(self, "ws", None)
                if ws is not None:
                    _prepare(ws, stamped)
            return super().wait()

    return PromptWebSocket


def _prepare(ws, stamped: bool) -> None:
    sock = getattr(ws, "sock", None)
    if sock is None:
        return  # a simple-websocket this was not written for: answers stamped when sent
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if stamped:
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            ws.sock = StampedReads(sock)
    except OSError:
        pass  # not TCP, or already closed: its answers are stamped just before sending


class ClockAnswerer:
    """Answers clock pings read from websockets, for the Attune namespaces of one server."""

    def __init__(self, server, writer: DirectWriter, service: Kiosk, namespaces: dict):
        self.server = server
        self.writer = writer
        self.service = service
        # namespace name -> its AttuneNamespace object
        self.namespaces = namespaces
        # Socket.IO EVENT packets of those namespaces, inside an engine.io MESSAGE.
        self.prefixes = tuple(f"42{name}," for name in namespaces)
        # Counters, for /healthz and the benchmark: acks written straight to the socket,
        # put on engine.io's queue, and connections cut after a partial write.
        self.direct = 0
        self.queued = 0
        self.cut = 0
        # Whether websocket reads carry the kernel's arrival time (see StampedReads), and
        # the socket that keeps the kernel stamping (switch_on_kernel_stamps).
        self.stamped = False
        self.stamp_keeper: socket.socket | None = None

    def stats(self) -> dict:
        """How clock pings read from websockets were answered since the start."""
        return {
            "direct": self.direct,
            "queued": self.queued,
            "cut": self.cut,
            "halfway": self.stamped,
        }

    def answer(self, conn, message) -> bool:
        """Answer `message`, read from engine.io socket `conn`, if it is a clock ping.

        True: answered (or, like the event path on an unexpected error, dropped after
        logging it); False: it is engine.io's, nothing has been done with it.
        """
        if (
            not isinstance(message, str)
            or len(message) > MAX_PING_CHARS
            or not message.startswith(self.prefixes)
        ):
            return False
        try:
            ping = self._recognise(conn, message)
        except Exception:  # a packet the libraries will refuse in their own words
            return False
        if ping is None:
            return False
        try:
            self._reply(conn, *ping)
        except Exception:
            # As in the event path, where the handler's greenlet dies: logged, no ack.
            log.exception("clock ping on %s could not be answered", conn.sid)
        return True

    def _recognise(self, conn, message: str):
        """(namespace object, sid, name, ack id, arguments) of a clock ping, else None.

        Only reads: every check the event path would make before calling the handler.
        """
        server = self.server
        if conn.closed or conn.upgrading or not conn.upgraded:
            return None
        if conn.sid in server._binary_packet:
            return None  # this message is an attachment of an earlier packet
        pkt = server.packet_class(encoded_packet=message[1:])
        if pkt.packet_type != sio_packet.EVENT or pkt.id is None:
            return None
        data = pkt.data
        if not isinstance(data, list) or not data or data[0] != "clock":
            return None
        name = pkt.namespace
        handler = self.namespaces.get(name)
        if handler is None or server.namespace_handlers.get(name) is not handler:
            return None
        if name in server.handlers:
            return None  # decorator handlers would be asked first: let the event path decide
        sid = server.manager.sid_from_eio_sid(conn.sid, name)
        if sid is None or not server.manager.is_connected(sid, name):
            return None  # the event path drops it: it may do so itself
        if not server.get_environ(sid, name):
            return None
        return handler, sid, name, pkt.id, data[1:]

    def _reply(self, conn, handler, sid: str, name: str, ack_id: int, args: list) -> None:
        arrived = 0
        if self.stamped:
            # The connection's socket, as StampedReads left it (fanout.py wraps it further).
            sock = getattr(getattr(websocket_of(conn), "ws", None), "sock", None)
            arrived = getattr(sock, "arrival_ns", 0)
        service = self.service

        def server_ms() -> int:
            return halfway(service.clock(), arrived, time.time_ns())

        reply = handler.clock_reply(service, sid, args, server_ms)
        ack = self.server.packet_class(sio_packet.ACK, namespace=name, id=ack_id, data=[reply])
        text = eio_packet.Packet(eio_packet.MESSAGE, data=ack.encode()).encode()
        outcome = self.writer.write_to(conn, text_frame(text))
        if outcome is Outcome.QUEUE:
            self.queued += 1
            self.server._send_packet(conn.sid, ack)
            return
        self.direct += 1
        if outcome is Outcome.CUT:
            self.cut += 1


def _libraries_look_as_expected(server) -> str:
    """Empty when every internal this module reads is there and behaves; else what is not."""
    for owner, names in (
        (server, ("_binary_packet", "manager", "namespace_handlers", "handlers", "environ")),
        (server, ("packet_class", "get_environ", "_send_packet")),
        (server.manager, ("sid_from_eio_sid", "is_connected")),
    ):
        for name in names:
            if not hasattr(owner, name):
                return f"{type(owner).__name__} has no {name}"
    if not isinstance(server._binary_packet, dict):
        return "pending binary packets are not a dict"
    try:
        ping = server.packet_class(encoded_packet=_SAMPLE_PING)
        ack = server.packet_class(
            sio_packet.ACK,
            namespace="/participant",
            id=7,
            data=[{"t0": 1.5, "server_ms": 2, "version": 3}],
        )
        wrapped = eio_packet.Packet(encoded_packet="4" + _SAMPLE_PING)
        message = eio_packet.Packet(eio_packet.MESSAGE, data=_SAMPLE_ACK).encode()
    except Exception as problem:
        return f"sample packets failed: {problem!r}"
    if (ping.packet_type, ping.namespace, ping.id, ping.data) != (
        sio_packet.EVENT,
        "/participant",
        7,
        ["clock", {"t0": 1.5}],
    ):
        return "a sample clock ping decodes differently"
    if ack.encode() != _SAMPLE_ACK:
        return "a sample ack encodes differently"
    if (wrapped.packet_type, wrapped.data) != (eio_packet.MESSAGE, _SAMPLE_PING):
        return "engine.io unwraps a message differently"
    if message != "4" + _SAMPLE_ACK:
        return "engine.io wraps a message differently"
    return ""


def install(
    socketio, writer: DirectWriter | None, service: Kiosk, names: list[str]
) -> ClockAnswerer | None:
    """Answer clock pings of these namespaces where they are read, when the libraries allow it.

    `writer` is fanout.py's (None when direct writes are off: then so is this). The
    namespaces must be registered already. Returns the answerer (with its counters), or
    None when every clock ping keeps going through the Socket.IO event path.
    """
    if writer is None:
        return None
    server = socketio.server
    problem = _libraries_look_as_expected(server)
    namespaces = {}
    for name in names:
        handler = server.namespace_handlers.get(name) if not problem else None
        if handler is None or not callable(getattr(handler, "clock_reply", None)):
            problem = problem or f"namespace {name} has no clock_reply"
        namespaces[name] = handler
    if problem:
        log.warning("clock pings go through the Socket.IO event path: %s", problem)
        return None
    answerer = ClockAnswerer(server, writer, service, namespaces)
    answerer.stamp_keeper, unstamped = switch_on_kernel_stamps()
    if unstamped:
        log.info("clock answers are stamped just before sending: %s", unstamped)
    answerer.stamped = not unstamped
    if not add_layer(socketio, _prompt_layer(answerer.stamped)):
        if answerer.stamp_keeper is not None:
            answerer.stamp_keeper.close()
        return None  # add_layer said why
    writer.early_reader = answerer.answer
    return answerer
