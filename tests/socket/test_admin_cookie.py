"""The home's sign-in cookie: a random id the server can revoke, and nothing to forge it with."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from app import create_app
from app import launch_session
from tests.conftest import ADMIN_KEY
from tests.conftest import TINY
from tests.conftest import FakeClock
from workshop.admin import SIGN_IN_MS
from workshop.admin import AdminAccess

COOKIE = "attune_admin"


def kiosk(tmp_path: Path, clock=None, **config):
    """An app on `tmp_path/kiosk.db`; a second call opens the same database (a restart)."""
    settings = {
        "DB": str(tmp_path / "kiosk.db"),
        "ADMIN_KEY": ADMIN_KEY,
        "WORKSHOP": str(TINY),
        "PUBLIC_URL": "http://kiosk.test",
        "CLOCK": clock or FakeClock(),
    }
    settings.update(config)
    return create_app(settings)


def sign_in(client, key=ADMIN_KEY):
    return client.post("/home/login", data={"admin_key": key})


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE).value


def holding(app, value: str):
    """A fresh browser holding a copy of a cookie value."""
    browser = app.test_client()
    browser.set_cookie(COOKIE, value, domain="localhost")
    return browser


def is_admin(client) -> bool:
    """Whether the home page shows the signed-in view (not the admin-key form)."""
    page = client.get("/home").get_data(as_text=True)
    return "Start a session" in page


def bytes_on_disk(db: Path) -> bytes:
    return b"".join(
        Path(f"{db}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{db}{suffix}").exists()
    )


def test_the_cookie_holds_a_random_id_for_twelve_hours(app):
    client = app.test_client()
    response = sign_in(client)
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Strict" in header
    assert f"Max-Age={SIGN_IN_MS // 1000}" in header and SIGN_IN_MS // 1000 == 43200
    value = cookie_of(client)
    assert len(value) == 43 and "." not in value, "an opaque id, not signed claims"
    other = app.test_client()
    sign_in(other)
    assert cookie_of(other) != value, "every sign-in gets its own id"


def test_signing_out_ends_a_copied_cookie_too(app, socketio, session):
    client = app.test_client()
    sign_in(client)
    copied = cookie_of(client)
    export = f"/api/sessions/{session['code']}/export.json"
    assert is_admin(holding(app, copied))
    assert holding(app, copied).get(export).status_code == 200

    client.post("/home/logout")

    assert client.get_cookie(COOKIE) is None and not is_admin(client)
    assert not is_admin(holding(app, copied)), "the copy was revoked on the server"
    assert holding(app, copied).get(export).status_code == 401
    assert holding(app, copied).post("/home/sessions", data={"workshop": "tiny"}).status_code == 401
    console = socketio.test_client(
        app,
        namespace="/facilitator",
        auth={"code": session["code"]},
        flask_test_client=holding(app, copied),
    )
    assert not console.is_connected("/facilitator")


def test_signing_in_again_ends_the_browsers_earlier_sign_in(app):
    client = app.test_client()
    sign_in(client)
    earlier = cookie_of(client)
    sign_in(client)
    assert cookie_of(client) != earlier and is_admin(client)
    assert not is_admin(holding(app, earlier))


def test_a_restart_with_the_same_key_keeps_the_sign_in(tmp_path):
    first = kiosk(tmp_path)
    client = first.test_client()
    sign_in(client)
    copied = cookie_of(client)
    again = kiosk(tmp_path)
    assert is_admin(holding(again, copied))


def test_a_restart_with_a_new_admin_key_ends_every_sign_in(tmp_path):
    first = kiosk(tmp_path, ADMIN_KEY="the-old-admin-key")
    client = first.test_client()
    sign_in(client, "the-old-admin-key")
    copied = cookie_of(client)
    assert is_admin(holding(first, copied))

    restarted = kiosk(tmp_path, ADMIN_KEY="a-brand-new-admin-key")

    assert not is_admin(holding(restarted, copied))
    assert sign_in(restarted.test_client(), "the-old-admin-key").status_code == 401
    fresh = restarted.test_client()
    assert sign_in(fresh, "a-brand-new-admin-key").status_code == 303 and is_admin(fresh)


def test_a_sign_in_ends_after_twelve_hours(tmp_path):
    clock = FakeClock()
    app = kiosk(tmp_path, clock=clock)
    client = app.test_client()
    sign_in(client)
    clock.advance(SIGN_IN_MS - 60_000)
    assert is_admin(client)
    clock.advance(60_000)
    page = client.get("/home")
    text = unescape(page.get_data(as_text=True))
    assert "Admin key" in text and "Your sign-in on this browser has ended" in text
    assert f"{COOKIE}=;" in page.headers["Set-Cookie"], "the dead cookie is dropped"


def test_a_cookie_forged_with_the_stored_cookie_key_is_refused(tmp_path):
    """Earlier versions signed `{"admin": true}` with a key kept in the database."""
    first = kiosk(tmp_path)
    store = first.extensions["attune.store"]
    cookie_key = "0f" * 32
    store.set_meta("cookie_key", cookie_key)
    store.close()
    forger = Flask("forger")
    forger.secret_key = cookie_key
    forged = SecureCookieSessionInterface().get_signing_serializer(forger).dumps({"admin": True})

    app = kiosk(tmp_path)

    assert not is_admin(holding(app, forged))
    assert app.extensions["attune.store"].get_meta("cookie_key") is None


def test_nothing_in_the_database_makes_a_cookie(app, session):
    client = app.test_client()
    sign_in(client)
    store = app.extensions["attune.store"]
    stored = store._db.execute("SELECT id_hash, key_fingerprint FROM sign_ins").fetchall()
    assert len(stored) == 1
    for value in stored[0]:
        assert not is_admin(holding(app, value))
        assert not is_admin(holding(app, value[:43]))
    assert cookie_of(client) not in json.dumps([tuple(row) for row in stored])


def test_requests_without_the_cookie_never_read_sign_ins(app, join, session, console):
    store = app.extensions["attune.store"]
    looked_up = []
    real = store.get_sign_in

    def counting(id_hash):
        looked_up.append(id_hash)
        return real(id_hash)

    store.get_sign_in = counting
    phone = join(session["code"], "phone-one")
    console.command("next")
    assert phone.ack("respond", {"prompt_id": "mood-before", "value": 3})["ok"]
    client = app.test_client()
    client.get(f"/j/{session['code']}")
    client.get("/home")
    assert looked_up == []
    sign_in(client)
    client.get("/home")
    assert len(looked_up) == 1, "one look-up for a request that carries the cookie"


def test_the_bearer_api_takes_the_made_key_and_not_an_old_one(tmp_path):
    app = kiosk(tmp_path, ADMIN_KEY=None)
    admin: AdminAccess = app.extensions["attune.admin"]
    key = admin.make_key_if_none()

    def start(with_key):
        return app.test_client().post(
            "/api/sessions",
            json={"workshop": "tiny"},
            headers={"Authorization": f"Bearer {with_key}"},
        )

    assert start(key).status_code == 201
    new_key = AdminAccess(app.extensions["attune.store"]).make_key()
    assert start(key).status_code == 401 and start(new_key).status_code == 201


def test_a_new_key_made_elsewhere_signs_every_browser_out_at_once(tmp_path):
    app = kiosk(tmp_path, ADMIN_KEY=None)
    key = app.extensions["attune.admin"].make_key_if_none()
    client = app.test_client()
    sign_in(client, key)
    assert is_admin(client)
    AdminAccess(app.extensions["attune.store"]).make_key()
    text = unescape(client.get("/home").get_data(as_text=True))
    assert "Your sign-in on this browser has ended" in text


def test_a_kiosk_without_an_admin_key_says_how_to_make_one(tmp_path):
    app = kiosk(tmp_path, ADMIN_KEY=None)
    client = app.test_client()
    text = unescape(client.get("/home").get_data(as_text=True))
    assert "no admin key yet" in text and "--new-admin-key" in text
    assert sign_in(client, "").status_code in (400, 401)
    assert sign_in(client, "guess").status_code == 401


def test_a_console_opened_by_a_sign_in_is_refused_once_it_has_ended(tmp_path):
    """(The refusal's words are checked over the wire, in tests/process/test_secrets.py.)"""
    clock = FakeClock()
    app = kiosk(tmp_path, clock=clock)
    client = app.test_client()
    sign_in(client)
    started = client.post("/home/sessions", data={"workshop": "tiny"})
    code = started.headers["Location"].split("#")[0].rsplit("/", 1)[1]
    socketio = app.extensions["socketio"]

    def console():
        return socketio.test_client(
            app, namespace="/facilitator", auth={"code": code}, flask_test_client=client
        )

    assert console().is_connected("/facilitator")
    clock.advance(SIGN_IN_MS)
    assert not console().is_connected("/facilitator")


def test_the_launch_session_gets_a_new_console_token_each_start(tmp_path):
    first = kiosk(tmp_path)
    first.config["LAUNCH_WORKSHOP"] = "tiny"
    code, token = launch_session(first)
    first.extensions["attune.store"].close()

    again = kiosk(tmp_path)
    again.config["LAUNCH_WORKSHOP"] = "tiny"
    same_code, new_token = launch_session(again)

    service = again.extensions["attune.kiosk"]
    assert same_code == code and new_token != token
    assert service.check_token(code, token), "a console tab from the last start carries on"
    assert service.check_token(code, new_token)
    assert json.loads(again.extensions["attune.store"].get_meta("launch")) == {"code": code}
    on_disk = bytes_on_disk(tmp_path / "kiosk.db")
    assert token.encode() not in on_disk and new_token.encode() not in on_disk
    quiet_code, no_token = launch_session(again, console_token=False)
    assert quiet_code == code and no_token is None


def test_a_database_of_an_earlier_version_keeps_no_secret_in_clear(tmp_path):
    old = kiosk(tmp_path)
    created = (
        old.test_client()
        .post(
            "/api/sessions",
            json={"workshop": "tiny"},
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        )
        .json
    )
    store = old.extensions["attune.store"]
    legacy_key = "legacy-admin-key-made-long-ago-0123"
    store.set_meta("admin_key", legacy_key)
    store.set_meta("cookie_key", "ab" * 32)
    store.set_meta(
        "launch", json.dumps({"code": created["code"], "token": created["facilitator_token"]})
    )
    store.close()

    app = kiosk(tmp_path, ADMIN_KEY=None)

    on_disk = bytes_on_disk(tmp_path / "kiosk.db")
    for secret in (legacy_key, "ab" * 32, created["facilitator_token"]):
        assert secret.encode() not in on_disk
    assert app.extensions["attune.admin"].found_in_clear == legacy_key, "printed one last time"
    client = app.test_client()
    assert sign_in(client, legacy_key).status_code == 303, "the same key still works"
    service = app.extensions["attune.kiosk"]
    assert service.check_token(created["code"], created["facilitator_token"])
