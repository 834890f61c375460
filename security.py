"""Guards every request passes: the kiosk's own host names, browser origins, message sizes.

On a venue's Wi-Fi the kiosk is reached by IP address or a local name. A page on another site
must not be able to drive it through a visitor's browser: WebSocket origins are checked, and
so is the Host header, because a DNS-rebinding name passes a plain "Origin equals Host" test.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

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
        host = environ.get("HTTP_HOST", "").lower()
        schemes = {environ.get("wsgi.url_scheme", "http")}
        forwarded = environ.get("HTTP_X_FORWARDED_PROTO")
        if forwarded:
            schemes.add(forwarded.split(",")[0].strip().lower())
        return any(origin == f"{scheme}://{host}" for scheme in schemes)

    return check


def cap_websocket_messages(socketio, limit: int) -> None:
    """Make the WebSocket layer refuse frames over `limit` bytes while reading them.

    engine.io checks `max_http_buffer_size` only after a whole message is in memory, and its
    gevent and threading drivers give simple-websocket no `max_message_size`, so a 64 MB frame
    would be buffered before it is refused. The driver class is swapped for one that passes
    the limit down; simple-websocket then closes the connection (1009) as the frame arrives.
    """
    eio = socketio.server.eio
    driver = eio._async.get("websocket")
    if driver is None or not hasattr(driver, "__init__"):
        return

    class CappedWebSocket(driver):
        def __init__(self, handler, server):
            super().__init__(handler, server)
            if hasattr(self, "server_args"):
                self.server_args["max_message_size"] = limit

    eio._async = {**eio._async, "websocket": CappedWebSocket}
