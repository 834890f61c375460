"""engine.io's websocket driver under gevent: one descriptor per connection, ended cleanly.

engine.io runs a websocket inside the WSGI request that upgraded it: simple-websocket sends the
`101 Switching Protocols` itself, on the raw socket, reads frames in a greenlet of its own, and
the request returns only when the websocket has ended.

One descriptor. Under gevent, simple-websocket `dup()`s the connection's socket and works on
the copy, while pywsgi keeps the original open for the connection's whole life: two
descriptors per phone, so a process runs out of open files at half the phones it could hold.
It duplicates (simple-websocket 0.10.1, its issue #24) so that pywsgi's handler, which goes on
reading the original for a next request once the application returns, never waits on the same
gevent socket object as the websocket's reader: gevent refuses two greenlets waiting to read one
socket (ConcurrentObjectUseError). Here the websocket works on the original socket itself, and
the request never lets pywsgi read it again (below): the reader's wait is cancelled by closing
the socket, through gevent, before the request returns, and pywsgi only finds it closed. While
the websocket lives, pywsgi's handler is inside the application and touches nothing.

The end of a connection. Three things go wrong there, and each holds descriptors (or worse)
after the phone is gone:

- When the kiosk closes a connection (a ping timeout, a refused phone, a restart), it sends a
  close frame and then waits for the client's answer, for ever: a phone that left the Wi-Fi
  never answers, and its descriptors stay open until TCP gives up, a quarter of an hour later.
  Here, a client that has not finished closing `CLOSE_GRACE_SECONDS` after the close frame is
  cut off (`shutdown`), which ends the reader and then the request.
- What engine.io returns at the end is not meant for anybody: for an upgrade of a long-polling
  session it is an HTTP `200` with an empty payload, which gevent's pywsgi writes onto the
  socket that has been speaking websocket frames (a browser still on it reports "Invalid frame
  header"). Here the request answers nothing more: an empty tuple, which engine.io passes
  through untouched and for which pywsgi writes nothing.
- pywsgi then waits on that socket for another HTTP request, holding it. Here the request's
  input stream is closed, so pywsgi closes the connection at once, and so is the websocket's
  own socket, which also wakes its reader if it is still waiting.

`install()` puts a subclass of engine.io's driver in its place. It is installed before the
other drivers' subclasses (`security.cap_websocket_messages`, `fanout`), which build on it.
"""

from __future__ import annotations

import logging
import socket

import simple_websocket
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from simple_websocket.ws import Base as WebSocketBase
from wsproto import ConnectionType

log = logging.getLogger("attune.websocket")

# How long a client may take to answer the kiosk's close frame before its connection is cut.
CLOSE_GRACE_SECONDS = 2.0


class _OwnSocketServer(simple_websocket.Server):
    """simple-websocket's server side, on the connection's own socket rather than a `dup()`."""

    def __init__(self, environ, sock, **kwargs):
        # What `simple_websocket.Server.__init__` sets, but for the socket it would duplicate.
        self.environ = environ
        self.subprotocols = []
        self.mode = "gevent"
        WebSocketBase.__init__(self, sock, connection_type=ConnectionType.SERVER, **kwargs)


def connection_socket(environ):
    """The gevent socket of a pywsgi request (what simple-websocket would `dup()`), or None."""
    if not environ.get("SERVER_SOFTWARE", "").startswith("gevent"):
        return None
    stream = environ.get("wsgi.input")
    if not hasattr(stream, "raw") and hasattr(stream, "rfile"):
        stream = stream.rfile
    return getattr(getattr(stream, "raw", None), "_sock", None)


def _ending_cleanly(driver):
    """A subclass of engine.io's websocket driver: one descriptor, ending with the websocket."""

    class CleanEndWebSocket(driver):
        # Read by `descriptors.per_phone_descriptors` (and by the kiosk's phone ceiling).
        descriptors_per_connection = 1

        def __init__(self, handler, server, *args, **kwargs):
            super().__init__(handler, server, *args, **kwargs)
            self._eio = server
            self._ended = False

        def __call__(self, environ, start_response):
            sock = connection_socket(environ)
            if sock is None:  # pragma: no cover - not pywsgi: simple-websocket's own way
                try:
                    return super().__call__(environ, start_response)
                finally:
                    self._ended = True
            try:
                # The handshake: on failure nothing was sent yet, and an HTTP answer is due.
                self.ws = _OwnSocketServer(environ, sock, **self.server_args)
            except BaseException:
                self._ended = True
                raise
            try:
                self.app(self)
            finally:
                # Also when engine.io failed: pywsgi must not go on with a socket whose
                # reader may still be waiting on it.
                self._ended = True
                self._let_go(environ)
            # The 101 went out: nothing HTTP may follow. A tuple is returned as is by
            # engine.io (a list would become a `200` with a payload).
            return ()

        def _let_go(self, environ):
            wsgi_input = environ.get("wsgi.input")
            if wsgi_input is not None:
                # pywsgi looks at this stream after each request: closed, it closes the
                # connection instead of waiting for another request on it. Closed first, so
                # that closing the socket below is not put off by the stream's hold on it.
                wsgi_input.close()
            # Through gevent, which wakes the websocket's reader if it still waits.
            self.ws.sock.close()

        def close(self):
            """Send the close frame; cut the connection if the client has not closed soon."""
            closing = self.ws.connected
            super().close()
            if closing and not self._ended:
                self._eio.start_background_task(self._cut_if_still_open)

        def _cut_if_still_open(self):
            self._eio.sleep(CLOSE_GRACE_SECONDS)
            if self._ended:
                return
            try:
                # The reader's recv() returns: the websocket ends, and so does the request.
                self.ws.sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # pragma: no cover - closed in the meantime
                pass

    return CleanEndWebSocket


def install(socketio) -> bool:
    """Use the cleanly ending driver for this Flask-SocketIO server; False where not gevent."""
    eio = socketio.server.eio
    if eio.async_mode != "gevent":
        return False
    driver = eio._async.get("websocket")
    if not isinstance(driver, type) or not issubclass(driver, SimpleWebSocketWSGI):
        log.warning("websocket driver left as it is: unexpected driver %r", driver)
        return False
    eio._async = {**eio._async, "websocket": _ending_cleanly(driver)}
    return True
