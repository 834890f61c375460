"""Participant pages: the landing page with the join form, the phone page and the QR code."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import Blueprint
from flask import Response
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from realtime import client_address
from realtime import guess_brake
from realtime import kiosk
from workshop.service import UnknownSession
from workshop.service import normalize_code

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


def _existing_code(code: str) -> str:
    """The canonical form of a session code.

    :raise 404: no such session.
    :raise 429: this device has tried too many wrong codes lately.
    """
    brake = guess_brake()
    if brake.blocked(client_address()):
        abort(429, description="Too many wrong codes from this device; wait a minute.")
    try:
        return kiosk().state(code).code
    except UnknownSession:
        brake.miss(client_address())
        abort(404, description="No session has this code. Check the code on the screen.")


@blueprint.get("/")
def landing():
    """The landing page: type the join code shown on the screen."""
    typed = request.args.get("code", "")
    if typed:
        code = normalize_code(typed)[:12]
        brake = guess_brake()
        if brake.blocked(client_address()):
            abort(429, description="Too many wrong codes from this device; wait a minute.")
        try:
            kiosk().state(code)
        except UnknownSession:
            brake.miss(client_address())
            return render_template("landing.html", typed=typed[:12], unknown=True), 404
        return redirect(url_for("participant.phone", code=code))
    return render_template("landing.html", typed="", unknown=False)


@blueprint.get("/j/<code>")
def phone(code: str):
    """The phone page of a session.

    :raise 404: no session has this code.
    """
    canonical = _existing_code(code)
    if canonical != code:
        return redirect(url_for("participant.phone", code=canonical))
    title = kiosk().workshop_of(canonical).title
    return render_template("phone.html", code=canonical, title=title)


@blueprint.get("/qr/<code>.svg")
def qr(code: str):
    """The QR code of a session's join link.

    :raise 404: no session has this code.
    """
    canonical = _existing_code(code)
    svg = qr_svg(kiosk().join_url(canonical))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})
