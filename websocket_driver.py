"""engine.io's websocket driver under gevent, ending each connection cleanly and in time.

engine.io runs a websocket inside the WSGI request that upgraded it: simple-websocket sends the
`101 Switching Protocols` itself, on the raw socket, reads frames in a greenlet of its own, and
the request returns only when the websocket has ended. Three things go wrong at the end, and
each holds descriptors (or worse) after the phone is gone:

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

from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

log = logging.getLogger("attune.websocket")

# How long a client may take to answer the kiosk's close frame before its connection is cut.
CLOSE_GRACE_SECONDS = 2.0


def _ending_cleanly(driver):
    """A subclass of engine.io's websocket driver whose connections end with the websocket."""

    class CleanEndWebSocket(driver):
        def __init__(self, handler, server, *args, **kwargs):
            super().__init__(handler, server, *args, **kwargs)
            self._eio = server
            self._ended = False

        def __call__(self, environ, start_response):
            try:
                result = super().__call__(environ, start_response)
            finally:
                self._ended = True
            ws = getattr(self, "ws", None)
            if ws is None:
                return result  # pragma: no cover - no handshake happened: an HTTP answer is due
            wsgi_input = environ.get("wsgi.input")
            if wsgi_input is not None:
                # pywsgi looks at this stream after each request: closed, it closes the
                # connection instead of waiting for another request on it. Closed first, so
                # that closing the socket below is not put off by the stream's hold on it.
                wsgi_input.close()
            # Wakes the websocket's reader if it still waits (engine.io gave up first).
            ws.sock.close()
            # The 101 went out: nothing HTTP may follow. A tuple is returned as is by
            # engine.io (a list would become a `200` with a payload).
            return ()

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
