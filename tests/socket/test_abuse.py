"""Floods, caps and guessing: clear errors, and the session and its data stay intact."""

import pytest

from app import create_app
from tests.conftest import ADMIN_KEY
from tests.conftest import TINY
from tests.socket.conftest import Browsers


def test_a_flood_of_answers_gets_error_acks_and_others_are_not_slowed(console, phone, app, session):
    flooder, neighbour = phone("flooder"), phone("neighbour")
    console.command("next")
    acks = [
        flooder.ack("respond", {"prompt_id": "mood-before", "value": 1 + i % 5}) for i in range(60)
    ]
    refused = [a for a in acks if not a["ok"]]
    assert refused and all("too many messages" in a["error"] for a in refused)
    assert sum(a["ok"] for a in acks) <= 25
    assert neighbour.ack("respond", {"prompt_id": "mood-before", "value": 3})["ok"]
    stored = app.extensions["attune.store"].answers(session["code"])
    assert len(stored) == 2, "one answer per phone, whatever the flood"


def test_a_flood_of_commands_is_limited_too(console):
    acks = [console.command("timer_add", seconds=1) for _ in range(80)]
    assert any(not a["ok"] and "too many" in a["error"] for a in acks)


def test_the_participant_cap_refuses_new_phones_but_not_returning_ones(tmp_path, clock):
    app = create_app(
        {
            "DB": str(tmp_path / "cap.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "WORKSHOP": str(TINY),
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": clock,
            "MAX_PARTICIPANTS": 2,
        }
    )
    code = (
        app.test_client()
        .post(
            "/api/sessions",
            json={"workshop": "tiny"},
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        )
        .json["code"]
    )
    socketio = app.extensions["socketio"]
    browsers = Browsers(app)

    def join(name):
        return socketio.test_client(
            app,
            namespace="/participant",
            auth={"code": code},
            flask_test_client=browsers.get(name, code),
        )

    first, second = join("first"), join("second")
    assert first.is_connected("/participant") and second.is_connected("/participant")
    assert not join("third").is_connected("/participant")
    assert join("first").is_connected("/participant"), "a second tab is fine"


@pytest.mark.parametrize("host", ["evil.example", "attacker.test:8000", "10.9.9.9"])
def test_requests_for_foreign_host_names_are_refused(app, host):
    response = app.test_client().get("/healthz", headers={"Host": host})
    assert response.status_code == 421
    assert "KIOSK_ALLOWED_HOSTS" in response.json["error"]


def test_own_host_names_are_served(app):
    for host in ("localhost:8000", "127.0.0.1", "kiosk.test"):
        assert app.test_client().get("/healthz", headers={"Host": host}).status_code == 200


def test_scripts_and_styles_carry_only_the_headers_that_apply_to_them(app):
    """A page's policy means nothing on a script: only `nosniff` goes with each file."""
    for path in ("/static/js/phone.js", "/static/css/attune.css", "/vendor/socket.io.esm.min.js"):
        response = app.test_client().get(path)
        assert response.status_code == 200, path
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        for document_only in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "Referrer-Policy",
            "Permissions-Policy",
            "Content-Disposition",
        ):
            assert document_only not in headers, (path, document_only)
    # An SVG can be opened as a document and run script: it keeps the policy.
    svg = app.test_client().get("/static/favicon.svg").headers
    assert "frame-ancestors 'none'" in svg["Content-Security-Policy"]


def test_pages_carry_the_security_headers(app, session):
    for path in ("/", f"/j/{session['code']}", f"/s/{session['code']}", "/healthz"):
        headers = app.test_client().get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
