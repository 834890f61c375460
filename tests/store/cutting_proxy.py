"""A TCP proxy in front of the test PostgreSQL that cuts one connection at a chosen moment.

A lost connection is only hard to handle when it is lost at the wrong moment: with a query
sent and its reply not yet read. A real server does that by chance (a restart, an
administrator's `pg_terminate_backend`); this proxy does it on purpose, so the tests can say
which moment. It forwards bytes unchanged between the store and the real server, and once
armed it cuts the first connection whose client sends a message holding `marker`:

- `before`: the message is dropped and the connection closed: the server never sees it.
- `after`: the message is forwarded, the server's reply is read to its `ReadyForQuery`
  (so in autocommit mode the statement has committed) and thrown away, and the connection
  closed: the client never learns that its statement was applied.
"""

from __future__ import annotations

import socket
import struct
import threading


class CuttingProxy:
    """Forward 127.0.0.1:`port` to `upstream`; cut one connection when armed."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._marker: bytes | None = None
        self._moment = ""
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.cut = threading.Event()
        # Cleared, new connections wait here until it is set again (the next step of a
        # test can then happen between a cut and the client's reconnection).
        self.admitting = threading.Event()
        self.admitting.set()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, database_url: str) -> str:
        """`database_url` (as made by PostgresCluster) through this proxy, without TLS."""
        head, _, tail = database_url.rpartition("@")
        host_port, _, database = tail.partition("/")
        return f"{head}@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def arm(self, marker: bytes, moment: str) -> None:
        """Cut the next connection that sends `marker`, `before` or `after` the server runs it."""
        assert moment in ("before", "after")
        with self._lock:
            self._marker, self._moment = marker, moment
            self.cut.clear()

    def close(self) -> None:
        """Stop accepting and close every forwarded connection."""
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                _close(sock)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.admitting.wait()
            server = socket.create_connection(self.upstream)
            with self._lock:
                self._sockets += [client, server]
            link = _Link(self, client, server)
            threading.Thread(target=link.client_to_server, daemon=True).start()
            threading.Thread(target=link.server_to_client, daemon=True).start()

    def _take(self, data: bytes) -> str:
        """The moment to cut at if `data` holds the armed marker (disarming it), else ''."""
        with self._lock:
            if self._marker is not None and self._marker in data:
                self._marker = None
                return self._moment
        return ""


class _Link:
    """One client connection and its connection to the server."""

    def __init__(self, proxy: CuttingProxy, client: socket.socket, server: socket.socket):
        self.proxy = proxy
        self.client = client
        self.server = server
        # Set before the marked message is forwarded, so no byte of its reply slips through.
        self.swallowing = threading.Event()

    def cut(self) -> None:
        _close(self.client)
        _close(self.server)
        self.proxy.cut.set()

    def client_to_server(self) -> None:
        while True:
            data = _recv(self.client)
            if not data:
                break
            moment = self.proxy._take(data)
            if moment == "before":
                self.cut()
                return
            if moment == "after":
                self.swallowing.set()
            try:
                self.server.sendall(data)
            except OSError:
                break
        _close(self.server)

    def server_to_client(self) -> None:
        swallowed = b""
        while True:
            data = _recv(self.server)
            if not data:
                break
            if not self.swallowing.is_set():
                try:
                    self.client.sendall(data)
                except OSError:
                    break
                continue
            # Everything from here on answers the marked message: read it whole, send none.
            swallowed += data
            if _ends_with_ready_for_query(swallowed):
                self.cut()
                return
        _close(self.client)


def _ends_with_ready_for_query(stream: bytes) -> bool:
    """Whether `stream`, whole backend messages (type byte, int32 length), holds a 'Z'."""
    at = 0
    while at + 5 <= len(stream):
        kind = stream[at : at + 1]
        (length,) = struct.unpack("!I", stream[at + 1 : at + 5])
        if at + 1 + length > len(stream):
            return False
        if kind == b"Z":
            return True
        at += 1 + length
    return False


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
