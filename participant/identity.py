"""Phone ids on the web side: the cookie that carries the id the kiosk issued a phone.

The phone page (`GET /j/<code>`) gives a browser that has no valid id for that session a new
one, signed for the session (workshop/phone_ids.py), in an HttpOnly cookie; the browser sends
it back with the Socket.IO handshake (same origin), and /participant accepts a phone only with
a valid one. The id itself is never stored: answers carry a keyed hash of it, as before.
"""

from __future__ import annotations

from flask import Response
from flask import current_app
from flask import request

from transport.realtime import kiosk
from workshop.phone_ids import AddressShare

# One cookie per session, `attune_phone_<code>`: an id counts in its own session only.
PHONE_COOKIE = "attune_phone"
# Renewed on every visit of the phone page, so a phone keeps its id through a workshop and
# its breaks; a month after its last visit the browser forgets it.
PHONE_COOKIE_SECONDS = 30 * 24 * 3600


def phone_cookie_name(code: str) -> str:
    """The name of the cookie holding a phone's id for session `code` (canonical form)."""
    return f"{PHONE_COOKIE}_{code}"


def address_share() -> AddressShare:
    """The per-address limits on phones of the running app (held in memory only)."""
    return current_app.extensions["attune.address_share"]


def signed_phone_id(code: str) -> str | None:
    """The signed phone id the request carries for session `code`, if the kiosk issued it."""
    signed = request.cookies.get(phone_cookie_name(code))
    return signed if kiosk().phone_id(code, signed) is not None else None


def signed_phone_cookie(code: str) -> str | None:
    """The signed phone id the request (handshakes included) carries for `code`, unchecked."""
    return request.cookies.get(phone_cookie_name(code))


def keep_phone_cookie(response: Response, code: str, signed: str) -> None:
    """Give the browser its signed phone id for session `code` for another month.

    HttpOnly: no script, the kiosk's own included, can read or copy it. SameSite=Lax: sent when
    a QR code, a link or a typed address opens the phone page (Strict would leave it out when
    another site links here, and the page would then hand out a new id in its place), and with
    the page's own Socket.IO requests, but not with another site's requests. Path=/ because the
    handshake goes to /socket.io/, not under /j/. Secure when the kiosk is reached over HTTPS.
    """
    response.set_cookie(
        phone_cookie_name(code),
        signed,
        max_age=PHONE_COOKIE_SECONDS,
        path="/",
        secure=current_app.config["PUBLIC_URL"].startswith("https://"),
        httponly=True,
        samesite="Lax",
    )
