"""The facilitator home: workshops, a new session in one click, earlier sessions.

Behind the admin key, entered once and kept in a signed, HttpOnly, SameSite=Strict cookie.
With that cookie the consoles, reports and exports of every session open without their
links' tokens, so nobody needs `curl` to run a second workshop.
"""

from __future__ import annotations

import hmac

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.sessions import SecureCookieSessionInterface

from realtime import client_address
from realtime import guess_brake
from realtime import kiosk
from security import origin_checker
from workshop.service import UnknownWorkshop

blueprint = Blueprint("home", __name__)


def is_admin() -> bool:
    """Whether this browser has entered the admin key."""
    return bool(session.get("admin"))


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
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        allowed = site.strip().lower() == OWN_PAGE
    else:
        origin = request.headers.get("Origin")
        allowed = origin is None or _is_own_origin(origin)
    if not allowed:
        abort(
            403,
            description=(
                "This form can only be sent from the kiosk's own pages. Open /home on the "
                "kiosk's address and try again."
            ),
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
    if not is_admin():
        return render_template("home_login.html", wrong=False)
    service = kiosk()
    workshops = sorted(service.library.values(), key=lambda w: w.title)
    return render_template(
        "home.html",
        workshops=workshops,
        sessions=service.sessions(),
        retention_days=current_app.config["RETENTION_DAYS"],
    )


@blueprint.post("/home/login")
def login():
    """Check the admin key once and remember this browser.

    :raise 429: too many wrong keys from this device.
    """
    _same_origin_post()
    brake = guess_brake()
    if brake.blocked(client_address()):
        abort(429, description="Too many wrong keys from this device; wait a minute.")
    given = request.form.get("admin_key", "").strip()
    expected = current_app.config["ADMIN_KEY"]
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        brake.miss(client_address())
        return render_template("home_login.html", wrong=True), 401
    session.clear()
    session["admin"] = True
    session.permanent = True
    return redirect(url_for("home.home"), code=303)


@blueprint.post("/home/logout")
def logout():
    """Forget this browser's admin rights."""
    _same_origin_post()
    session.clear()
    return redirect(url_for("home.home"), code=303)


@blueprint.post("/home/sessions")
def start_session():
    """Start a session of a workshop and open its console.

    :raise 401: not signed in with the admin key.
    :raise 400: unknown workshop or bad retention.
    """
    _same_origin_post()
    if not is_admin():
        abort(401, description="Enter the admin key on the home page first.")
    retention = request.form.get("retention_days", "").strip()
    try:
        retention_days = int(retention) if retention else None
    except ValueError:
        abort(400, description="Retention is a whole number of days.")
    if retention_days is not None and not 0 <= retention_days <= 3650:
        abort(400, description="Retention is between 0 and 3650 days.")
    try:
        created = kiosk().create_session(
            request.form.get("workshop", ""), retention_days=retention_days
        )
    except UnknownWorkshop:
        abort(400, description="Choose one of the workshops listed on the home page.")
    # The token rides in the fragment of the redirect, which the browser keeps to itself.
    return redirect(
        f"{url_for('facilitator.console', code=created.code)}#{created.facilitator_token}", code=303
    )


class AdminCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions (they hold the home's sign-in), cheap when unused.

    Flask-SocketIO pushes a request context for every Socket.IO event, and Flask opens the
    session of each, building a signing serializer every time: about 7 % of the CPU of an
    answer (docs/performance.md). Phones never hold the admin cookie, so a request without
    it gets an empty session straight away; one with it is read and checked as before.
    """

    def open_session(self, app, request):
        """An empty session when the request has no cookie; otherwise Flask's own."""
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
