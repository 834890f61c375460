"""Facilitator pages (console, screen) and the session API."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import jsonify
from flask import render_template
from flask import request

from facilitator.home import admin_access
from realtime import kiosk
from workshop.messages import BadMessage
from workshop.messages import CreateSession
from workshop.messages import parse
from workshop.service import UnknownSession
from workshop.service import UnknownWorkshop

blueprint = Blueprint("facilitator", __name__)


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _is_admin() -> bool:
    given = _bearer()
    return given is not None and admin_access().key_matches(given)


def _json_error(status: int, message: str):
    return jsonify({"ok": False, "error": message}), status


@blueprint.post("/api/sessions")
def create_session():
    """Start a session of a workshop. Needs `Authorization: Bearer <admin key>`.

    :raise 401: no or wrong admin key.
    :raise 400: the body is not `{"workshop": "<id>"}` or names no known workshop.
    """
    if not _is_admin():
        return _json_error(
            401, "send the admin key as 'Authorization: Bearer <key>' (printed at start-up)"
        )
    body = request.get_json(silent=True)
    try:
        message = parse(CreateSession, body)
    except BadMessage as problem:
        return _json_error(400, f'send JSON {{"workshop": "<id>"}}: {problem}')
    service = kiosk()
    try:
        created = service.create_session(
            message.workshop,
            retention_days=message.retention_days,
            keep_aggregates=message.keep_aggregates,
        )
    except UnknownWorkshop:
        known = ", ".join(sorted(service.library))
        return _json_error(400, f"unknown workshop {message.workshop!r}; known: {known}")
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


@blueprint.get("/api/workshops")
def list_workshops():
    """The workshops this kiosk can run, with their steps and planned time."""
    return jsonify(
        {
            "workshops": [
                {
                    "id": w.id,
                    "title": w.title,
                    "description": w.description,
                    "steps": len(w.steps),
                    "planned_ms": w.planned_ms,
                }
                for w in kiosk().library.values()
            ]
        }
    )


def _session_or_404(code: str) -> str:
    try:
        return kiosk().state(code).code
    except UnknownSession:
        abort(404, description="No session has this code.")


@blueprint.get("/s/<code>")
def screen(code: str):
    """The projector page of a session. :raise 404: no such session."""
    canonical = _session_or_404(code)
    service = kiosk()
    return render_template(
        "screen.html",
        code=canonical,
        title=service.workshop_of(canonical).title,
        join_url=service.join_url(canonical),
    )


def _titled_page(template: str, code: str):
    """A page of one session that needs only its code and its workshop's title."""
    canonical = _session_or_404(code)
    return render_template(template, code=canonical, title=kiosk().workshop_of(canonical).title)


@blueprint.get("/f/<code>")
def console(code: str):
    """The console page; the token is read from the link's fragment by the page's script.

    :raise 404: no such session.
    """
    return _titled_page("console.html", code)


@blueprint.get("/f/<code>/report")
def report(code: str):
    """The printable report of a session; its data comes from report.json with the token.

    :raise 404: no such session.
    """
    return _titled_page("report.html", code)
