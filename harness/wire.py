"""A raw Socket.IO v5 / Engine.IO v4 websocket client, as light as a load generator can be.

One `Conn` is one phone (or the facilitator): a non-blocking TCP socket driven by the asyncio
loop's `add_reader`, no transport or protocol objects. It does the HTTP upgrade, the Engine.IO
open, the namespace connect with an `auth` object, answers pings, and parses only what the
benchmark needs: the `version` of `state` events (a byte search, no JSON), and acks.

Arrival times are the kernel's receive timestamps (`SO_TIMESTAMPNS`), taken when the data
reached the socket, not when this process got round to reading it. On loopback that is the
moment the server's `send()` ran, so a generator that reads late does not make the server look
slow. The userspace read time is kept too, to show how late the generator read.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import struct
import time
from collections.abc import Callable

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux: SO_TIMESTAMPNS_OLD
ANC_SIZE = socket.CMSG_SPACE(16)
_TIMESPEC = struct.Struct("@qq")
_VERSION = re.compile(rb'"version":\s*(\d+)')
_RECV = bytearray(1 << 16)
_RECV_VIEW = memoryview(_RECV)

WS_KEY = b"YXR0dW5lLWJlbmNoLWtleQ=="  # any 16 bytes, base64: the server only echoes a hash


def upgrade_request(
    host: str,
    port: int,
    path: str = "/socket.io/",
    agent: str = "attune-bench",
    cookie: str | None = None,
) -> bytes:
    """The HTTP request that opens an Engine.IO websocket without long-polling first.

    Each phone sends its own User-Agent, as real phones do: nginx's sticky hash (address plus
    User-Agent, deploy/nginx.conf) then spreads them over a cluster's processes. A phone sends
    the cookie holding the id its phone page got from the kiosk (`Cookie: attune_phone=…`).
    """
    return (
        f"GET {path}?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        f"User-Agent: {agent}\r\n"
        + (f"Cookie: {cookie}\r\n" if cookie else "")
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: " + WS_KEY.decode() + "\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    ).encode()


def mask(payload: bytes, key: bytes) -> bytes:
    """XOR a client frame's payload with its 4-byte masking key."""
    n = len(payload)
    if not n:
        return b""
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(stream, "little")).to_bytes(
        n, "little"
    )


def client_frame(payload: bytes, opcode: int = 1) -> bytes:
    """One masked, unfragmented websocket frame (text by default)."""
    n = len(payload)
    if n < 126:
        header = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    key = os.urandom(4)
    return header + key + mask(payload, key)


def now_ns() -> int:
    """Wall-clock nanoseconds: the clock the kernel's receive timestamps use."""
    return time.time_ns()


class Conn:
    """One Socket.IO client of one namespace.

    The owner passes callbacks: `on_joined(conn, kts)`, `on_refused(conn, message)`,
    `on_state(conn, version, kts, uts, size)`, `on_lost(conn, reason)`. Timestamps are
    nanoseconds of the wall clock: `kts` from the kernel, `uts` when this process read them.
    """

    __slots__ = (
        "loop",
        "addr",
        "ns",
        "prefix",
        "auth",
        "cookie",
        "sock",
        "fd",
        "buf",
        "frag",
        "upgraded",
        "joined",
        "closed",
        "next_id",
        "acks",
        "out",
        "t_connect",
        "on_joined",
        "on_refused",
        "on_state",
        "on_lost",
        "no_kts",
        "data",
    )

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        addr: tuple[str, int],
        namespace: str,
        auth: dict,
        on_joined: Callable | None = None,
        on_refused: Callable | None = None,
        on_state: Callable | None = None,
        on_lost: Callable | None = None,
        cookie: str | None = None,
    ):
        self.loop = loop
        self.addr = addr
        self.ns = namespace
        self.prefix = namespace.encode() + b","
        self.auth = auth
        self.cookie = cookie
        self.sock: socket.socket | None = None
        self.fd = -1
        self.buf = b""
        self.frag = b""
        self.upgraded = False
        self.joined = False
        self.closed = False
        self.next_id = 1
        self.acks: dict[int, Callable] = {}
        self.out = b""
        self.t_connect = 0
        self.on_joined = on_joined
        self.on_refused = on_refused
        self.on_state = on_state
        self.on_lost = on_lost
        self.no_kts = 0
        self.data = None  # the owner's record of this phone

    # -- opening -----------------------------------------------------------------------

    async def open(self) -> None:
        """Connect, send the upgrade; the rest happens in `_readable`."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self.t_connect = now_ns()
        try:
            await self.loop.sock_connect(sock, self.addr)
            sock.send(
                upgrade_request(*self.addr, agent=f"attune-bench/{id(self):x}", cookie=self.cookie)
            )
        except OSError as problem:
            self._lose(f"connect: {problem}")
            return
        self.fd = sock.fileno()
        self.loop.add_reader(self.fd, self._readable)

    def close(self) -> None:
        """Drop the connection without a goodbye (like a phone walking out of range)."""
        if self.closed:
            return
        self.closed = True
        if self.sock is not None:
            if self.fd >= 0:
                self.loop.remove_reader(self.fd)
                if self.out:
                    self.loop.remove_writer(self.fd)
            self.sock.close()

    def _lose(self, reason: str) -> None:
        if self.closed:
            return
        self.close()
        if self.on_lost:
            self.on_lost(self, reason)

    # -- sending -----------------------------------------------------------------------

    def _send_text(self, text: bytes) -> int:
        """Frame and send; returns the wall-clock ns just before the bytes left."""
        frame = client_frame(text)
        stamp = now_ns()
        if self.closed:
            return stamp
        if self.out:
            self.out += frame
            return stamp
        try:
            sent = self.sock.send(frame)
        except BlockingIOError:
            sent = 0
        except OSError as problem:
            self._lose(f"send: {problem}")
            return stamp
        if sent < len(frame):
            self.out = frame[sent:]
            self.loop.add_writer(self.fd, self._writable)
        return stamp

    def _writable(self) -> None:
        try:
            sent = self.sock.send(self.out)
        except BlockingIOError:
            return
        except OSError as problem:
            self._lose(f"send: {problem}")
            return
        self.out = self.out[sent:]
        if not self.out:
            self.loop.remove_writer(self.fd)

    def emit(self, event: str, data, callback: Callable | None = None) -> int:
        """Emit an event (with an ack callback `callback(conn, reply, kts, uts)`).

        Returns the wall-clock ns at which it was sent.
        """
        body = json.dumps([event, data], separators=(",", ":")).encode()
        if callback is None:
            return self._send_text(b"42" + self.prefix + body)
        ack_id = self.next_id
        self.next_id += 1
        self.acks[ack_id] = callback
        return self._send_text(b"42" + self.prefix + str(ack_id).encode() + body)

    # -- receiving ---------------------------------------------------------------------

    def _readable(self) -> None:
        try:
            size, anc, _flags, _addr = self.sock.recvmsg_into([_RECV_VIEW], ANC_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as problem:
            self._lose(f"recv: {problem}")
            return
        uts = now_ns()
        kts = 0
        for _level, kind, raw in anc:
            if kind == SO_TIMESTAMPNS and len(raw) >= 16:
                sec, nsec = _TIMESPEC.unpack_from(raw)
                kts = sec * 1_000_000_000 + nsec
        if not kts:
            kts = uts
            self.no_kts += 1
        if not size:
            self._lose("closed by the server")
            return
        data = bytes(_RECV_VIEW[:size])
        buf = self.buf + data if self.buf else data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self.buf = buf
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self._lose("upgrade refused: " + buf.split(b"\r\n", 1)[0].decode("latin-1"))
                return
            self.upgraded = True
            buf = buf[end + 4 :]
        pos = 0
        n = len(buf)
        while n - pos >= 2:
            b0 = buf[pos]
            length = buf[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if n - pos < 4:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if n - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                head = 10
            if n - pos < head + length:
                break
            payload = buf[pos + head : pos + head + length]
            pos += head + length
            opcode = b0 & 0x0F
            if opcode in (0, 1, 2):
                if not b0 & 0x80:  # a fragment: keep it until the final one
                    self.frag += payload
                    continue
                if self.frag:
                    payload = self.frag + payload
                    self.frag = b""
                self._packet(payload, kts, uts, length)
            elif opcode == 8:
                self._lose("websocket closed by the server")
                return
            elif opcode == 9:
                frame = client_frame(payload, opcode=10)
                try:
                    self.sock.send(frame)
                except OSError:
                    pass
            if self.closed:
                return
        self.buf = buf[pos:] if pos < n else b""

    def _packet(self, p: bytes, kts: int, uts: int, size: int) -> None:
        kind = p[:1]
        if kind == b"4":  # Engine.IO message: a Socket.IO packet
            sio = p[1:2]
            rest = p[2:]
            if not rest.startswith(self.prefix):
                return
            rest = rest[len(self.prefix) :]
            if sio == b"2":
                if rest.startswith(b'["state"'):
                    if self.on_state is not None:
                        found = _VERSION.search(rest, 0, 400)
                        version = int(found.group(1)) if found else -1
                        self.on_state(self, version, kts, uts, size)
            elif sio == b"3":
                cut = rest.find(b"[")
                ack_id = int(rest[:cut])
                callback = self.acks.pop(ack_id, None)
                if callback is not None:
                    reply = json.loads(rest[cut:])
                    callback(self, reply[0] if reply else None, kts, uts)
            elif sio == b"0":
                self.joined = True
                if self.on_joined is not None:
                    self.on_joined(self, kts)
            elif sio == b"4":
                try:
                    message = json.loads(rest).get("message", "")
                except ValueError:
                    message = rest.decode("utf-8", "replace")
                if self.on_refused is not None:
                    self.on_refused(self, message)
                self.close()
            elif sio == b"1":
                self._lose("namespace disconnected by the server")
        elif kind == b"2":  # Engine.IO ping: answer at once
            self._send_text(b"3")
        elif kind == b"0":  # Engine.IO open: join the namespace
            auth = json.dumps(self.auth, separators=(",", ":")).encode()
            self._send_text(b"40" + self.prefix + auth)
        elif kind == b"1":
            self._lose("engine.io closed by the server")
