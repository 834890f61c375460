"""The one guard every check of a secret goes through, and the pass that spares a room.

Three secrets can be guessed at the kiosk: join codes (6 characters, about 8.9 x 10^8 of
them), console tokens (192 random bits) and the admin key. Every check of one goes through
`_guarded`, which keeps a budget of misses per kind of secret and remote address
(`transport.limits.GuessBrake`: 20 at once, then one every 3 s by default). The brake keys on
what fails: a right secret costs nothing, so typing the right code after any number of wrong
ones gets in as soon as the budget has room for one more try, and one kind's misses never slow
another (wrong join codes do not slow the admin key).

While a budget is spent, tries of that kind from that address are refused without being
checked: a refused try tells nothing about the secret, so a guesser learns whether at most 20
codes are right per minute, however it spreads its tries. Checking a try anyway and admitting
it when right would tell the guesser "right" or "wrong" at full speed, which is no brake at
all. Console tokens are the exception: 192 random bits cannot be found at any speed, so they
are always checked and a valid one is always let in; wrong ones still count, and are answered
"too many" once the budget is spent.

Join codes also have a pass, so that a room behind one address (a venue's NAT, a proxy) is not
held up by someone guessing on the same network: a browser that was let in with a code gets a
cookie holding the join pass (`workshop/keys.py` `join_pass_of`), an HMAC under the session's
own key. Every browser of a session gets the same value (it names nobody), it cannot be made
without the key, which never leaves the kiosk, and it proves that the code was already checked,
so its reloads and reconnects skip the budget.

Every place that takes a secret checks it with the one function of its kind, which calls
`_guarded`: `snapshot_for_code` or `session_for_code` (or `session_or_abort`, for pages) for
join codes, `console_token_valid` for console tokens, `admin_key_checked` for the admin key.
`bearer_token` reads the secret an API request sends. A refusal is answered in the words
`TooManyGuesses` carries: an error page (`http_error`), an API error (`words`, `headers`) or a
refused Socket.IO connection (`connection_refused`).
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from flask import g
from flask import request
from flask_socketio import ConnectionRefusedError
from werkzeug.exceptions import TooManyRequests

from transport.error_pages import refuse
from transport.error_pages import with_message
from transport.i18n import N_
from transport.i18n import refused
from transport.i18n import translate_message
from transport.limits import GuessBrake
from workshop.errors import AttuneError
from workshop.service import UnknownSession
from workshop.service import normalize_code
from workshop.session import SessionState
from workshop.snapshot import Snapshot

T = TypeVar("T")

JOIN_CODE = "join code"
CONSOLE_TOKEN = "console link"
ADMIN_KEY = "admin key"

# What a refused try says, per kind of secret: in words, without the wait (added where shown).
REFUSALS = {
    JOIN_CODE: N_("Too many wrong join codes were tried from your network just now"),
    CONSOLE_TOKEN: N_("Too many wrong console links were tried from your network just now"),
    ADMIN_KEY: N_("Too many wrong admin keys were tried from your network just now"),
}

PASS_COOKIE_PREFIX = "attune_pass_"
# A pass only saves a check; a day covers any workshop and its reloads.
PASS_MAX_AGE_SECONDS = 24 * 3600


class TooManyGuesses(AttuneError):
    """This address has spent its budget of misses for this kind of secret; try again later."""

    def __init__(self, kind: str, retry_after: float):
        super().__init__(REFUSALS[kind])
        self.kind = kind
        self.reason = REFUSALS[kind]
        # Whole seconds, at least one: what people read and what `Retry-After` carries.
        self.seconds = max(1, math.ceil(retry_after))

    @property
    def socket_data(self) -> dict:
        """The `data` of a Socket.IO `connect_error`: pages try again after this long."""
        return {"retry_after_ms": self.seconds * 1000}

    @property
    def words(self) -> str:
        """What happened and when to try again, for a page or an API error."""
        return f"{self.reason}. Wait {self.seconds} seconds and try again."

    @property
    def headers(self) -> dict:
        """`Retry-After` for an HTTP answer."""
        return {"Retry-After": str(self.seconds)}

    def http_error(self) -> TooManyRequests:
        """A 429 for `abort`: the error page says it in words and reloads itself then."""
        # The error page adds when it tries again by itself (error.html).
        error = WaitAMoment(retry_after=self.seconds)
        # Pages only: in the request's language already, like the rest of the page.
        # Translators: {reason} is one of the "Too many wrong ..." sentences, without its stop.
        return with_message(error, N_("{reason}."), reason=translate_message(self.reason))

    def connection_refused(self) -> ConnectionRefusedError:
        """A refused Socket.IO connection: its `connect_error` says when the page tries again."""
        return refused(self.reason, self.socket_data)


class WaitAMoment(TooManyRequests):
    """429 with a heading people read ("Too Many Requests" is the protocol's name for it)."""

    name = "Wait a moment"


def install(app, brake: GuessBrake) -> None:
    """Give the app its brake and hand out passes on the responses that earned one."""
    app.extensions["attune.guess_brake"] = brake
    app.after_request(_hand_out_pass)


def guess_brake() -> GuessBrake:
    """The guessing brake of the running app."""
    return current_app.extensions["attune.guess_brake"]


def client_address() -> str:
    """The remote address, for the guessing brake only: kept in memory, never written.

    Behind a reverse proxy this is the address the proxy forwarded, and only when the request
    came from one of `KIOSK_TRUSTED_PROXY_ADDRESSES` (security.TrustedProxies).
    """
    return request.remote_addr or "unknown"


def bearer_token() -> str:
    """The secret this request sends as `Authorization: Bearer <secret>`; "" without one.

    The scheme's name is read in any case (RFC 9110); an empty secret is no secret.
    """
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def _guarded(kind: str, check: Callable[[], T], unguessable: bool = False) -> T:
    """Check a secret of `kind` under the brake; returns what `check()` returned.

    `check` returns something true for a right secret and something false for a wrong one,
    which counts as a miss of this address. Callers pass only tries that name a secret (an
    empty key guesses nothing).

    :raise TooManyGuesses: this address's budget for `kind` is spent; the secret was not
        checked. With `unguessable` it is checked anyway and only a wrong one is refused so.
    """
    brake = guess_brake()
    key = f"{kind} {client_address()}"
    wait = brake.wait(key)
    if wait > 0 and not unguessable:
        raise TooManyGuesses(kind, wait)
    found = check()
    if not found:
        brake.miss(key)
        if wait > 0:
            raise TooManyGuesses(kind, wait)
    return found


def console_token_valid(session: Snapshot | None, token: str) -> bool:
    """Whether `token` drives `session` (None: no session has the code), checked under the brake.

    The caller passes the session as it read it for this request (`Kiosk.find`), so checking
    the token reads nothing again. An empty token guesses nothing: it is not valid and not
    counted. A token is 192 random bits, so it is checked even while this address's budget is
    spent, and a valid one is let in; an unknown code and a wrong token are the same miss, so a
    token tells nothing of codes.

    :raise TooManyGuesses: a wrong token while this address's budget for console links is spent.
    """
    if not token:
        return False
    kiosk = current_app.extensions["attune.kiosk"]
    return _guarded(CONSOLE_TOKEN, lambda: kiosk.token_drives(session, token), unguessable=True)


def admin_key_checked(given: str, check: Callable[[str], T]) -> T | None:
    """`check(given)` under the brake for admin keys; None for an empty key (it guesses nothing).

    `check` is what the caller does with the key (compare it, or sign a browser in with it),
    returning something false for a wrong key, which counts as a miss. The admin key may be one
    a person chose, so it is budgeted like join codes.

    :raise TooManyGuesses: this address tried too many wrong admin keys just now (not checked).
    """
    if not given:
        return None
    return _guarded(ADMIN_KEY, lambda: check(given))


def _holds_pass(snapshot: Snapshot) -> bool:
    given = request.cookies.get(PASS_COOKIE_PREFIX + snapshot.code, "")
    return bool(given) and hmac.compare_digest(given.encode(), snapshot.join_pass().encode())


def snapshot_for_code(code: str, trusted: bool = False) -> Snapshot:
    """The session a join code names, read once and checked under the brake (ended included).

    A browser holding the session's pass, or `trusted` (signed in on the facilitator home, who
    may open every session anyway), is not slowed. A live session's code earns this request's
    response a pass.

    :raise TooManyGuesses: this address tried too many wrong codes just now (not checked).
    :raise UnknownSession: no session has this code (counted as a miss).
    """
    wanted = normalize_code(code)[:12]
    kiosk = current_app.extensions["attune.kiosk"]
    snapshot = None
    looked = trusted or PASS_COOKIE_PREFIX + wanted in request.cookies
    if looked:
        snapshot = kiosk.find_shared(wanted)
        if trusted and snapshot is None:
            raise UnknownSession(code)
    if snapshot is None or not (trusted or _holds_pass(snapshot)):
        # Checked like any other try, and counted: the one read above is the check.
        snapshot = _guarded(JOIN_CODE, lambda: snapshot if looked else kiosk.find_shared(wanted))
        if snapshot is None:
            raise UnknownSession(code)
    if not snapshot.state.ended:
        g.attune_pass = (snapshot.code, snapshot.join_pass())
    return snapshot


def session_for_code(code: str, trusted: bool = False) -> SessionState:
    """The state of the session a join code names (`snapshot_for_code`)."""
    return snapshot_for_code(code, trusted).state


def session_or_abort(code: str, trusted: bool = False) -> SessionState:
    """`session_for_code` for pages: refusals become the error pages people read.

    :raise 429: too many wrong codes from this address just now (the page tries again).
    :raise 404: no session has this code.
    """
    try:
        return session_for_code(code, trusted)
    except TooManyGuesses as refusal:
        raise refusal.http_error() from None
    except UnknownSession:
        refuse(404, N_("No session has this code. Check the code on the screen."))


def _hand_out_pass(response):
    given = g.pop("attune_pass", None)
    if given is not None and response.status_code < 400:
        code, join_pass = given
        response.set_cookie(
            PASS_COOKIE_PREFIX + code,
            join_pass,
            max_age=PASS_MAX_AGE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["PUBLIC_URL"].startswith("https://"),
        )
    return response
