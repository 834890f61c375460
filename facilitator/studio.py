"""The workshop studio's pages: the list, the editor, a workshop's history, and the previews.

The pages hold no data of their own: their scripts read and write it through the workshops API
(`/api/workshops...`, docs/protocol.md) with the home's admin cookie. A browser that is not
signed in is sent to the home's sign-in, which says why and comes back here afterwards.

The two preview pages are the real phone and projector pages (templates and modules), fed a
view of the step being edited by the editor (studio-preview-feed.js) instead of a connection.
They are the only pages the kiosk lets a page of its own show in a frame.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext

from facilitator.home import admin_cookie_valid
from participant.views import qr_svg
from transport.realtime import kiosk
from transport.security import SECURITY_HEADERS
from workshop.authoring import editor_defaults

blueprint = Blueprint("studio", __name__)

# The code the preview pages show where a session's join code would be.
PREVIEW_CODE = "PREVIEW"

# The kiosk's policy, with one change: its own pages may frame the previews (nobody else).
PREVIEW_POLICY = SECURITY_HEADERS["Content-Security-Policy"].replace(
    "frame-ancestors 'none'", "frame-ancestors 'self'"
)


@blueprint.before_request
def signed_in_only():
    """Send a browser without a valid admin cookie to the home's sign-in, saying why."""
    if admin_cookie_valid():
        return None
    return redirect(url_for("home.home", next=request.path), code=303)


@blueprint.after_request
def previews_in_frames(response):
    """Let the editor (same origin only) show the preview pages in its frames."""
    if request.endpoint in ("studio.preview_phone", "studio.preview_screen"):
        response.headers["Content-Security-Policy"] = PREVIEW_POLICY
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@blueprint.get("/studio")
def studio():
    """The workshops: built-in ones to duplicate, the kiosk's own to edit, import, new."""
    return render_template("studio.html")


@blueprint.get("/studio/new")
def new_workshop():
    """The editor on a new, empty workshop (kept as a draft in the browser until saved)."""
    return render_template(
        "studio_editor.html",
        workshop_id="",
        page_title=gettext("New workshop"),
        defaults=editor_defaults(),
    )


@blueprint.get("/studio/<workshop_id>")
def editor(workshop_id: str):
    """The editor of one workshop; its script loads the workshop from the API."""
    return render_template(
        "studio_editor.html",
        workshop_id=workshop_id,
        page_title=gettext("Edit workshop"),
        defaults=editor_defaults(),
    )


@blueprint.get("/studio/<workshop_id>/history")
def history(workshop_id: str):
    """The sessions run with a workshop and how each room moved between its paired prompts."""
    return render_template("studio_history.html", workshop_id=workshop_id)


@blueprint.get("/studio/preview/phone")
def preview_phone():
    """The phone page, fed the edited step by the editor instead of a session."""
    return render_template("phone.html", code=PREVIEW_CODE, title="Preview", preview=True)


@blueprint.get("/studio/preview/screen")
def preview_screen():
    """The projector page, fed the edited step by the editor instead of a session."""
    return render_template(
        "screen.html",
        code=PREVIEW_CODE,
        title="Preview",
        join_url=kiosk().join_url(PREVIEW_CODE),
        qr_src=url_for("studio.preview_qr"),
        preview=True,
    )


@blueprint.get("/studio/preview/qr.svg")
def preview_qr():
    """A QR code like a session's, for the projector preview's lobby."""
    svg = qr_svg(kiosk().join_url(PREVIEW_CODE))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})
