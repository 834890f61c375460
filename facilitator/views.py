"""Facilitator pages (console, screen) and the session API."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import render_template
from flask import request

from facilitator.home import admin_api_refusal
from facilitator.home import admin_cookie_valid
from participant.views import ended_page
from transport.guessing import session_or_abort
from transport.i18n import prefer_language
from transport.realtime import kiosk
from workshop.messages import BadMessage
from workshop.messages import CreateSession
from workshop.messages import parse
from workshop.service import UnknownWorkshop

blueprint = Blueprint("facilitator", __name__)


def json_error(status: int, message: str, headers: dict | None = None):
    """An error of the JSON API: `{"ok": false, "error": <what to do, in words>}`."""
    return jsonify({"ok": False, "error": message}), status, headers or {}


def json_message(status: int, message: str, headers: dict | None = None, **params):
    """An error of the JSON API that a page shows a person: `json_error`, plus its key.

    `message` is marked `N_` with `{name}` placeholders; `error` stays the English text (API
    clients read it), `message: {key, params}` lets the page say it in its own language.
    """
    body = {
        "ok": False,
        "error": message.format(**params) if params else message,
        "message": {"key": message, "params": params},
    }
    return jsonify(body), status, headers or {}


@blueprint.post("/api/sessions")
def create_session():
    """Start a session of a workshop, built-in or stored.

    Needs `Authorization: Bearer <admin key>`, or the cookie of a browser signed in on the
    home sent from the kiosk's own pages.

    :raise 401: no or wrong admin key.
    :raise 403: the cookie, from a page that is not the kiosk's.
    :raise 429: too many wrong admin keys from this address just now (the key is not checked).
    :raise 400: the body is not `{"workshop": "<id>"}` or names no known workshop.
    """
    refusal = admin_api_refusal(write=True)
    if refusal is not None:
        return json_error(*refusal)
    body = request.get_json(silent=True)
    try:
        message = parse(CreateSession, body)
    except BadMessage as problem:
        return json_error(400, f'send JSON {{"workshop": "<id>"}}: {problem}')
    service = kiosk()
    try:
        created = service.create_session(
            message.workshop,
            retention_days=message.retention_days,
            keep_aggregates=message.keep_aggregates,
        )
    except UnknownWorkshop:
        known = ", ".join(sorted(service.library))
        return json_error(400, f"unknown workshop {message.workshop!r}; known: {known}")
    code = created.code
    return (
        jsonify(
            {
                "ok": True,
                "code": code,
                "facilitator_token": created.facilitator_token,
                "join_url": service.join_url(code),
                "screen_url": service.screen_url(code),
                "console_url": service.console_url(code, created.facilitator_token),
            }
        ),
        201,
    )


@blueprint.get("/s/<code>")
def screen(code: str):
    """The projector page of a session; an ended one's only for a signed-in browser.

    :raise 404: no such session.
    :raise 429: too many wrong codes from this address just now.
    """
    signed_in = admin_cookie_valid()
    state = session_or_abort(code, trusted=signed_in)
    if state.ended and not signed_in:
        return ended_page()
    service = kiosk()
    workshop = service.workshop_of(state.code)
    # The projector speaks the workshop's language unless this browser chose another.
    prefer_language(workshop.language)
    return render_template(
        "screen.html",
        code=state.code,
        title=workshop.title,
        workshop_language=workshop.language,
        join_url=service.join_url(state.code),
    )


def _titled_page(template: str, code: str):
    """A facilitator page of one session (ended ones too) that needs its code and title.

    The page holds no secret: its data comes with the token or the home's cookie. Its code is
    still checked under the guessing brake, since "no such session" would tell a guesser.
    """
    state = session_or_abort(code, trusted=admin_cookie_valid())
    workshop = kiosk().workshop_of(state.code)
    # In the workshop's language unless this browser chose another (the switch on the page).
    prefer_language(workshop.language)
    return render_template(
        template, code=state.code, title=workshop.title, workshop_language=workshop.language
    )


@blueprint.get("/f/<code>")
def console(code: str):
    """The console page; the token is read from the link's fragment by the page's script.

    :raise 404: no such session.
    :raise 429: too many wrong codes from this address just now.
    """
    return _titled_page("console.html", code)


@blueprint.get("/f/<code>/report")
def report(code: str):
    """The printable report of a session; its data comes from report.json with the token.

    :raise 404: no such session.
    :raise 429: too many wrong codes from this address just now.
    """
    return _titled_page("report.html", code)
