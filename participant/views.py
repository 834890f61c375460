"""Participant pages: the landing page with the join form, the phone page and the QR code."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import Blueprint
from flask import Response
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import ngettext
from werkzeug.exceptions import TooManyRequests

from participant.identity import address_share
from participant.identity import keep_phone_cookie
from participant.identity import signed_phone_id
from transport.error_pages import error_page
from transport.guessing import TooManyGuesses
from transport.guessing import client_address
from transport.guessing import session_for_code
from transport.guessing import session_or_abort
from transport.i18n import N_
from transport.realtime import kiosk
from workshop.service import UnknownSession

blueprint = Blueprint("participant", __name__)


def qr_svg(data: str) -> bytes:
    """A QR code of `data` as SVG (one path, black on white, with the quiet zone)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def ended_page():
    """What an ended session's code opens: a goodbye in words, and no connection."""
    return render_template("ended.html"), 410


@blueprint.get("/")
def landing():
    """The landing page: type the join code shown on the screen."""
    typed = request.args.get("code", "")
    if not typed:
        return render_template("landing.html", typed="", unknown=False)
    try:
        state = session_for_code(typed)
    except TooManyGuesses as refusal:
        page = render_template("landing.html", typed=typed[:12], unknown=False, refusal=refusal)
        return page, 429, refusal.headers
    except UnknownSession:
        return render_template("landing.html", typed=typed[:12], unknown=True), 404
    if state.ended:
        return ended_page()
    return redirect(url_for("participant.phone", code=state.code))


@blueprint.get("/j/<code>")
def phone(code: str):
    """The phone page of a session, with the phone's id from the kiosk in a cookie.

    A browser without a valid id gets a new one, unless its address had its share of new ids
    this hour (429, said in words). An ended session's page says so and opens no connection.

    :raise 404: no session has this code.
    :raise 429: too many wrong codes from this address just now.
    """
    state = session_or_abort(code)
    if state.code != code:
        return redirect(url_for("participant.phone", code=state.code))
    if state.ended:
        return ended_page()
    canonical = state.code
    signed = signed_phone_id(canonical)
    if signed is None:
        share = address_share()
        if not share.may_issue(client_address()):
            return _too_many_new_phones(share.seconds_to_next_id(client_address()))
        signed = kiosk().issue_phone_id(canonical)
    workshop = kiosk().workshop_of(canonical)
    # The workshop's own texts are shown in its language (`lang`, `dir`), whatever the page's.
    response = make_response(
        render_template(
            "phone.html", code=canonical, title=workshop.title, workshop_lang=workshop.language
        )
    )
    keep_phone_cookie(response, canonical, signed)
    # A page that sets a phone's id must never be served from a cache to another phone.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _too_many_new_phones(retry_seconds: int):
    """429: this address got its share of new phone ids lately; what to do, in words."""
    minutes = max(1, round(retry_seconds / 60))
    error = TooManyRequests()
    error.attune_heading = N_("Too many new phones from this network")
    words = ngettext(
        "Too many new phones have joined from this network lately. Try again in about "
        "%(num)s minute, or ask the facilitator: the kiosk can let more phones join from one "
        "network (KIOSK_PHONES_PER_ADDRESS).",
        "Too many new phones have joined from this network lately. Try again in about "
        "%(num)s minutes, or ask the facilitator: the kiosk can let more phones join from one "
        "network (KIOSK_PHONES_PER_ADDRESS).",
        minutes,
    )
    headers = {"Retry-After": str(retry_seconds), "Cache-Control": "no-store"}
    return error_page(error, words=words), 429, headers


@blueprint.get("/qr/<code>.svg")
def qr(code: str):
    """The QR code of a session's join link.

    :raise 404: no session has this code.
    :raise 429: too many wrong codes from this address just now.
    """
    canonical = session_or_abort(code).code
    svg = qr_svg(kiosk().join_url(canonical))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})
