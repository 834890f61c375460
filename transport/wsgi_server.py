"""The HTTP handler the kiosk serves with (gevent's pywsgi): no connection held by a slow client.

gevent's `WSGIHandler` waits as long as it takes for a request's line and headers, so a client
that sends half a header and then a byte now and again (slowloris) keeps a connection, a
descriptor and a greenlet for good; the kiosk faces the venue's LAN directly, and its open-file
ceiling is finite. After every response it also reads whatever the request body still owes,
again without a deadline: a request that declares a large body, is refused, and never sends the
body keeps its connection after it was answered.

`KioskHandler` bounds both, and only those:

- The request line and headers must be complete within `header_timeout` seconds of the
  connection starting to wait for them. The deadline is for the whole phase, not each read, so
  trickling bytes does not extend it; a keep-alive connection that stays idle that long is
  closed too. It ends before the application runs: a WebSocket, or a long-poll waiting for
  its next message, is never timed out here (Socket.IO's own heartbeat looks after those).
- An error response to a request whose body was not read says `Connection: close`; what the
  client is still sending is read and thrown away for a moment (at most `linger_seconds`, and
  no longer than `linger_idle` without a byte), so that its kernel gets the response rather
  than a reset, and the connection is closed.

This reaches into gevent's request body object (`Input`: `position`, `content_length`,
`chunked_input`, `chunk_length`) to tell whether a body was read and to let the handler skip
its unbounded drain; tests/process/test_request_bodies.py and test_slow_clients.py fail if a
gevent upgrade changes them.
"""

from __future__ import annotations

import socket
import time

import gevent
from gevent import pywsgi

from workshop.errors import AttuneError

_REQUEST_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"Connection: close\r\n"
    b"Content-Type: text/plain\r\n"
    b"Content-Length: 35\r\n"
    b"\r\n"
    b"The request headers came too slowly"
)


class HeadersTooSlow(AttuneError, socket.timeout):
    """The request line and headers did not arrive in time."""


class KioskHandler(pywsgi.WSGIHandler):
    """gevent's handler, with a deadline for request headers and a bounded drain of bodies."""

    header_timeout: float = 10.0
    linger_seconds: float = 5.0
    linger_idle: float = 1.0

    _header_deadline: gevent.Timeout | None = None

    def read_requestline(self):
        """Start the headers' deadline, then wait for the request line."""
        self._header_deadline = gevent.Timeout.start_new(
            self.header_timeout, HeadersTooSlow("request headers too slow")
        )
        return super().read_requestline()

    def read_request(self, raw_requestline):
        """Read the headers; the deadline ends with them, before the application runs."""
        try:
            return super().read_request(raw_requestline)
        finally:
            self._cancel_header_deadline()

    def handle_one_request(self):
        """One request; the deadline never outlives it (a closed or refused connection)."""
        try:
            return super().handle_one_request()
        finally:
            self._cancel_header_deadline()

    def _handle_client_error(self, ex):
        # gevent's hook for a request it could not parse. A header deadline that passed
        # is answered 408 and closed, without the traceback gevent prints for exceptions
        # other than ValueError, and without writing the client's address anywhere.
        if isinstance(ex, HeadersTooSlow):
            return ("408", _REQUEST_TIMEOUT_RESPONSE)
        return super()._handle_client_error(ex)

    def _cancel_header_deadline(self) -> None:
        deadline, self._header_deadline = self._header_deadline, None
        if deadline is not None:
            deadline.cancel()

    def _body_unread(self) -> bool:
        body = self.wsgi_input
        if body is None:
            return False
        if getattr(body, "chunked_input", False):
            return getattr(body, "chunk_length", 0) != 0  # 0: the last chunk was read
        return getattr(body, "position", 0) < (getattr(body, "content_length", 0) or 0)

    def start_response(self, status, headers, exc_info=None):
        """Mark an error answered before its request's body was read: the connection closes."""
        if status[:1] in ("4", "5") and self._body_unread():
            if not any(name.lower() == "connection" for name, _ in headers):
                headers = [*headers, ("Connection", "close")]
        return super().start_response(status, headers, exc_info)

    def run_application(self):
        """Run the application; then, if the connection closes, stop waiting for its body."""
        try:
            super().run_application()
        finally:
            if self.close_connection and self._body_unread():
                self._linger()

    def _linger(self) -> None:
        """Read and discard what the client still sends, briefly; then let gevent skip the rest.

        Closing a socket with unread data makes the kernel answer with a reset, which can
        destroy the response before the client reads it.
        """
        deadline = time.monotonic() + self.linger_seconds
        try:
            while True:
                wait = min(self.linger_idle, deadline - time.monotonic())
                if wait <= 0:
                    break
                chunk = None
                with gevent.Timeout(wait, False):
                    chunk = self.rfile.read1(65536)
                if not chunk:  # the client paused, finished or went away
                    break
        except (OSError, ValueError):  # reset, or a file already closed
            pass
        body = self.wsgi_input
        # gevent reads the rest of an unread body after every response (Input._discard),
        # however long it takes; the connection closes instead, so there is no rest.
        body.chunked_input = False
        body.content_length = body.position
        self.close_connection = True


def kiosk_handler(header_timeout: float) -> type[KioskHandler]:
    """`KioskHandler` with this deadline for request headers, for `WSGIServer(handler_class=)`."""
    return type("KioskHandler", (KioskHandler,), {"header_timeout": float(header_timeout)})
