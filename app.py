"""Attune: the app factory and the `python app.py` / `make run` entry point.

Configuration comes in three layers, later ones winning: built-in defaults, `KIOSK_*`
environment variables, then the mapping passed to `create_app` (tests) or the command line.
"""

from __future__ import annotations

if __name__ == "__main__":
    # gevent must patch the standard library before anything else imports it.
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import unicodedata  # noqa: E402
from pathlib import Path  # noqa: E402

from flask import Flask  # noqa: E402
from flask import jsonify  # noqa: E402
from flask import render_template  # noqa: E402
from flask import request  # noqa: E402
from flask import send_from_directory  # noqa: E402
from flask_compress import Compress  # noqa: E402
from flask_socketio import SocketIO  # noqa: E402
from werkzeug.exceptions import HTTPException  # noqa: E402

from facilitator.events import FacilitatorNamespace  # noqa: E402
from facilitator.events import ScreenNamespace  # noqa: E402
from facilitator.exports import blueprint as exports_blueprint  # noqa: E402
from facilitator.home import AdminCookieSessions  # noqa: E402
from facilitator.home import blueprint as home_blueprint  # noqa: E402
from facilitator.views import blueprint as facilitator_blueprint  # noqa: E402
from participant.events import ParticipantNamespace  # noqa: E402
from participant.views import blueprint as participant_blueprint  # noqa: E402
from transport.assets import DOCUMENT_ONLY_HEADERS  # noqa: E402
from transport.assets import ModuleGraph  # noqa: E402
from transport.descriptors import Ceiling  # noqa: E402
from transport.descriptors import DescriptorCount  # noqa: E402
from transport.descriptors import TransportFloor  # noqa: E402
from transport.descriptors import hard_open_file_limit  # noqa: E402
from transport.descriptors import open_file_limit  # noqa: E402
from transport.descriptors import per_phone_descriptors  # noqa: E402
from transport.descriptors import plan  # noqa: E402
from transport.descriptors import pool_allowance  # noqa: E402
from transport.descriptors import raise_open_file_limit  # noqa: E402
from transport.guessing import install as install_guessing  # noqa: E402
from transport.limits import GuessBrake  # noqa: E402
from transport.limits import monotonic_seconds  # noqa: E402
from transport.realtime import FACILITATOR_NS  # noqa: E402
from transport.realtime import PARTICIPANT_NS  # noqa: E402
from transport.realtime import SCREEN_NS  # noqa: E402
from transport.realtime import Broadcaster  # noqa: E402
from transport.security import SECURITY_HEADERS  # noqa: E402
from transport.security import HostGuard  # noqa: E402
from transport.security import NestingLimitedJSON  # noqa: E402
from transport.security import TrustedProxies  # noqa: E402
from transport.security import cap_request_bodies  # noqa: E402
from transport.security import cap_socketio_bodies  # noqa: E402
from transport.security import cap_websocket_messages  # noqa: E402
from transport.security import origin_checker  # noqa: E402
from transport.security import own_host_names  # noqa: E402
from transport.security import refuse_deep_messages  # noqa: E402
from transport.security import trusted_networks  # noqa: E402
from transport.websocket_driver import install as install_websocket_driver  # noqa: E402
from transport.wsgi_server import kiosk_handler  # noqa: E402
from workshop.admin import AdminAccess  # noqa: E402
from workshop.admin import forget_clear_secrets  # noqa: E402
from workshop.phone_ids import AddressShare  # noqa: E402
from workshop.phone_ids import default_phones_per_address  # noqa: E402
from workshop.script import WorkshopError  # noqa: E402
from workshop.script import load_library  # noqa: E402
from workshop.script import load_workshop  # noqa: E402
from workshop.service import Kiosk  # noqa: E402
from workshop.stores import open_store  # noqa: E402
from workshop.timer import system_clock  # noqa: E402

ROOT = Path(__file__).resolve().parent
VENDOR_DIRS = {
    "socket.io.esm.min.js": ROOT / "node_modules" / "socket.io-client" / "dist",
    "socket.io.esm.min.js.map": ROOT / "node_modules" / "socket.io-client" / "dist",
}

DEFAULTS = {
    "HOST": "0.0.0.0",
    "PORT": 8000,
    "DB": str(ROOT / "instance" / "attune.db"),
    "WORKSHOP": None,  # path of a user's own workshop file
    "PUBLIC_URL": None,  # worked out from the LAN address when not set
    "ADMIN_KEY": None,  # when not set: made once, printed once, stored only as a hash
    "ASYNC_MODE": "threading",  # `python app.py` switches to gevent
    # Socket.IO heartbeat: a phone that locks its screen is counted out within ~25 s.
    "PING_INTERVAL": 15,
    "PING_TIMEOUT": 10,
    # Far below engine.io's 1 MB default: the largest legitimate message is an answer.
    "MAX_MESSAGE_BYTES": 16 * 1024,
    # Request bodies of the pages and the API (forms and JSON of a few hundred bytes).
    "MAX_BODY_BYTES": 256 * 1024,
    # Seconds a connection gets to send a request's line and headers (wsgi_server.py).
    "HEADER_TIMEOUT": 10,
    # The performance goal: a hall of 5,000 phones in one session.
    "MAX_PARTICIPANTS": 5000,
    # Phones of one session one remote address may hold, and new phone ids it may get an
    # hour; unset: max(20, MAX_PARTICIPANTS / 20) (workshop/phone_ids.py); 0: no limit.
    "PHONES_PER_ADDRESS": None,
    "ALLOWED_HOSTS": "",  # extra host names, comma-separated (a reverse proxy's name)
    "ALLOWED_ORIGINS": "",  # extra browser origins for Socket.IO, comma-separated
    "TRUSTED_PROXIES": 0,  # reverse proxies in front whose X-Forwarded-* headers count
    # Addresses (or CIDR networks) those proxies connect from; empty: this machine (loopback).
    "TRUSTED_PROXY_ADDRESSES": "",
    # The guessing brake: wrong join codes (or console links, or admin keys) an address may
    # try at once, and the seconds in which that many are forgiven again (guessing.py).
    "GUESS_LIMIT": 20,
    "GUESS_WINDOW": 60,
    "RETENTION_DAYS": 30,  # answers are deleted this long after a session (0: when it ends)
    # redis://... : several processes share broadcasts (Flask-SocketIO's message queue),
    # presence and signals through Redis; the database must then be PostgreSQL.
    "MESSAGE_QUEUE": "",
    # Broadcasts written straight to idle websockets (fanout.py); 0 turns it off.
    "DIRECT_FANOUT": 1,
    # Clock pings answered where a websocket is read (fastclock.py); 0 turns it off.
    "FAST_CLOCK": 1,
}

ENV_KEYS = (
    "HOST",
    "PORT",
    "DB",
    "WORKSHOP",
    "PUBLIC_URL",
    "ADMIN_KEY",
    "ASYNC_MODE",
    "MAX_PARTICIPANTS",
    "PHONES_PER_ADDRESS",
    "ALLOWED_HOSTS",
    "ALLOWED_ORIGINS",
    "TRUSTED_PROXIES",
    "TRUSTED_PROXY_ADDRESSES",
    "GUESS_LIMIT",
    "GUESS_WINDOW",
    "RETENTION_DAYS",
    "MESSAGE_QUEUE",
    "DIRECT_FANOUT",
    "MAX_BODY_BYTES",
    "HEADER_TIMEOUT",
    "FAST_CLOCK",
)
INT_KEYS = (
    "RETENTION_DAYS",
    "PORT",
    "PING_INTERVAL",
    "PING_TIMEOUT",
    "MAX_MESSAGE_BYTES",
    "MAX_PARTICIPANTS",
    "TRUSTED_PROXIES",
    "DIRECT_FANOUT",
    "MAX_BODY_BYTES",
    "HEADER_TIMEOUT",
    "FAST_CLOCK",
    "GUESS_LIMIT",
    "GUESS_WINDOW",
)


def lan_address() -> str:
    """This machine's address on the local network, for links that phones can open.

    Connecting a UDP socket sends nothing; it only asks the kernel which interface would
    route to an outside address, which is the one the Wi-Fi's phones can reach.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never used, only routed
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def _settings(config: dict | None) -> dict:
    settings = dict(DEFAULTS)
    for key in ENV_KEYS:
        value = os.environ.get(f"KIOSK_{key}")
        if value:
            settings[key] = value
    settings.update(config or {})
    for key in INT_KEYS:
        settings[key] = int(settings[key])
    if settings["PHONES_PER_ADDRESS"] in (None, ""):
        settings["PHONES_PER_ADDRESS"] = default_phones_per_address(settings["MAX_PARTICIPANTS"])
    settings["PHONES_PER_ADDRESS"] = max(0, int(settings["PHONES_PER_ADDRESS"]))
    if not settings["PUBLIC_URL"]:
        host = settings["HOST"]
        if host in ("0.0.0.0", "::", ""):
            host = lan_address()
        settings["PUBLIC_URL"] = f"http://{host}:{settings['PORT']}"
    return settings


def create_app(config: dict | None = None) -> Flask:
    """Build the kiosk: the Flask app, its Socket.IO server, store and workshops.

    `config` overrides defaults and environment; tests pass `DB`, `ADMIN_KEY`, `CLOCK`, ...
    """
    settings = _settings(config)
    app = Flask(__name__, static_folder="static", template_folder="templates")
    # `module_preloads("js/phone.js")` in a template: every module that page will import.
    app.jinja_env.globals["module_preloads"] = ModuleGraph(
        Path(app.static_folder), app.static_url_path + "/"
    ).preloads
    app.config.update(settings)
    app.config["JSON_SORT_KEYS"] = False

    extra = [settings["WORKSHOP"]] if settings["WORKSHOP"] else []
    library = load_library(extra)
    cluster = _cluster(settings)
    store = open_store(settings["DB"])
    # The admin key and the home's sign-ins live in the store as hashes only (workshop/admin.py);
    # a database from an earlier version has its clear secrets replaced first.
    admin = AdminAccess(store, settings.get("CLOCK") or system_clock, settings["ADMIN_KEY"])
    admin.found_in_clear = forget_clear_secrets(store)
    app.extensions["attune.admin"] = admin
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Strict"
    app.config["SESSION_COOKIE_SECURE"] = settings["PUBLIC_URL"].startswith("https://")
    app.config["SESSION_COOKIE_NAME"] = "attune_admin"
    app.session_interface = AdminCookieSessions()

    service = Kiosk(
        store,
        library,
        clock=settings.get("CLOCK") or system_clock,
        public_url=settings["PUBLIC_URL"],
        retention_days=settings["RETENTION_DAYS"],
        presence=cluster.presence if cluster else None,
        care=cluster.care if cluster else None,
        cache_results=cluster is None,
    )
    socketio = SocketIO(
        app,
        async_mode=settings["ASYNC_MODE"],
        ping_interval=settings["PING_INTERVAL"],
        ping_timeout=settings["PING_TIMEOUT"],
        max_http_buffer_size=settings["MAX_MESSAGE_BYTES"],
        cors_allowed_origins=origin_checker(settings["PUBLIC_URL"], settings["ALLOWED_ORIGINS"]),
        logger=False,
        engineio_logger=False,
        message_queue=settings["MESSAGE_QUEUE"] or None,
        json=NestingLimitedJSON(),
    )
    # Layers of engine.io's websocket driver, each in its own place whatever the order here
    # (websocket_driver.add_layer).
    install_websocket_driver(socketio)
    cap_websocket_messages(socketio, settings["MAX_MESSAGE_BYTES"])
    cap_socketio_bodies(socketio, settings["MAX_MESSAGE_BYTES"])
    refuse_deep_messages(socketio)
    cap_request_bodies(app, settings["MAX_BODY_BYTES"])
    direct_writer = None
    if settings["DIRECT_FANOUT"]:
        # Imported only when on: it reads engine.io's and simple-websocket's internals.
        from transport.fanout import install as install_direct_fanout

        direct_writer = install_direct_fanout(socketio)
    descriptors = DescriptorCount()
    limit = open_file_limit()
    # Before engine.io: a connection that cannot be served is refused before its upgrade.
    floor = TransportFloor(app.wsgi_app, limit, descriptors)
    app.wsgi_app = floor
    # Outermost, so that Socket.IO requests are checked too.
    app.wsgi_app = HostGuard(
        app.wsgi_app, own_host_names(settings["PUBLIC_URL"], settings["ALLOWED_HOSTS"])
    )
    # Outside the Host guard, so that a trusted proxy's X-Forwarded-Host is what it checks;
    # forwarded headers from anyone else are dropped before anything reads them.
    app.wsgi_app = TrustedProxies(
        app.wsgi_app,
        settings["TRUSTED_PROXIES"],
        trusted_networks(settings["TRUSTED_PROXY_ADDRESSES"]),
    )
    participants = ParticipantNamespace(PARTICIPANT_NS)
    socketio.on_namespace(participants)
    socketio.on_namespace(FacilitatorNamespace(FACILITATOR_NS))
    socketio.on_namespace(ScreenNamespace(SCREEN_NS))
    fast_clock = None
    if settings["FAST_CLOCK"] and direct_writer is not None:
        # Like fanout.py, only imported when on (it needs fanout.py's writer).
        from transport.fastclock import install as install_fast_clock

        fast_clock = install_fast_clock(
            socketio, direct_writer, service, [PARTICIPANT_NS, FACILITATOR_NS, SCREEN_NS]
        )
    if limit:
        # Measured now, with the store and everything else open; the listening socket is
        # opened later, by `run`.
        ceiling = plan(
            limit,
            per_phone=per_phone_descriptors(socketio.server.eio),
            in_use=(descriptors.now() or 0) + 1,
            pools=pool_allowance(settings["DB"], cluster is not None),
        )
    else:
        ceiling = None  # pragma: no cover - no open-file limit on this system
    app.extensions["attune.ceiling"] = ceiling
    app.extensions["attune.kiosk"] = service
    app.extensions["attune.store"] = store
    app.extensions["attune.broadcaster"] = Broadcaster(
        app, socketio, service, lease=cluster.lease if cluster else None
    )
    # Tests may pass GUESS_CLOCK: monotonic seconds they move by hand.
    brake = GuessBrake(
        settings["GUESS_LIMIT"],
        settings["GUESS_WINDOW"],
        clock=settings.get("GUESS_CLOCK") or monotonic_seconds,
    )
    install_guessing(app, brake)
    app.extensions["attune.address_share"] = AddressShare(settings["PHONES_PER_ADDRESS"])
    # Venue Wi-Fi is often weak: pages, styles and scripts go out compressed (about a third).
    app.config["COMPRESS_MIMETYPES"] = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    ]
    app.config["COMPRESS_ALGORITHM"] = ["br", "gzip"]
    Compress(app)
    app.register_blueprint(participant_blueprint)
    app.register_blueprint(facilitator_blueprint)
    app.register_blueprint(exports_blueprint)
    app.register_blueprint(home_blueprint)

    @app.get("/healthz")
    def healthz():
        """Liveness (the process answers, its store is readable) and how full it is."""
        store.get_meta("schema")
        health: dict = {"ok": True}
        health["descriptors"] = {
            "limit": limit,
            "open": descriptors.now(),
            "per_phone": ceiling.per_phone if ceiling else None,
            "reserved": ceiling.reserved if ceiling else None,
            "phone_ceiling": ceiling.phones if ceiling else None,
            "phones": len(participants.members),
            "turned_away": participants.turned_away,
            "refused_at_transport": floor.refused,
        }
        if direct_writer is not None:
            health["broadcasts"] = direct_writer.stats()
        if fast_clock is not None:
            health["clock_pings"] = fast_clock.stats()
        return jsonify(health)

    @app.get("/vendor/<path:name>")
    def vendor(name: str):
        """Browser libraries installed from npm, served locally (no CDN)."""
        folder = VENDOR_DIRS.get(name)
        if folder is None:
            return jsonify({"ok": False, "error": "no such file"}), 404
        return send_from_directory(folder, name, max_age=86400)

    @app.after_request
    def secure_headers(response):
        # A script or a style sheet is not a document: a page's policy does not apply to it
        # and nothing frames it, so those headers would only cost bytes on every file of a
        # phone's first load. Anything that can be opened as a document (HTML, SVG) keeps them.
        plain_file = request.endpoint in ("static", "vendor") and response.mimetype not in (
            "text/html",
            "image/svg+xml",
        )
        for header, value in SECURITY_HEADERS.items():
            if not (plain_file and header in DOCUMENT_ONLY_HEADERS):
                response.headers.setdefault(header, value)
        if plain_file:
            response.headers.pop("Content-Disposition", None)  # send_file's "inline; filename=…"
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """JSON errors for the API, a readable page for people."""
        # A 429 says when to try again (the guessing brake); its page reloads itself then.
        retry_after = getattr(error, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else {}
        if request.path.startswith("/api/"):
            return jsonify({"ok": False, "error": error.description}), error.code, headers
        return render_template("error.html", error=error), error.code, headers

    with app.app_context():
        for record in store.list_sessions():
            app.extensions["attune.broadcaster"].schedule_auto_advance(record.state.code)
    service.sweep()
    socketio.start_background_task(_sweep_hourly, socketio, service)
    if cluster:
        socketio.start_background_task(_heartbeat, socketio, cluster)
    return app


class _Cluster:
    """What several processes share besides the database: Redis for presence and leases."""

    def __init__(self, url: str):
        import redis

        from workshop.shared_room import RedisCare
        from workshop.shared_room import RedisPresence

        self.redis = redis.Redis.from_url(url)
        self.presence = RedisPresence(self.redis)
        self.care = RedisCare(self.redis)

    def lease(self, name: str, seconds: int) -> bool:
        """Take a named lease for `seconds` if nobody holds it (Redis SET NX)."""
        return bool(
            self.redis.set(f"attune:lease:{name}", self.presence.process, nx=True, ex=seconds)
        )


def _cluster(settings: dict) -> _Cluster | None:
    url = settings["MESSAGE_QUEUE"]
    if not url:
        return None
    if not str(settings["DB"]).startswith(("postgresql://", "postgres://")):
        raise ValueError(
            "KIOSK_MESSAGE_QUEUE needs a shared database: set KIOSK_DB=postgresql://... "
            "(SQLite belongs to one process)"
        )
    return _Cluster(url)


def _heartbeat(socketio: SocketIO, cluster: _Cluster) -> None:
    """Keep this process counted as alive in the shared presence."""
    while True:
        socketio.sleep(5)
        try:
            cluster.presence.heartbeat()
        except Exception:  # Redis briefly away: the next beat will do
            logging.getLogger("attune").warning("presence heartbeat failed", exc_info=True)


SWEEP_SECONDS = 3600


def _sweep_hourly(socketio: SocketIO, service: Kiosk) -> None:
    """Delete answers whose retention has passed, every hour, for as long as the app runs."""
    while True:
        socketio.sleep(SWEEP_SECONDS)
        try:
            service.sweep()
        except Exception:  # a failed sweep must not stop the next one
            logging.getLogger("attune").exception("retention sweep failed")


def launch_session(app: Flask, console_token: bool = True) -> tuple[str, str | None]:
    """The session `make run` opens: the one from the last start if it is still going.

    Keeping it across restarts means the links on the projector and in the presenter's hand
    keep working after the laptop was restarted. Only its code is kept: for the terminal, a
    kept session gets a fresh console token (stored as a hash, like every token), and the
    tokens of earlier starts keep working, so a console tab left open carries on. Returns the
    code and that token (None with `console_token=False`: nothing to print, none is made).
    """
    service: Kiosk = app.extensions["attune.kiosk"]
    store = app.extensions["attune.store"]
    workshop_id = app.config["LAUNCH_WORKSHOP"]
    kept = store.get_meta("launch")
    previous = json.loads(kept) if kept else None
    if previous:
        try:
            state = service.state(previous["code"])
            same_workshop = service.workshop_of(state.code).id == workshop_id
            if not state.ended and same_workshop:
                token = service.issue_console_token(state.code) if console_token else None
                return state.code, token
        except LookupError:
            pass
    created = service.create_session(workshop_id)
    store.set_meta("launch", json.dumps({"code": created.code}))
    return created.code, created.facilitator_token if console_token else None


def terminal_qr(text: str) -> str:
    """A QR code drawn with block characters, for scanning straight off the terminal."""
    import io

    import qrcode

    code = qrcode.QRCode(border=2)
    code.add_data(text)
    code.make(fit=True)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


# Characters that reorder the text after them on a terminal (Unicode bidirectional controls).
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def terminal_safe(text: str, keep_newlines: bool = False) -> str:
    """`text` with control characters written as escapes (`\\x1b`), safe to print to a terminal.

    Text from a workshop file (its title, or what a validation error quotes from it) can carry
    escape sequences, YAML's "\\e[...": printed raw, they could recolour, move the cursor,
    overwrite the links and key printed above, or set the window's title. Bidirectional
    controls could make the line read differently from what it holds.
    """
    if text.isprintable():
        return text
    shown = []
    for char in text:
        if keep_newlines and char == "\n":
            shown.append(char)
        elif unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
            shown.append(char.encode("unicode_escape").decode("ascii"))
        else:
            shown.append(char)
    return "".join(shown)


def capacity_notice(ceiling: Ceiling | None, wanted: int, hard_limit: int | None) -> str:
    """The start-up lines saying the open-file limit admits fewer phones than the session cap.

    Empty when it admits at least `wanted` (KIOSK_MAX_PARTICIPANTS) phones.
    """
    if ceiling is None or ceiling.phones >= wanted:
        return ""
    needed = ceiling.limit_for(wanted)
    lines = [
        f"This machine allows about {ceiling.phones:,} phones (open-file limit "
        f"{ceiling.limit:,}); raise `ulimit -n` to {needed:,} for more.",
        f"  KIOSK_MAX_PARTICIPANTS is {wanted:,}. Phones beyond {ceiling.phones:,} are told "
        "the room is full; the console and the screen always get in.",
    ]
    if hard_limit is not None and hard_limit < needed:
        lines.append(
            f"  The hard limit is {hard_limit:,}: raise it first (docs/deploy.md, "
            '"Open files"), then start the kiosk again.'
        )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options; each also reads its KIOSK_* environment variable."""
    parser = argparse.ArgumentParser(description="Run the Attune workshop kiosk.")
    parser.add_argument("--host", help="address to listen on (KIOSK_HOST, default 0.0.0.0)")
    parser.add_argument("--port", type=int, help="port (KIOSK_PORT, default 8000)")
    parser.add_argument("--db", help="SQLite file (KIOSK_DB, default instance/attune.db)")
    parser.add_argument("--workshop", help="your own workshop YAML file (KIOSK_WORKSHOP)")
    parser.add_argument(
        "--public-url", help="base URL phones use, e.g. https://kiosk.lan (KIOSK_PUBLIC_URL)"
    )
    parser.add_argument(
        "--no-secrets",
        action="store_true",
        help="print no admin key and no console link, for logs others read (KIOSK_QUIET_SECRETS=1)",
    )
    parser.add_argument(
        "--new-admin-key",
        action="store_true",
        help="make a new admin key, print it once, sign every browser out, and exit",
    )
    return parser.parse_args(argv)


def quiet_secrets(args: argparse.Namespace) -> bool:
    """Whether to print no secret: `--no-secrets` or KIOSK_QUIET_SECRETS (1, true, yes)."""
    flag = os.environ.get("KIOSK_QUIET_SECRETS", "").strip().lower()
    return args.no_secrets or flag not in ("", "0", "false", "no")


def secret_lines(app: Flask, code: str, token: str | None, shown_key: str | None) -> str:
    """The banner's lines on the console and the admin key, with the secrets there are to show.

    `token` is the launch session's new console token, `shown_key` the admin key when this
    start made it (the first start) or found it in clear (a database of an earlier version,
    which keeps only its hash from now on); both None when secrets are not to be printed.
    """
    service: Kiosk = app.extensions["attune.kiosk"]
    admin: AdminAccess = app.extensions["attune.admin"]
    home = f"{service.public_url}/home"
    pad = " " * 22
    if token:
        lines = [
            f"  Facilitator console {service.console_url(code, token)}",
            f"{pad}(keep this link private: it drives the session)",
        ]
    else:
        lines = [
            f"  Facilitator console {service.public_url}/f/{code}",
            f"{pad}(no console link is printed: sign in at {home} with the admin key first)",
        ]
    source = admin.source()
    if source == "configured":
        lines.append("  Admin key           the value of KIOSK_ADMIN_KEY")
    elif shown_key:
        when = "one last time" if shown_key == admin.found_in_clear else "once"
        lines += [
            f"  Admin key           {shown_key}",
            f"{pad}(printed {when}: the kiosk keeps only a hash of it. Save it now.)",
        ]
    elif source == "made":
        lines.append("  Admin key           not printed (it was printed once, when it was made)")
    else:
        lines.append("  Admin key           none yet: nobody can sign in at /home")
    if source != "configured" and not shown_key:
        lines.append(f"{pad}(`python app.py --new-admin-key` makes a new one and prints it once)")
    if source != "none":
        lines.append(f"{pad}(sign in at {home}, or POST /api/sessions with 'Bearer <key>')")
    return "\n".join(lines) + "\n"


def new_admin_key(overrides: dict) -> int:
    """`--new-admin-key`: replace the admin key, print the new one once, end every sign-in.

    It takes effect at once, in a kiosk already running on the same database too.
    """
    settings = _settings(overrides)
    if settings["ADMIN_KEY"]:
        print(
            "KIOSK_ADMIN_KEY is set, and it is the admin key: change it there. Browsers signed "
            "in with the old value are signed out when the kiosk starts with the new one.",
            file=sys.stderr,
        )
        return 2
    store = open_store(settings["DB"])
    try:
        forget_clear_secrets(store)
        key = AdminAccess(store).make_key()
    finally:
        store.close()
    print(
        f"New admin key: {key}\n"
        "  Printed this once: the kiosk keeps only a hash of it. Save it now.\n"
        "  The old key no longer works, and every browser signed in on /home is signed out.",
        flush=True,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Start the kiosk with gevent, open the launch session and print its links."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # Every phone holds a descriptor or two: take all the open files the system allows.
    raise_open_file_limit()
    # gevent, and long-lived objects kept out of full garbage collections (realtime.py).
    overrides: dict = {"ASYNC_MODE": "gevent", "FREEZE_GC": True}
    for key, value in (
        ("HOST", args.host),
        ("PORT", args.port),
        ("DB", args.db),
        ("WORKSHOP", args.workshop),
        ("PUBLIC_URL", args.public_url),
    ):
        if value is not None:
            overrides[key] = value
    if args.new_admin_key:
        return new_admin_key(overrides)
    quiet = quiet_secrets(args)
    workshop_path = overrides.get("WORKSHOP") or os.environ.get("KIOSK_WORKSHOP")
    try:
        launch_workshop = load_workshop(workshop_path).id if workshop_path else "calm-and-connect"
        app = create_app(overrides)
    except WorkshopError as problem:
        print(
            "Cannot start: the workshop file is not valid.\n"
            + terminal_safe(str(problem), keep_newlines=True),
            file=sys.stderr,
        )
        return 2
    app.config["LAUNCH_WORKSHOP"] = launch_workshop
    code, token = launch_session(app, console_token=not quiet)
    admin: AdminAccess = app.extensions["attune.admin"]
    shown_key = None if quiet else (admin.found_in_clear or admin.make_key_if_none())
    # Now rather than at the first sign-in, where its scrypt would hold up the room.
    admin.fingerprint()
    service: Kiosk = app.extensions["attune.kiosk"]
    title = terminal_safe(service.workshop_of(code).title)
    print(
        f"\nAttune is running: {title} (session {code})\n\n"
        f"  Phones join at      {service.join_url(code)}   (or type code {code} on "
        f"{service.public_url}/)\n"
        f"  Projector screen    {service.screen_url(code)}\n"
        f"{secret_lines(app, code, token, shown_key)}\n"
        f"Scan to join:\n{terminal_qr(service.join_url(code))}",
        flush=True,
    )
    notice = capacity_notice(
        app.extensions["attune.ceiling"], app.config["MAX_PARTICIPANTS"], hard_open_file_limit()
    )
    if notice:
        print(f"{notice}\n", flush=True)
    socketio: SocketIO = app.extensions["socketio"]
    store = app.extensions["attune.store"]

    def shut_down() -> None:
        """Tell every client, let the message go out, close the store, stop serving."""
        print("\nAttune is stopping; the session is saved.", flush=True)
        notice = {"kind": "restarting", "message": "The kiosk is restarting; hold on."}
        for namespace in (PARTICIPANT_NS, SCREEN_NS, FACILITATOR_NS):
            socketio.emit("notice", notice, namespace=namespace)
        socketio.sleep(0.5)
        store.close()
        socketio.wsgi_server.stop(timeout=1)

    import gevent

    for signum in (signal.SIGTERM, signal.SIGINT):
        gevent.signal_handler(signum, lambda: gevent.spawn(shut_down))
    # Start-up objects (modules, the app, the workshops) never need scanning again.
    gc.collect()
    gc.freeze()
    # No access log: it would write every phone's IP address to the terminal.
    socketio.run(
        app,
        host=app.config["HOST"],
        port=app.config["PORT"],
        log_output=False,
        handler_class=kiosk_handler(app.config["HEADER_TIMEOUT"]),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
