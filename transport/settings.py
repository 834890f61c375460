"""Every setting of the kiosk, in one schema: name, type, environment variable, default, help.

`python app.py --help`, the table in README.md ("Run it", written by tools/settings_table.py)
and the app's configuration all come from `Settings` below. A setting `NAME` is read from the
environment variable `KIOSK_NAME`; some also have a command-line option. Values are checked
when the kiosk starts: a wrong one stops it with a message naming the variable (or option),
the value, and what is expected, rather than failing later or being quietly replaced.

Layers, later ones winning: the defaults here, `KIOSK_*` variables (an empty one counts as
unset), then the command line or, in tests, the mapping passed to `create_app`, which may
also carry test-only keys (`CLOCK`, `GUESS_CLOCK`, ...) that are handed on unchecked.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import ValidationError
from pydantic import field_validator
from pydantic import model_validator

from transport.resources import default_database
from transport.resources import default_database_shown
from transport.security import trusted_networks
from workshop.errors import AttuneError
from workshop.phone_ids import default_phones_per_address

ENV_PREFIX = "KIOSK_"


class SettingsError(AttuneError, ValueError):
    """A setting has a value the kiosk cannot start with; the message says which and why."""


def setting(default: Any, help: str, *, option: str = "", shown: str = "", **checks: Any) -> Any:
    """A field of `Settings`: its default, what it does, its command-line option, if any, and
    how its default is shown to people (the value itself when `shown` is empty)."""
    return Field(
        default, description=help, json_schema_extra={"option": option, "shown": shown}, **checks
    )


class Settings(BaseModel):
    """The kiosk's settings, as `create_app` puts them in `app.config` (same names)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    HOST: str = setting(
        "0.0.0.0",
        "the address to listen on",
        option="--host ADDRESS",
        shown="`0.0.0.0` (every interface)",
    )
    PORT: int = setting(8000, "the port to listen on", option="--port PORT", ge=1, le=65535)
    DB: str = setting(
        "",
        "the SQLite file, or a `postgresql://` URL (docs/deploy.md)",
        option="--db PATH",
        shown=default_database_shown(),
    )
    WORKSHOP: str | None = setting(
        None,
        "a workshop YAML file of your own, opened by `make run` / `attune`",
        option="--workshop PATH",
        shown="the built-in `calm-and-connect`",
    )
    PUBLIC_URL: str | None = setting(
        None,
        "the base URL phones use, e.g. `https://kiosk.lan`",
        option="--public-url URL",
        shown="`http://<LAN address>:<port>`",
    )
    ADMIN_KEY: str | None = setting(
        None,
        "the admin key, never stored; changing it signs every browser out",
        shown="made on the first start, printed once, kept only as a hash",
    )
    QUIET_SECRETS: bool = setting(
        False,
        "print no console link and no admin key, for output others read (journals)",
        option="--no-secrets",
        shown="`0`",
    )
    RETENTION_DAYS: int = setting(
        30, "days after a session its answers are deleted; `0`: when it ends", ge=0
    )
    MAX_PARTICIPANTS: int = setting(5000, "phones one session takes", ge=1)
    PHONES_PER_ADDRESS: int | None = setting(
        None,
        "phones of a session one address may hold, and new phone ids it may get an hour; "
        '`0`: no limit (see "One device, one phone")',
        shown="max(20, `KIOSK_MAX_PARTICIPANTS` / 20), so `250`",
        ge=0,
    )
    ALLOWED_HOSTS: str = setting(
        "", "extra host names the kiosk answers to (comma-separated)", shown="none"
    )
    ALLOWED_ORIGINS: str = setting(
        "", "extra browser origins allowed to open sockets (comma-separated)", shown="none"
    )
    TRUSTED_PROXIES: int = setting(
        0, "the number of reverse proxies whose `X-Forwarded-*` headers count", ge=0
    )
    TRUSTED_PROXY_ADDRESSES: str = setting(
        "",
        "the addresses or networks (`10.0.0.2`, `10.0.0.0/24`) those proxies connect from: "
        "forwarded headers from anywhere else are dropped",
        shown="this machine (`127.0.0.0/8,::1`)",
    )
    GUESS_LIMIT: int = setting(
        20, "wrong join codes (console links, admin keys) an address may try at once", ge=1
    )
    GUESS_WINDOW: int = setting(
        60,
        "seconds in which that many are forgiven again (one every 3 s by default)",
        ge=1,
    )
    MESSAGE_QUEUE: str = setting(
        "",
        "`redis://...`: several processes share one room (docs/deploy.md); needs a "
        "PostgreSQL `KIOSK_DB`",
        shown="none (one process)",
    )
    DIRECT_FANOUT: bool = setting(
        True,
        "a broadcast is framed once and written straight to each idle phone's socket "
        "(`transport/fanout.py`); `0`: every copy goes through engine.io's queue",
        shown="`1`",
    )
    FAST_CLOCK: bool = setting(
        True,
        "a `clock` ping over a websocket is answered where it is read, its server time halfway "
        "through its stay in the kiosk (`transport/fastclock.py`; needs `KIOSK_DIRECT_FANOUT=1`);"
        " `0`: through the Socket.IO event path",
        shown="`1`",
    )
    PING_INTERVAL: int = setting(
        15,
        "seconds between Socket.IO heartbeats: a phone that locks its screen leaves the head "
        "count within about `KIOSK_PING_INTERVAL` + `KIOSK_PING_TIMEOUT`",
        ge=1,
    )
    PING_TIMEOUT: int = setting(
        10, "seconds a heartbeat may go unanswered before the connection counts as gone", ge=1
    )
    MAX_MESSAGE_BYTES: int = setting(
        16 * 1024,
        "the largest Socket.IO message a client may send (an answer is the largest the "
        "kiosk's pages send); larger ones are refused as they arrive",
        shown="`16384` (16 KiB)",
        ge=1024,
    )
    MAX_BODY_BYTES: int = setting(
        256 * 1024,
        "the largest request body a page or the API accepts",
        shown="`262144` (256 KiB)",
        ge=1024,
    )
    HEADER_TIMEOUT: int = setting(10, "seconds for a request's line and headers to arrive", ge=1)

    @field_validator("TRUSTED_PROXY_ADDRESSES")
    @classmethod
    def _networks(cls, value: str) -> str:
        trusted_networks(value)  # raises ValueError naming the entry that is wrong
        return value

    @field_validator("MESSAGE_QUEUE")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("not a Redis URL")
        return value

    @model_validator(mode="after")
    def _shared_database(self) -> Settings:
        if self.MESSAGE_QUEUE and not self.DB.startswith(("postgresql://", "postgres://")):
            raise ValueError(
                "KIOSK_MESSAGE_QUEUE needs a shared database: set KIOSK_DB=postgresql://... "
                "(SQLite belongs to one process)"
            )
        return self


# Command-line options that are actions rather than settings: (option, help).
ACTIONS = (
    ("--new-admin-key", "make a new admin key, print it once, sign every browser out, and exit"),
)


def env_name(name: str) -> str:
    """The environment variable of setting `name`: KIOSK_<name>."""
    return ENV_PREFIX + name


def option_of(name: str) -> str:
    """The command-line option of setting `name` (`--port`), or "" when it has none."""
    return Settings.model_fields[name].json_schema_extra["option"].split(" ")[0]


def metavar_of(name: str) -> str:
    """What the option of setting `name` takes, as --help names it (`PORT`); "" for a flag."""
    return Settings.model_fields[name].json_schema_extra["option"].partition(" ")[2]


def shown_default(name: str) -> str:
    """The default of setting `name` as people read it."""
    field = Settings.model_fields[name]
    shown = field.json_schema_extra["shown"]
    if shown:
        return shown
    return f"`{field.default}`"


def expected(name: str) -> str:
    """What setting `name` takes, in words (for error messages and --help)."""
    field = Settings.model_fields[name]
    low = next((m.ge for m in field.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in field.metadata if hasattr(m, "le")), None)
    kind = field.annotation
    if kind is bool:
        return "1 or 0 (or true/false, yes/no)"
    if kind in (int, int | None):
        if low is not None and high is not None:
            return f"a whole number from {low} to {high}"
        if low is not None:
            return f"a whole number, at least {low}"
        return "a whole number"
    if name == "TRUSTED_PROXY_ADDRESSES":
        return "addresses or networks, comma-separated, such as 10.0.0.2,10.0.0.0/24"
    return "text"


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


def load(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    options: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The settings the kiosk runs with, as a dict for `app.config`.

    `environ` defaults to the process's environment. `overrides` win over it: the command
    line (then `options` maps each given setting to the option it came from, for messages)
    or a test's mapping, whose keys outside the schema are handed on as they are.
    Works out what depends on others: the database's place, the per-address share of a
    room, and the public URL.

    :raise SettingsError: a value is not one the setting takes, named in the message.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    options = dict(options or {})
    given: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for name in Settings.model_fields:
        value = environ.get(env_name(name))
        if value:  # an empty variable counts as unset
            given[name] = value
            origin[name] = env_name(name)
    extras = {}
    for name, value in overrides.items():
        if name not in Settings.model_fields:
            extras[name] = value
        elif value is None or value == "":
            given.pop(name, None)  # back to the default
        else:
            given[name] = value
            origin[name] = options.get(name) or f"{name} (create_app)"
    try:
        settings = Settings(**given).model_dump()
    except ValidationError as invalid:
        raise SettingsError(_explain(invalid, given, origin)) from None
    if not settings["DB"]:
        settings["DB"] = str(default_database())
    if settings["PHONES_PER_ADDRESS"] is None:
        settings["PHONES_PER_ADDRESS"] = default_phones_per_address(settings["MAX_PARTICIPANTS"])
    if not settings["PUBLIC_URL"]:
        host = settings["HOST"]
        if host in ("0.0.0.0", "::", ""):
            host = lan_address()
        settings["PUBLIC_URL"] = f"http://{host}:{settings['PORT']}"
    settings.update(extras)
    return settings


def _explain(invalid: ValidationError, given: dict, origin: dict) -> str:
    """One line per wrong value: where it came from, the value, why, and what is expected."""
    lines = []
    for error in invalid.errors():
        reason = error["msg"].removeprefix("Value error, ")
        name = str(error["loc"][0]) if error["loc"] else ""
        if name not in Settings.model_fields:
            lines.append(reason)  # a rule between settings, which names them itself
            continue
        where = origin.get(name, env_name(name))
        if where != env_name(name):
            where = f"{where} ({env_name(name)})"
        reason = reason.removeprefix(f"{env_name(name)}: ")
        lines.append(f"{where} = {given.get(name)!r}: {reason}; expected {expected(name)}")
    return "invalid settings:\n  " + "\n  ".join(lines)


# README.md's settings table sits between these lines; tools/settings_table.py writes it.
TABLE_START = (
    "<!-- settings table: written by tools/settings_table.py from transport/settings.py -->"
)
TABLE_END = "<!-- end of settings table -->"


def markdown_table() -> str:
    """The settings as README.md shows them: option, variable, default, what it does."""
    rows = ["| option | variable | default | what it does |", "| --- | --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        option = f"{option_of(name)} {metavar_of(name)}".strip()
        shown_option = f"`{option}`" if option else ""
        rows.append(
            f"| {shown_option} | `{env_name(name)}` | {shown_default(name)} | {field.description} |"
        )
    for option, help_text in ACTIONS:
        rows.append(f"| `{option}` | | | {help_text} |")
    return "\n".join(rows)
