"""Guards every request passes: the kiosk's own host names, browser origins, message sizes.

On a venue's Wi-Fi the kiosk is reached by IP address or a local name. A page on another site
must not be able to drive it through a visitor's browser: WebSocket origins are checked, and
so is the Host header, because a DNS-rebinding name passes a plain "Origin equals Host" test.

Everything a client sends is bounded before it is read: request bodies (Flask routes and
Socket.IO's long-polling POSTs), WebSocket frames, and how deeply a Socket.IO message's JSON
nests.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from itertools import accumulate
from urllib.parse import urlsplit

from engineio import json as engineio_json
from flask import request
from werkzeug.exceptions import LengthRequired
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from transport.error_pages import with_message
from transport.i18n import N_
from transport.websocket_driver import add_layer
from workshop.errors import AttuneError

log = logging.getLogger("attune.security")

# The deepest a Socket.IO message's JSON may nest. The kiosk's own messages nest three or four
# levels (an event, its object, a list of choices); Python's JSON parser gives up with a
# RecursionError somewhere near a thousand.
MAX_JSON_DEPTH = 32

# The event a message nested deeper than MAX_JSON_DEPTH becomes, so that the namespace that
# would have received it can answer its ack with an error (realtime.AttuneNamespace).
NESTED_TOO_DEEP = "attune:nested-too-deep"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _split_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return [str(item).strip() for item in value]


def _host_only(host: str) -> str:
    """'Example.LAN:8000' -> 'example.lan'; '[::1]:80' -> '::1'."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def own_host_names(public_url: str, extra) -> set[str]:
    """The names and addresses this kiosk answers to."""
    names = {"localhost", "127.0.0.1", "::1"}
    public = urlsplit(public_url).hostname
    if public:
        names.add(public.lower())
    hostname = socket.gethostname().lower()
    names.update({hostname, f"{hostname}.local"})
    try:
        for info in socket.getaddrinfo(hostname, None):
            names.add(str(info[4][0]).lower())
    except OSError:
        pass
    names.update(_host_only(h) for h in _split_list(extra))
    return names


class HostGuard:
    """WSGI middleware: answer 421 to requests whose Host is not one of the kiosk's names."""

    def __init__(self, app, allowed: set[str]):
        self.app = app
        self.allowed = allowed

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if _host_only(host) not in self.allowed:
            body = (
                b'{"ok": false, "error": "unknown host name; open the kiosk by the address it '
                b'printed, or add this name to KIOSK_ALLOWED_HOSTS"}'
            )
            start_response(
                "421 Misdirected Request",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return self.app(environ, start_response)


# Headers by which a proxy tells where a request came from; only a trusted proxy's count.
FORWARDED_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_X_REAL_IP",
)
# Where proxies are trusted from when KIOSK_TRUSTED_PROXY_ADDRESSES is empty: this machine.
LOOPBACK = ("127.0.0.0/8", "::1")


def trusted_networks(value) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks reverse proxies connect from: KIOSK_TRUSTED_PROXY_ADDRESSES, else loopback.

    Entries are addresses (`10.0.0.5`) or networks (`10.0.0.0/24`, `fd00::/8`).

    :raise ValueError: an entry is neither, with a message that names it.
    """
    networks = []
    for item in _split_list(value) or LOOPBACK:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(
                f"KIOSK_TRUSTED_PROXY_ADDRESSES: {item!r} is neither an address nor a network "
                "such as 10.0.0.0/24"
            ) from None
    return networks


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().split("%", 1)[0])
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


class TrustedProxies:
    """WSGI middleware: `X-Forwarded-*` counts only when a trusted proxy sent it.

    With `hops` proxies in front (KIOSK_TRUSTED_PROXIES), a request is taken at the proxies'
    word (werkzeug's ProxyFix: client address, scheme and host) only when it arrives from one
    of `networks` and, with several proxies, the addresses the inner ones forwarded for are in
    `networks` too. From anyone else (a phone on the venue's Wi-Fi that reaches the kiosk
    directly, a page whose name was rebound to the kiosk) the headers are removed before
    anything reads them: they can neither pass the Host check nor change whom the guessing
    brake counts. With `hops` 0 they are removed from every request.
    """

    def __init__(self, app, hops: int, networks):
        self.app = app
        self.hops = hops
        self.networks = list(networks)
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops) if hops else None

    def __call__(self, environ, start_response):
        if self.fixed is not None and self._from_proxies(environ):
            return self.fixed(environ, start_response)
        for name in FORWARDED_HEADERS:
            environ.pop(name, None)
        return self.app(environ, start_response)

    def _trusted(self, text: str) -> bool:
        address = _ip(text)
        return address is not None and any(address in network for network in self.networks)

    def _from_proxies(self, environ) -> bool:
        if not self._trusted(environ.get("REMOTE_ADDR", "")):
            return False
        # Each proxy behind the first appended the address it was reached from: the hops
        # between the client and the proxy that reached us must be proxies of ours too.
        chain = [a for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        inner = chain[max(0, len(chain) - (self.hops - 1)) :] if self.hops > 1 else []
        return all(self._trusted(address) for address in inner)


def origin_checker(public_url: str, extra_origins):
    """A `cors_allowed_origins` callable: the kiosk's own origin, the public URL's, and extras.

    Requests without an Origin header (non-browser clients) are not checked by engine.io.
    """
    allowed = {o.rstrip("/").lower() for o in _split_list(extra_origins)}
    public = urlsplit(public_url)
    if public.scheme and public.netloc:
        allowed.add(f"{public.scheme}://{public.netloc}".lower())

    def check(origin, environ) -> bool:
        if not origin:
            return True
        origin = origin.rstrip("/").lower()
        if origin in allowed:
            return True
        # Behind a trusted proxy, TrustedProxies has already put its scheme and host here.
        host = environ.get("HTTP_HOST", "").lower()
        return origin == f"{environ.get('wsgi.url_scheme', 'http')}://{host}"

    return check


def cap_websocket_messages(socketio, limit: int) -> bool:
    """Make the WebSocket layer refuse frames over `limit` bytes while reading them.

    engine.io checks `max_http_buffer_size` only after a whole message is in memory, and its
    gevent and threading drivers give simple-websocket no `max_message_size`, so a 64 MB frame
    would be buffered before it is refused. A layer of the driver passes the limit down
    (`websocket_driver.add_layer`, which first checks that engine.io's driver keeps the
    arguments for simple-websocket and that simple-websocket takes this one); simple-websocket
    then closes the connection (1009) as the frame arrives. False, with a warning, when the
    libraries are not as expected: messages are then refused only once read whole.
    """

    class CappedWebSocket:
        layer = "caps messages"

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.server_args["max_message_size"] = limit

    return add_layer(socketio, CappedWebSocket)


def cap_request_bodies(app, limit: int) -> None:
    """Refuse request bodies over `limit` bytes on every Flask route, before anything reads them.

    `MAX_CONTENT_LENGTH` makes Werkzeug refuse a declared length over the limit when a view
    reads the body; the check below does so up front on every route, including those that
    never read a body. A chunked body (of unknown length) is refused too: Werkzeug would read
    a form only up to the limit and silently drop the rest. Browsers and `curl -d` always
    declare the length. The server then closes the connection without waiting for the body
    (wsgi_server.KioskHandler).
    """
    app.config["MAX_CONTENT_LENGTH"] = limit

    @app.before_request
    def refuse_large_bodies():
        if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            raise with_message(
                LengthRequired(),
                N_("Send the request with a Content-Length header (not chunked)."),
            )
        if request.content_length is not None and request.content_length > limit:
            raise with_message(
                RequestEntityTooLarge(),
                N_(
                    "This request is larger than the kiosk accepts ({kib} KiB at most). Send "
                    "less, or ask whoever runs the kiosk to raise KIOSK_MAX_BODY_BYTES."
                ),
                kib=limit // 1024,
            )


def _plain_refusal(start_response, status: str, message: str) -> list[bytes]:
    body = ('{"ok": false, "error": "' + message + '"}').encode()
    start_response(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ],
    )
    return [body]


def cap_socketio_bodies(socketio, limit: int) -> None:
    """Answer Socket.IO long-polling requests whose body exceeds `limit` with 413 at the door.

    engine.io refuses such a POST only after closing its session with `close(wait=True)`, which
    waits for the session's next poll to drain its queue: when no poll comes, the request is
    never answered and its connection is held for good. So the body's declared length is
    checked before engine.io sees the request (its `handle_request`, which Flask-SocketIO's
    middleware calls for every /socket.io request), and nothing of the body is read. A body of
    unknown length (chunked) is refused as well: engine.io reads only a declared length. The
    session itself is left to engine.io, which drops it when its pings go unanswered.
    """
    eio = socketio.server.eio
    handle_request = getattr(eio, "handle_request", None)
    if not callable(handle_request):  # pragma: no cover - a library version this was not for
        log.warning("Socket.IO request bodies are not capped: no engine.io handle_request")
        return

    def capped_handle_request(environ, start_response):
        if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            return _plain_refusal(
                start_response, "411 Length Required", "send a Content-Length with the body"
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _plain_refusal(start_response, "400 Bad Request", "invalid Content-Length")
        if length > limit:
            return _plain_refusal(
                start_response,
                "413 Content Too Large",
                f"a message may be at most {limit} bytes",
            )
        return handle_request(environ, start_response)

    eio.handle_request = capped_handle_request


# JSON strings, once every escaped backslash and escaped quote inside them is gone.
_JSON_STRING = re.compile(r'"[^"]*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def nests_deeper_than(text: str, max_depth: int) -> bool:
    """Whether the JSON `text` opens more than `max_depth` arrays or objects inside each other.

    Cheap for ordinary messages: a text with no more brackets than `max_depth` cannot nest
    deeper, and counting is all it takes. Otherwise brackets inside strings are set aside and
    the running depth of the rest is followed. Text that is not valid JSON may be judged
    roughly, but never shallower than a JSON parser would go before it stops at the error.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return False
    unquoted = _JSON_STRING.sub("", text.replace("\\\\", "").replace('\\"', ""))
    brackets = _NOT_A_BRACKET.sub("", unquoted)
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0) > max_depth


class NestedTooDeep(AttuneError, ValueError):
    """A JSON text nests deeper than the kiosk reads."""


class NestingLimitedJSON:
    """The JSON codec given to python-socketio and python-engineio (their `json=` option).

    `loads` refuses deeply nested text with a ValueError, which both libraries treat as a
    malformed message, instead of letting the parser recurse into a RecursionError that they
    do not expect. Otherwise it is engine.io's codec (which also refuses integers of over a
    hundred digits).
    """

    def __init__(self, max_depth: int = MAX_JSON_DEPTH):
        self.max_depth = max_depth

    def dumps(self, *args, **kwargs):
        """Encode as engine.io does."""
        return engineio_json.dumps(*args, **kwargs)

    def loads(self, text, *args, **kwargs):
        """Decode as engine.io does, refusing text nested deeper than `max_depth`.

        :raise NestedTooDeep: the text nests too deeply (a ValueError).
        """
        if isinstance(text, str) and nests_deeper_than(text, self.max_depth):
            raise NestedTooDeep(f"JSON nested more than {self.max_depth} levels deep")
        try:
            return engineio_json.loads(text, *args, **kwargs)
        except RecursionError:
            raise NestedTooDeep("JSON nested too deeply") from None


def refuse_deep_messages(socketio, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Answer Socket.IO events nested deeper than `max_depth` with an error, before decoding them.

    Left to python-socketio, such a message fails inside its packet decoder: the sender gets
    no ack, and engine.io logs a traceback of some thirty lines for every message. Here the
    raw message is looked at first (engine.io's public `on("message")` hook, which
    python-socketio registered at start). An event whose JSON nests too deeply is handed on
    with the same header (namespace, ack id) and, instead of its arguments, the one event name
    NESTED_TOO_DEEP: the namespace answers its ack with an error after counting it against the
    connection's message rate, and no handler ever sees the payload. Any other message that
    nests too deeply (an ack, a connect, junk) is dropped with one log line.
    """
    eio = socketio.server.eio
    handle_message = eio.handlers.get("message") if hasattr(eio, "handlers") else None
    if handle_message is None:  # pragma: no cover - a library version this was not for
        log.warning("deeply nested Socket.IO messages are not refused: no message handler")
        return
    refusal = engineio_json.dumps([NESTED_TOO_DEEP])

    def guarded_message(eio_sid, data):
        if isinstance(data, str) and nests_deeper_than(data, max_depth):
            header = re.split(r"[\[{]", data, maxsplit=1)[0]
            # An event ("2", with an optional namespace and ack id before its JSON).
            if header[:1] != "2" or not re.fullmatch(r"2(/[^,]*,)?\d*", header):
                log.warning("dropped a Socket.IO message nested over %d levels deep", max_depth)
                return None
            data = header + refusal
        return handle_message(eio_sid, data)

    eio.on("message", guarded_message)
