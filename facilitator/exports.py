"""Facilitator-only downloads: every answer as JSON or CSV, and the report's data.

Authorised by the facilitator token in `Authorization: Bearer <token>`; the console sends it
from the page it already holds it in, so the token never appears in a URL.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import jsonify

from facilitator.home import admin_cookie_valid
from facilitator.views import json_error
from facilitator.views import json_message
from transport.guessing import TooManyGuesses
from transport.guessing import bearer_token
from transport.guessing import console_token_valid
from transport.i18n import N_
from transport.realtime import kiosk
from workshop.service import UnknownSession

blueprint = Blueprint("exports", __name__)


def _authorised(code: str) -> tuple[str | None, tuple | None]:
    """The session's canonical code if the request carries its facilitator token.

    Without the home's cookie, an unknown code and a wrong token get the same 401, so these
    URLs tell nothing about which codes exist; a wrong token counts as a guess, and once there
    were too many from this address the answer is 429 (a valid token is always let in).
    """
    service = kiosk()
    if admin_cookie_valid():
        try:
            return service.state(code).code, None
        except UnknownSession:
            return None, json_message(404, N_("no session has this code"))
    try:
        valid = console_token_valid(service.find(code), bearer_token())
    except TooManyGuesses as refusal:
        return None, json_error(429, refusal.words, refusal.headers)
    if not valid:
        message = N_("send the facilitator token as 'Authorization: Bearer <token>'")
        return None, json_message(401, message)
    return service.state(code).code, None


def _gone(code: str):
    """410 for the answers of a session that were deleted (the report keeps its figures)."""
    if not kiosk().answers_deleted(code):
        return None
    message = N_("this session's answers were deleted; the report keeps only aggregate figures")
    return json_message(410, message)


def _exportable(code: str) -> tuple[str | None, tuple | None]:
    """The session's code if its answers may be downloaded now, else the refusal to send."""
    canonical, refusal = _authorised(code)
    return canonical, refusal or (_gone(canonical) if canonical else None)


@blueprint.get("/api/sessions/<code>/export.json")
def export_json(code: str):
    """Every answer of a session as JSON. :raise 401: no token. :raise 410: answers deleted."""
    canonical, refusal = _exportable(code)
    if refusal:
        return refusal
    response = jsonify(kiosk().export(canonical))
    response.headers["Content-Disposition"] = f'attachment; filename="attune-{canonical}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/api/sessions/<code>/export.csv")
def export_csv(code: str):
    """Every answer as CSV (UTF-8 with a BOM, every field quoted, formulas defused).

    :raise 401/410: as for JSON.
    """
    canonical, refusal = _exportable(code)
    if refusal:
        return refusal
    return Response(
        kiosk().export_csv(canonical),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="attune-{canonical}.csv"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.get("/api/sessions/<code>/report.json")
def report_json(code: str):
    """The report's data: workshop, step timings and every prompt's results."""
    canonical, refusal = _authorised(code)
    if refusal:
        return refusal
    response = jsonify(kiosk().report(canonical))
    response.headers["Cache-Control"] = "no-store"
    return response
