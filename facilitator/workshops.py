"""The studio's API: list, make, check, read, export, replace, delete workshops; their history.

Behind the admin key or the home's cookie (`home.admin_api_refusal`). Each handler reads the
request, calls the catalog (workshop/catalog.py) or the authoring rules (workshop/authoring.py)
once, and answers; the contract is docs/protocol.md, "Workshops (the studio's API)".
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import jsonify
from flask import make_response
from flask import request
from flask import url_for

from facilitator.home import admin_api_refusal
from facilitator.views import json_error
from facilitator.views import json_message
from transport.i18n import N_
from transport.realtime import kiosk
from workshop.authoring import WorkshopRejected
from workshop.authoring import WorkshopTooLarge
from workshop.authoring import planned_seconds
from workshop.authoring import read_workshop
from workshop.authoring import workshop_yaml
from workshop.catalog import BuiltinWorkshop
from workshop.catalog import CatalogFull
from workshop.catalog import WorkshopCatalog
from workshop.catalog import WorkshopChanged
from workshop.catalog import WorkshopExists
from workshop.catalog import iso_utc
from workshop.catalog import version_of
from workshop.errors import AttuneError
from workshop.history import workshop_history
from workshop.script import Workshop
from workshop.service import UnknownWorkshop
from workshop.stored_workshops import WorkshopRecord

blueprint = Blueprint("workshops", __name__)

# The media types a workshop may be sent as: its YAML file, or the same fields as JSON.
BODY_KINDS = {
    "application/yaml": "yaml",
    "application/x-yaml": "yaml",
    "text/yaml": "yaml",
    "text/x-yaml": "yaml",
    "application/json": "json",
}
READS = ("GET", "HEAD", "OPTIONS")


@blueprint.before_request
def admin_only():
    """Every route needs the admin key or the home's cookie (writes from the kiosk's pages)."""
    refusal = admin_api_refusal(write=request.method not in READS)
    if refusal is not None:
        return json_error(*refusal)
    return None


def _refusal(status: int, error: AttuneError, headers: dict | None = None):
    """The JSON answer for a kiosk error: its English `error`, and its key with parameters."""
    return json_message(status, error.key or str(error), headers, **error.params)


def catalog() -> WorkshopCatalog:
    """The kiosk's workshops, built-in and stored."""
    return kiosk().library


def _sent_workshop() -> Workshop | tuple:
    """The workshop in the request's body, or the error answer to send instead."""
    kind = BODY_KINDS.get(request.mimetype)
    if kind is None:
        return json_message(
            415,
            N_(
                "send the workshop as YAML (Content-Type: application/yaml) or as JSON "
                "(Content-Type: application/json)"
            ),
        )
    try:
        return read_workshop(request.get_data(cache=False), kind)
    except WorkshopTooLarge as problem:
        return _refusal(413, problem)
    except WorkshopRejected as rejected:
        body = {
            "ok": False,
            "error": rejected.summary,
            "message": {"key": rejected.key, "params": rejected.params},
            "errors": [problem.as_json() for problem in rejected.problems],
        }
        if rejected.draft is not None:
            body["draft"] = rejected.draft
        return jsonify(body), 400


def _summary(workshop: Workshop, builtin: bool, updated_ms: int | None) -> dict:
    return {
        "id": workshop.id,
        "title": workshop.title,
        "language": workshop.language,
        "builtin": builtin,
        "steps": len(workshop.steps),
        "planned_seconds": planned_seconds(workshop.planned_ms),
        "updated_at": iso_utc(updated_ms),
    }


@blueprint.get("/api/workshops")
def list_workshops():
    """Built-in workshops, then stored ones, each by title."""
    workshops = catalog()
    builtin = sorted(workshops.builtin.values(), key=lambda w: (w.title, w.id))
    stored = sorted(workshops.stored(), key=lambda pair: (pair[1].title, pair[1].id))
    return jsonify(
        {
            "workshops": [_summary(w, True, None) for w in builtin]
            + [_summary(w, False, record.updated_ms) for record, w in stored]
        }
    )


@blueprint.post("/api/workshops")
def add_workshop():
    """Store a new workshop.

    :raise 400: not a valid workshop (every problem located). :raise 409: its id is taken,
        or the kiosk holds its most workshops. :raise 413: too large. :raise 415: not YAML/JSON.
    """
    sent = _sent_workshop()
    if not isinstance(sent, Workshop):
        return sent
    try:
        record = catalog().add(sent)
    except (BuiltinWorkshop, WorkshopExists, CatalogFull) as refusal:
        return _refusal(409, refusal)
    location = url_for("workshops.get_workshop", workshop_id=record.id)
    return jsonify(_saved(record)), 201, {"Location": location, "ETag": _etag(record)}


def _saved(record: WorkshopRecord) -> dict:
    """What a save answers: the workshop's id, when it was saved and its new version."""
    return {
        "ok": True,
        "id": record.id,
        "updated_at": iso_utc(record.updated_ms),
        "version": version_of(record),
    }


def _etag(record: WorkshopRecord) -> str:
    """The `ETag` of a stored workshop: its version, quoted (a strong validator)."""
    return f'"{version_of(record)}"'


def _based_on(workshop_id: str) -> str | None:
    """The version a PUT says it replaces (its `If-Match`): None without one, "*" for any.

    A list of versions replaces whichever of them is stored (compared strongly, so a weak
    `W/"..."` one matches nothing and the save is refused).
    """
    header = request.headers.get("If-Match")
    if header is None:
        return None
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if "*" in tags:
        return "*"
    strong = [tag[1:-1] for tag in tags if len(tag) >= 2 and tag[0] == tag[-1] == '"']
    if len(strong) > 1:
        record = catalog().record(workshop_id)
        stored = version_of(record) if record is not None else None
        return stored if stored in strong else strong[0]
    # No strong tag (a weak or malformed one): a version no workshop has.
    return strong[0] if strong else ""


@blueprint.post("/api/workshops/validate")
def validate_workshop():
    """Check a draft against the schema the kiosk runs on; nothing is stored.

    :raise 400: not a valid workshop (every problem located).
    """
    sent = _sent_workshop()
    if not isinstance(sent, Workshop):
        return sent
    return jsonify(
        {
            "ok": True,
            "planned_seconds": planned_seconds(sent.planned_ms),
            "steps": [
                {
                    "planned_seconds": planned_seconds(step.timer_ms),
                    "timed": step.timer_ms is not None,
                }
                for step in sent.steps
            ],
        }
    )


def _found(workshop_id: str) -> tuple[Workshop, bool, WorkshopRecord | None]:
    """(the workshop, whether built-in, its stored record: None for a built-in) for this id.

    :raise 404: no workshop has this id (JSON, through the app's error handler).
    """
    workshops = catalog()
    if workshops.is_builtin(workshop_id):
        return workshops.builtin[workshop_id], True, None
    record = workshops.record(workshop_id)
    if record is None:
        abort(make_response(json_message(404, _NO_SUCH, workshop_id=workshop_id)))
    return workshops.parsed(record), False, record


_NO_SUCH = N_("no workshop has the id '{workshop_id}': GET /api/workshops lists the workshops")


@blueprint.get("/api/workshops/<workshop_id>")
def get_workshop(workshop_id: str):
    """The workshop as JSON: the schema's fields with defaults, `builtin` and `updated_at`.

    :raise 404: no workshop has this id.
    """
    workshop, builtin, record = _found(workshop_id)
    updated_ms = record.updated_ms if record is not None else None
    body = {
        **workshop.model_dump(mode="json"),
        "builtin": builtin,
        "updated_at": iso_utc(updated_ms),
        "version": version_of(record) if record is not None else None,
    }
    return jsonify(body), 200, {"ETag": _etag(record)} if record is not None else {}


@blueprint.get("/api/workshops/<workshop_id>.yaml")
def export_workshop(workshop_id: str):
    """The workshop as a YAML file that `--workshop` and the file loader accept unchanged.

    :raise 404: no workshop has this id.
    """
    workshop = _found(workshop_id)[0]
    return Response(
        workshop_yaml(workshop),
        content_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{workshop.id}.yaml"'},
    )


@blueprint.put("/api/workshops/<workshop_id>")
def replace_workshop(workshop_id: str):
    """Replace a stored workshop with a new version of it.

    With `If-Match: "<version>"` only that version is replaced, never one saved since.

    :raise 400: not a valid workshop, or its id is not the URL's. :raise 404: none stored
        with this id. :raise 409: a built-in workshop. :raise 412: saved again since the
        version named in `If-Match` (the answer gives the stored version).
    """
    if catalog().is_builtin(workshop_id):
        return _refusal(409, BuiltinWorkshop(workshop_id))
    sent = _sent_workshop()
    if not isinstance(sent, Workshop):
        return sent
    if sent.id != workshop_id:
        return json_message(
            400,
            N_(
                "the workshop's id is '{sent_id}' and the address names '{workshop_id}': send it "
                "to /api/workshops/{sent_id}, or POST it to /api/workshops as a new workshop"
            ),
            sent_id=sent.id,
            workshop_id=workshop_id,
        )
    try:
        record = catalog().replace(sent, based_on=_based_on(workshop_id))
    except UnknownWorkshop:
        return json_message(404, _NO_SUCH, workshop_id=workshop_id)
    except WorkshopChanged as changed:
        stored = changed.current
        body = {
            "ok": False,
            "error": str(changed),
            "message": changed.message,
            "version": version_of(stored),
            "updated_at": iso_utc(stored.updated_ms),
        }
        return jsonify(body), 412, {"ETag": _etag(stored)}
    return jsonify(_saved(record)), 200, {"ETag": _etag(record)}


@blueprint.delete("/api/workshops/<workshop_id>")
def delete_workshop(workshop_id: str):
    """Forget a stored workshop; the sessions that ran it keep their copy and report.

    :raise 404: none stored with this id. :raise 409: a built-in workshop.
    """
    try:
        catalog().delete(workshop_id)
    except BuiltinWorkshop as refusal:
        return _refusal(409, refusal)
    except UnknownWorkshop:
        return json_message(404, _NO_SUCH, workshop_id=workshop_id)
    return "", 204


@blueprint.get("/api/workshops/<workshop_id>/history")
def workshop_sessions(workshop_id: str):
    """The sessions that ran this workshop, newest first, with their before/after figures.

    :raise 404: no workshop has this id.
    """
    _found(workshop_id)
    return jsonify({"sessions": workshop_history(kiosk(), workshop_id)})
