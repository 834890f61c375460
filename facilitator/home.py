"""The facilitator home: workshops, a new session in one click, earlier sessions.

Behind the admin key, entered once and kept in a signed, HttpOnly, SameSite=Strict cookie.
With that cookie the consoles, reports and exports of every session open without their
links' tokens, so nobody needs `curl` to run a second workshop.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

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
from workshop.service import UnknownWorkshop

blueprint = Blueprint("home", __name__)


def is_admin() -> bool:
    """Whether this browser has entered the admin key."""
    return bool(session.get("admin"))


def _same_origin_post() -> None:
    """Refuse cross-site form posts (the cookie is SameSite=Strict too; this is belt and braces).

    :raise 403: the request came from another site's page.
    """
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        abort(403, description="This form can only be sent from the kiosk's own pages.")


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
