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

Layers. Four modules change what engine.io's driver does: this one (ending cleanly), security.py
(capping message sizes), fanout.py (tracking writes) and fastclock.py (prompt, stamped reads).
Each hands `add_layer()` a mixin; the driver in engine.io's slot is always the library's own
class with every layer added so far on top, in the order of `LAYERS`, whatever order they
were added in: no layer replaces another, and app.py may add them in any order. The slot and
the driver are engine.io's internals, so before the first layer goes in, `library_problem()`
checks that they look as these layers expect; when they do not, nothing is changed. The
private modules are imported only then, and only by the modules whose layers are on.
"""

from __future__ import annotations

import inspect
import logging
import socket
import weakref

import simple_websocket

log = logging.getLogger("attune.websocket")

# How long a client may take to answer the kiosk's close frame before its connection is cut.
CLOSE_GRACE_SECONDS = 2.0

# The layers a websocket driver may get, from the library's class outwards: a layer's
# methods run before those of the layers listed above it, and call them through `super()`.
# This one must be innermost, since its `__call__` takes the place of the library's.
LAYERS = (
    "ends cleanly",  # this module: one descriptor, cut when a client does not close
    "caps messages",  # security.cap_websocket_messages: frames over the limit refused as read
    "tracks writes",  # fanout.py: whether the writer is sending; messages shown early
    "prompt reads",  # fastclock.py: TCP_NODELAY and the kernel's arrival stamps
)


class _Composition:
    """engine.io's own driver class for one server, and the layers added on top of it."""

    def __init__(self, library: type):
        self.library = library
        self.layers: list[type] = []
        self.driver: type = library


# engine.io server -> its composition; forgotten with the server.
_COMPOSITIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _no_application(_ws) -> None:
    """What a probe driver would run: nothing (it never runs)."""


def library_problem(driver) -> str:
    """Empty when `driver` is engine.io's simple-websocket driver as the layers expect it.

    Else what is not as expected. The layers subclass it, pass its constructor
    `(handler, server)`, and add to the keyword arguments it keeps for simple-websocket's
    server (`server_args`), which must accept `max_message_size`.
    """
    # engine.io's private module, imported only when some layer is about to be added.
    from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI

    if not isinstance(driver, type) or not issubclass(driver, SimpleWebSocketWSGI):
        return f"unexpected websocket driver {driver!r}"
    for name in ("close", "send", "wait"):
        if not callable(getattr(driver, name, None)):
            return f"the websocket driver has no {name}()"
    try:
        probe = driver(_no_application, None)
    except Exception as problem:
        return f"the websocket driver is not made as (handler, server): {problem!r}"
    if not isinstance(getattr(probe, "server_args", None), dict):
        return "the websocket driver keeps no keyword arguments for simple-websocket"
    accepted = inspect.signature(simple_websocket.Server.__init__).parameters
    if "max_message_size" not in accepted:
        return "simple-websocket's server takes no max_message_size"
    return ""


def add_layer(socketio, layer: type) -> bool:
    """Put `layer` (a mixin naming its place in `LAYERS`) into this server's websocket driver.

    The driver becomes the library's class under every layer added so far, in `LAYERS`
    order, so the order of the calls does not matter. False, with a warning and nothing
    changed, when the library's driver does not look as expected (`library_problem`) or
    something else replaced the driver since the last layer went in.

    :raise ValueError: the layer names no place in `LAYERS`, or one that is taken.
    """
    if getattr(layer, "layer", None) not in LAYERS:
        raise ValueError(f"{layer.__name__} names no layer of {LAYERS}")
    eio = socketio.server.eio
    current = eio._async.get("websocket")
    composition = _COMPOSITIONS.get(eio)
    if composition is None:
        problem = library_problem(current)
        if problem:
            log.warning("websocket driver left as it is, without %r: %s", layer.layer, problem)
            return False
        composition = _COMPOSITIONS[eio] = _Composition(current)
    elif current is not composition.driver:
        log.warning("websocket driver left as it is, without %r: now %r", layer.layer, current)
        return False
    if any(added.layer == layer.layer for added in composition.layers):
        raise ValueError(f"the {layer.layer!r} layer is in this driver already")
    composition.layers.append(layer)
    outermost_first = sorted(
        composition.layers, key=lambda added: LAYERS.index(added.layer), reverse=True
    )
    if outermost_first[0] is layer:
        # The usual case: on top of the driver as it was, which stays its base class.
        bases = (layer, composition.driver)
    else:
        # Below a layer already there: the driver is made again from the library's class.
        bases = (*outermost_first, composition.library)
    composition.driver = type(
        "AttuneWebSocket",
        bases,
        {"__module__": __name__, "__doc__": "engine.io's websocket driver with Attune's layers."},
    )
    eio._async = {**eio._async, "websocket": composition.driver}
    return True


def layers_of(socketio) -> list[str]:
    """The layers of this server's websocket driver, outermost first (none: the library's own)."""
    composition = _COMPOSITIONS.get(socketio.server.eio)
    if composition is None:
        return []
    return [c.__dict__["layer"] for c in composition.driver.__mro__ if "layer" in c.__dict__]


def _own_socket_server():
    """simple-websocket's server side, on the connection's own socket rather than a `dup()`."""
    # simple-websocket's base class and wsproto's connection type: internals, needed only here.
    from simple_websocket.ws import Base as WebSocketBase
    from wsproto import ConnectionType

    class OwnSocketServer(simple_websocket.Server):
        def __init__(self, environ, sock, **kwargs):
            # What `simple_websocket.Server.__init__` sets, but for the socket it would dup().
            self.environ = environ
            self.subprotocols = []
            self.mode = "gevent"
            WebSocketBase.__init__(self, sock, connection_type=ConnectionType.SERVER, **kwargs)

    return OwnSocketServer


def connection_socket(environ):
    """The gevent socket of a pywsgi request (what simple-websocket would `dup()`), or None."""
    if not environ.get("SERVER_SOFTWARE", "").startswith("gevent"):
        return None
    stream = environ.get("wsgi.input")
    if not hasattr(stream, "raw") and hasattr(stream, "rfile"):
        stream = stream.rfile
    return getattr(getattr(stream, "raw", None), "_sock", None)


def _ending_cleanly():
    """The layer of engine.io's websocket driver: one descriptor, ending with the websocket."""
    own_socket_server = _own_socket_server()

    class CleanEndWebSocket:
        layer = "ends cleanly"
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
                self.ws = own_socket_server(environ, sock, **self.server_args)
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
    """Make this Flask-SocketIO server's websockets end cleanly; False where not gevent.

    Also False when engine.io's driver is not as expected (see `add_layer`).
    """
    if socketio.server.eio.async_mode != "gevent":
        return False
    return add_layer(socketio, _ending_cleanly())
