"""The facilitator home: workshops, a new session in one click, earlier sessions.

Behind the admin key, entered once: the browser then holds an HttpOnly, SameSite=Strict cookie
with a random sign-in id, which the store knows only by its hash (workshop/admin.py). With it
the consoles, reports and exports of every session open without their links' tokens, so
nobody needs `curl` to run a second workshop. It ends after 12 hours, on signing out, or when
the admin key changes.
"""

from __future__ import annotations

import re
from datetime import datetime

from babel.dates import format_datetime
from flask import Blueprint
from flask import current_app
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.sessions import SecureCookieSession
from flask.sessions import SessionInterface

from transport.error_pages import message_of
from transport.error_pages import refuse
from transport.guessing import TooManyGuesses
from transport.guessing import admin_key_checked
from transport.guessing import bearer_token
from transport.i18n import N_
from transport.i18n import page_language
from transport.realtime import kiosk
from transport.security import origin_checker
from workshop.admin import AdminAccess
from workshop.messages import MAX_RETENTION_DAYS
from workshop.messages import BadMessage
from workshop.messages import retention_days_from_text
from workshop.service import UnknownWorkshop

blueprint = Blueprint("home", __name__)

# The key of the sign-in id in Flask's `session` (which is the admin cookie, see below).
SIGN_IN = "sign_in"


def admin_access() -> AdminAccess:
    """The admin key and sign-ins of this app."""
    return current_app.extensions["attune.admin"]


def admin_cookie_valid() -> bool:
    """Whether this browser is signed in on the home page: its admin cookie still counts.

    Its cookie's sign-in id must be stored, unexpired, and made under the admin key in force.
    Only a request that carries the cookie reads the store, once per request.
    """
    sign_in_id = session.get(SIGN_IN)
    if not sign_in_id:
        return False
    if "attune_signed_in" not in g:
        g.attune_signed_in = admin_access().signed_in(sign_in_id)
    return g.attune_signed_in


def sign_in_ended() -> bool:
    """Whether this browser holds a sign-in cookie that no longer counts (so it can be told)."""
    return bool(session.get(SIGN_IN)) and not admin_cookie_valid()


# Pages that send a browser here to sign in, and come back after it (no other address: a
# `next` that could name another site would make the sign-in an open redirect).
RETURN_PATH = re.compile(r"/studio(/[a-z0-9-]{1,64}(/history)?)?")


def _return_path(value: str | None) -> str | None:
    """`value` if it is one of the pages a sign-in may return to, else None."""
    return value if value and RETURN_PATH.fullmatch(value) else None


def _login_page(wrong: bool = False, refusal: TooManyGuesses | None = None):
    """The admin-key form, saying why it is shown when that is not obvious."""
    ended = sign_in_ended()
    if ended:
        session.pop(SIGN_IN)  # the browser drops the dead cookie with this response
    return render_template(
        "home_login.html",
        wrong=wrong,
        refusal=refusal,
        ended=ended and not wrong,
        key_source=admin_access().source(),
        hours=admin_access().lifetime_ms // 3_600_000,
        next=_return_path(request.values.get("next")),
    )


# What a browser's Fetch Metadata says of a form post it sends from one of our own pages.
OWN_PAGE = "same-origin"


def _same_origin_post() -> None:
    """Refuse form posts that were not sent from the kiosk's own pages.

    The cookie is SameSite=Strict too; this is belt and braces. Browsers say where a request
    comes from in `Sec-Fetch-Site` (Fetch Metadata), which no page can set: only
    `same-origin` is one of our forms. `same-site` is another origin on the same site (another
    port of this machine: another program) and `cross-site` another site. `none`, a request
    the person started from the address bar or a bookmark, is never a POST of ours (a reload
    of a posted page keeps `same-origin`), so it is refused too.

    Browsers without Fetch Metadata (before 2021-2023) and non-browser clients fall back on
    `Origin`: a real origin must be the kiosk's own; `null` (an opaque origin: a sandboxed
    frame, a `data:` page) is refused. Our pages' `Referrer-Policy: same-origin` makes such
    browsers send the real origin rather than `null`. A request with neither header is a
    program such as curl, which holds no one's cookie.

    :raise 403: the post came from another origin, or says nothing that shows it is ours.
    """
    if not sent_from_own_page():
        refuse(
            403,
            N_(
                "This form can only be sent from the kiosk's own pages. Open /home on the "
                "kiosk's address and try again."
            ),
        )


def sent_from_own_page() -> bool:
    """Whether this request was sent by one of the kiosk's own pages (see `_same_origin_post`)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site.strip().lower() == OWN_PAGE
    origin = request.headers.get("Origin")
    return origin is None or _is_own_origin(origin)


def admin_api_refusal(write: bool) -> tuple[int, str, dict] | None:
    """Why an admin API request may not go on, as (status, words, headers); None if it may.

    The admin key (`Authorization: Bearer`, checked under the guessing brake) or the cookie of
    a browser signed in here. A write that rides on the cookie must come from the kiosk's own
    pages, like the home's forms: the browser sends the cookie whoever made the request.
    """
    given = bearer_token()
    if given:
        try:
            right = admin_key_checked(given, admin_access().key_matches)
        except TooManyGuesses as refusal:
            return 429, refusal.words, refusal.headers
        if right:
            return None
        return 401, ADMIN_KEY_WANTED, {}
    if not admin_cookie_valid():
        return 401, ADMIN_KEY_WANTED, {}
    if write and not sent_from_own_page():
        return (
            403,
            "This change can only be sent from the kiosk's own pages: open them on the "
            "kiosk's address and try again.",
            {},
        )
    return None


# What a request without the admin key, or with a wrong one, is told.
ADMIN_KEY_WANTED = (
    "send the admin key as 'Authorization: Bearer <key>' (printed at start-up), or sign in "
    "on the kiosk's /home page"
)


def _is_own_origin(origin: str) -> bool:
    """Whether `origin` is this kiosk's: as browsers reach it now, its public URL, or extras."""
    if origin.strip() in ("", "null"):
        return False
    check = origin_checker(current_app.config["PUBLIC_URL"], current_app.config["ALLOWED_ORIGINS"])
    return check(origin, request.environ)


@blueprint.after_request
def referrer_within_the_kiosk(response):
    """Let the home's own form posts carry the page's origin (not `null`).

    Every other page sends `Referrer-Policy: no-referrer`, under which browsers send
    `Origin: null` on a form post; browsers without Fetch Metadata would then be refused.
    `same-origin` sends nothing to other sites, and these pages hold no secret in their URL.
    """
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@blueprint.get("/home")
def home():
    """Workshops and sessions for an admin; the admin-key form for anyone else."""
    if not admin_cookie_valid():
        return _login_page()
    service = kiosk()
    workshops = sorted(service.library.values(), key=lambda w: w.title)
    sessions = [_with_start(summary) for summary in service.sessions()]
    return render_template(
        "home.html",
        workshops=workshops,
        sessions=sessions,
        retention_days=current_app.config["RETENTION_DAYS"],
        max_retention_days=MAX_RETENTION_DAYS,
    )


def _with_start(summary: dict) -> dict:
    """A session's summary with when it started, in the kiosk's time zone and the page's words.

    The kiosk runs in the room, so its clock's zone is the room's; the date and time are
    written the way the page's language writes them (Babel's CLDR data).
    """
    started = datetime.fromtimestamp(summary["created_ms"] / 1000).astimezone()
    text = format_datetime(started, "short", tzinfo=started.tzinfo, locale=page_language())
    return {**summary, "started": started, "started_text": text}


@blueprint.post("/home/login")
def login():
    """Check the admin key once and remember this browser.

    :raise 429: too many wrong keys from this address just now (the key is not checked).
    """
    _same_origin_post()
    given = request.form.get("admin_key", "").strip()
    access = admin_access()
    try:
        sign_in_id = admin_key_checked(given, access.sign_in)
    except TooManyGuesses as refusal:
        return _login_page(refusal=refusal), 429, refusal.headers
    if sign_in_id is None:
        return _login_page(wrong=True), 401
    # Signing in again replaces this browser's earlier sign-in rather than leaving it valid.
    access.sign_out(session.get(SIGN_IN))
    session.clear()
    session[SIGN_IN] = sign_in_id
    return redirect(_return_path(request.form.get("next")) or url_for("home.home"), code=303)


@blueprint.post("/home/logout")
def logout():
    """End this browser's sign-in on the server too: a copy of the cookie stops working."""
    _same_origin_post()
    admin_access().sign_out(session.get(SIGN_IN))
    session.clear()
    return redirect(url_for("home.home"), code=303)


@blueprint.post("/home/sessions")
def start_session():
    """Start a session of a workshop and open its console.

    :raise 401: not signed in with the admin key.
    :raise 400: unknown workshop or bad retention.
    """
    _same_origin_post()
    if not admin_cookie_valid():
        refuse(401, N_("Enter the admin key on the home page first."))
    try:
        retention_days = retention_days_from_text(request.form.get("retention_days", ""))
    except BadMessage as problem:
        message, params = message_of(problem)
        refuse(400, message, **params)
    try:
        created = kiosk().create_session(
            request.form.get("workshop", ""), retention_days=retention_days
        )
    except UnknownWorkshop:
        refuse(400, N_("Choose one of the workshops listed on the home page."))
    # The token rides in the fragment of the redirect, which the browser keeps to itself.
    return redirect(
        f"{url_for('facilitator.console', code=created.code)}#{created.facilitator_token}", code=303
    )


# What `secrets.token_urlsafe(32)` makes: anything else in the cookie is not ours.
SIGN_IN_ID = re.compile(r"[A-Za-z0-9_-]{43}")


class AdminCookieSessions(SessionInterface):
    """Flask's `session` is the admin cookie: a random sign-in id, nothing else.

    The id is checked against the store (`admin_cookie_valid`), which keeps only its hash, so
    the cookie needs no signature and the kiosk keeps no signing key: nothing in the database
    lets anyone make a cookie that works. Flask-SocketIO pushes a request context for every
    Socket.IO event, and Flask opens the session of each; phones never hold the cookie, so they
    get an empty session straight away, and opening one never reads the store.
    """

    session_class = SecureCookieSession  # a dict that notes when it is changed

    def open_session(self, app, request):
        """The sign-in id from the cookie, unchecked; an empty session without one."""
        value = request.cookies.get(self.get_cookie_name(app), "")
        if SIGN_IN_ID.fullmatch(value):
            return self.session_class({SIGN_IN: value})
        return self.session_class()

    def save_session(self, app, session, response):
        """Set the cookie when a browser signs in, delete it when it signs out."""
        if not session.modified:
            return
        options = {
            "path": self.get_cookie_path(app),
            "domain": self.get_cookie_domain(app),
            "secure": self.get_cookie_secure(app),
            "httponly": True,
            "samesite": self.get_cookie_samesite(app),
        }
        name = self.get_cookie_name(app)
        sign_in_id = session.get(SIGN_IN)
        if sign_in_id:
            lifetime_s = app.extensions["attune.admin"].lifetime_ms // 1000
            response.set_cookie(name, sign_in_id, max_age=lifetime_s, **options)
        else:
            response.delete_cookie(name, **options)
