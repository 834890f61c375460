"""Attune: the app factory and the `python app.py` / `make run` entry point.

Every setting is in one schema, transport/settings.py: its defaults, `KIOSK_*` environment
variables, then the mapping passed to `create_app` (tests) or the command line, later ones
winning. Installed (`pip install .`), the same `main` is the `attune` command.
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
import signal  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402
import unicodedata  # noqa: E402
from pathlib import Path  # noqa: E402

from flask import Flask  # noqa: E402
from flask import jsonify  # noqa: E402
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
from facilitator.studio import blueprint as studio_blueprint  # noqa: E402
from facilitator.views import blueprint as facilitator_blueprint  # noqa: E402
from facilitator.workshops import blueprint as workshops_blueprint  # noqa: E402
from participant.events import ParticipantNamespace  # noqa: E402
from participant.views import blueprint as participant_blueprint  # noqa: E402
from transport.assets import DOCUMENT_ONLY_HEADERS  # noqa: E402
from transport.assets import ModuleGraph  # noqa: E402
from transport.descriptors import REDIS_POOL  # noqa: E402
from transport.descriptors import Ceiling  # noqa: E402
from transport.descriptors import DescriptorCount  # noqa: E402
from transport.descriptors import TransportFloor  # noqa: E402
from transport.descriptors import hard_open_file_limit  # noqa: E402
from transport.descriptors import open_file_limit  # noqa: E402
from transport.descriptors import per_phone_descriptors  # noqa: E402
from transport.descriptors import plan  # noqa: E402
from transport.descriptors import pool_allowance  # noqa: E402
from transport.descriptors import raise_open_file_limit  # noqa: E402
from transport.error_pages import error_page  # noqa: E402
from transport.error_pages import json_refusal  # noqa: E402
from transport.guessing import install as install_guessing  # noqa: E402
from transport.i18n import install as install_i18n  # noqa: E402
from transport.limits import GuessBrake  # noqa: E402
from transport.limits import monotonic_seconds  # noqa: E402
from transport.realtime import FACILITATOR_NS  # noqa: E402
from transport.realtime import PARTICIPANT_NS  # noqa: E402
from transport.realtime import SCREEN_NS  # noqa: E402
from transport.realtime import Broadcaster  # noqa: E402
from transport.resources import static_folder  # noqa: E402
from transport.resources import templates_folder  # noqa: E402
from transport.resources import translations_folder  # noqa: E402
from transport.resources import vendor_file  # noqa: E402
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
from transport.settings import ACTIONS  # noqa: E402
from transport.settings import Settings  # noqa: E402
from transport.settings import SettingsError  # noqa: E402
from transport.settings import env_name  # noqa: E402
from transport.settings import expected  # noqa: E402
from transport.settings import load as load_settings  # noqa: E402
from transport.settings import metavar_of  # noqa: E402
from transport.settings import option_of  # noqa: E402
from transport.settings import shown_default  # noqa: E402
from transport.websocket_driver import install as install_websocket_driver  # noqa: E402
from transport.wsgi_server import kiosk_handler  # noqa: E402
from workshop.admin import AdminAccess  # noqa: E402
from workshop.admin import forget_clear_secrets  # noqa: E402
from workshop.catalog import WorkshopCatalog  # noqa: E402
from workshop.errors import N_  # noqa: E402
from workshop.phone_ids import AddressShare  # noqa: E402
from workshop.script import WorkshopError  # noqa: E402
from workshop.script import load_library  # noqa: E402
from workshop.script import load_workshop  # noqa: E402
from workshop.service import Kiosk  # noqa: E402
from workshop.store import open_store  # noqa: E402
from workshop.timer import system_clock  # noqa: E402


def create_app(config: dict | None = None) -> Flask:
    """Build the kiosk: the Flask app, its Socket.IO server, store and workshops.

    `config` overrides defaults and environment; tests pass `DB`, `ADMIN_KEY`, `CLOCK`, ...

    :raise SettingsError: a setting has a value the kiosk cannot take (the message names it).
    """
    settings = load_settings(config)
    app = Flask(
        __name__, static_folder=str(static_folder()), template_folder=str(templates_folder())
    )
    # `module_preloads("js/phone.js")` in a template: every module that page will import.
    modules = ModuleGraph(Path(app.static_folder), app.static_url_path + "/")
    app.jinja_env.globals["module_preloads"] = modules.preloads
    # Pages and answers in the room's language, from translations/*.po (transport/i18n.py).
    # Tests may pass TRANSLATIONS: another folder of catalogues (harness/pseudo.py).
    install_i18n(app, Path(settings.get("TRANSLATIONS") or translations_folder()), modules)
    app.config.update(settings)

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

    address_share = AddressShare(settings["PHONES_PER_ADDRESS"])
    service = Kiosk(
        store,
        # The built-in workshops, then those stored from the studio (facilitator/workshops.py).
        WorkshopCatalog(library, store, clock=settings.get("CLOCK") or system_clock),
        clock=settings.get("CLOCK") or system_clock,
        public_url=settings["PUBLIC_URL"],
        retention_days=settings["RETENTION_DAYS"],
        presence=cluster.presence if cluster else None,
        care=cluster.care if cluster else None,
        cache_results=cluster is None,
        max_phones=settings["MAX_PARTICIPANTS"],
        address_share=address_share,
        lease=cluster.lease if cluster else None,
    )
    socketio = SocketIO(
        app,
        # `python app.py` and `attune` run gevent; tests and tools the default, real threads.
        async_mode=settings.get("ASYNC_MODE") or "threading",
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
    app.extensions["attune.broadcaster"] = Broadcaster(app, socketio, service)
    # Tests may pass GUESS_CLOCK: monotonic seconds they move by hand.
    brake = GuessBrake(
        settings["GUESS_LIMIT"],
        settings["GUESS_WINDOW"],
        clock=settings.get("GUESS_CLOCK") or monotonic_seconds,
    )
    install_guessing(app, brake)
    app.extensions["attune.address_share"] = address_share
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
    app.register_blueprint(workshops_blueprint)
    app.register_blueprint(studio_blueprint)

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
        found = vendor_file(name)
        if found is None:
            return jsonify({"ok": False, "error": "no such file"}), 404
        return send_from_directory(found.parent, found.name, max_age=86400)

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
            return json_refusal(error), error.code, headers
        # In the reader's language (transport/error_pages.py).
        return error_page(error), error.code, headers

    with app.app_context():
        for code, due_ms in service.deadlines():
            app.extensions["attune.broadcaster"].watch_deadline(code, due_ms)
    service.sweep()
    socketio.start_background_task(_sweep_hourly, socketio, service)
    if cluster:
        socketio.start_background_task(_heartbeat, socketio, cluster)
    return app


# How long a presence, care or lease call may wait for one of the process's Redis connections
# (transport/descriptors.py REDIS_POOL) when all are busy, before it fails (SharedStateError).
REDIS_WAIT_SECONDS = 10


class _Cluster:
    """What several processes share besides the database: Redis for presence and leases."""

    def __init__(self, url: str):
        import redis

        from workshop.shared_room import RedisCare
        from workshop.shared_room import RedisPresence

        # A bounded pool that waits for a free connection: redis-py's default pool refuses the
        # 101st concurrent call ("Too many connections"), and when a hall of phones joins at
        # once, thousands of greenlets ask at the same moment (bench.cluster lost 8,822 of
        # 10,000 joins so). Waiting a little is right; each call takes well under a millisecond.
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=REDIS_POOL, timeout=REDIS_WAIT_SECONDS
        )
        self.redis = redis.Redis(connection_pool=pool)
        self.presence = RedisPresence(self.redis)
        self.care = RedisCare(self.redis)

    def lease(self, name: str, seconds: int) -> bool:
        """Take a named lease for `seconds` if nobody holds it (Redis SET NX)."""
        return bool(
            self.redis.set(f"attune:lease:{name}", self.presence.process, nx=True, ex=seconds)
        )


def _cluster(settings: dict) -> _Cluster | None:
    # The settings made sure a message queue comes with a shared (PostgreSQL) database.
    url = settings["MESSAGE_QUEUE"]
    return _Cluster(url) if url else None


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


def _plain(text: str) -> str:
    """Text of the schema as a terminal shows it (without Markdown's backticks)."""
    return text.replace("`", "")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options, from the settings schema; --help lists every KIOSK_* variable."""
    variables = "\n".join(
        f"  {env_name(name)}\n"
        + textwrap.fill(
            f"{_plain(field.description)}; default {_plain(shown_default(name))}"
            + ("" if expected(name) == "text" else f"; takes {expected(name)}"),
            width=92,
            initial_indent=" " * 6,
            subsequent_indent=" " * 6,
        )
        for name, field in Settings.model_fields.items()
    )
    parser = argparse.ArgumentParser(
        prog="attune" if Path(sys.argv[0]).name == "attune" else None,
        description="Run the Attune workshop kiosk.",
        epilog="Every setting is also an environment variable (an option given here wins):\n"
        + variables,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for name, field in Settings.model_fields.items():
        option = option_of(name)
        if not option:
            continue
        help_text = (
            f"{_plain(field.description)} ({env_name(name)}; default {_plain(shown_default(name))})"
        )
        if field.annotation is bool:
            parser.add_argument(option, dest=name, action="store_true", help=help_text)
        else:
            parser.add_argument(option, dest=name, metavar=metavar_of(name), help=help_text)
    for option, help_text in ACTIONS:
        parser.add_argument(option, action="store_true", help=help_text)
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> dict:
    """The settings `python app.py` / `attune` runs with: the options given, the environment.

    :raise SettingsError: a value is not one its setting takes (the message names it).
    """
    # gevent, and long-lived objects kept out of full garbage collections (realtime.py).
    overrides: dict = {"ASYNC_MODE": "gevent", "FREEZE_GC": True}
    options = {}
    for name in Settings.model_fields:
        value = getattr(args, name, None)
        if value not in (None, False):
            overrides[name] = value
            options[name] = option_of(name)
    return load_settings(overrides, options=options)


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


def new_admin_key(settings: dict) -> int:
    """`--new-admin-key`: replace the admin key, print the new one once, end every sign-in.

    It takes effect at once, in a kiosk already running on the same database too.
    """
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


def restarting_notice() -> dict:
    """The `notice` every page gets when the kiosk stops: its words as a key for each page."""
    return {
        "kind": "restarting",
        "message": {"key": N_("The kiosk is restarting; hold on."), "params": {}},
    }


def main(argv: list[str] | None = None) -> int:
    """Start the kiosk with gevent, open the launch session and print its links."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = settings_from(args)
    except SettingsError as problem:
        print(f"Cannot start: {problem}", file=sys.stderr)
        return 2
    # Every phone holds a descriptor or two: take all the open files the system allows.
    raise_open_file_limit()
    if args.new_admin_key:
        return new_admin_key(settings)
    quiet = settings["QUIET_SECRETS"]
    workshop_path = settings["WORKSHOP"]
    try:
        launch_workshop = load_workshop(workshop_path).id if workshop_path else "calm-and-connect"
        app = create_app(settings)
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
        notice = restarting_notice()
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
