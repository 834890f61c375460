"""The facilitator home: admin key once, a session in one click, consoles without tokens."""

from html import unescape

import pytest

from tests.conftest import ADMIN_KEY
from workshop.messages import MAX_RETENTION_DAYS


def sign_in(client, key=ADMIN_KEY, headers=None):
    return client.post("/home/login", data={"admin_key": key}, headers=headers or {})


def test_home_asks_for_the_admin_key_once(app):
    client = app.test_client()
    page = client.get("/home")
    assert page.status_code == 200 and "Admin key" in page.get_data(as_text=True)
    wrong = sign_in(client, "nope")
    assert wrong.status_code == 401 and "not the admin key" in wrong.get_data(as_text=True)
    right = sign_in(client)
    assert right.status_code == 303
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    listing = client.get("/home").get_data(as_text=True)
    assert "Tiny test workshop" in listing and "Calm and Connect" in listing
    assert "10 steps" in listing


def test_one_click_starts_a_session_and_opens_its_console(app):
    client = app.test_client()
    sign_in(client)
    started = client.post("/home/sessions", data={"workshop": "tiny", "retention_days": "7"})
    assert started.status_code == 303
    location = started.headers["Location"]
    path, _, token = location.partition("#")
    code = path.rsplit("/", 1)[1]
    assert path == f"/f/{code}" and len(token) >= 22
    assert app.extensions["attune.kiosk"].check_token(code, token)
    assert app.extensions["attune.kiosk"].record(code).retention_days == 7
    assert code in client.get("/home").get_data(as_text=True)


def test_starting_needs_the_admin_and_a_real_workshop(app):
    client = app.test_client()
    assert client.post("/home/sessions", data={"workshop": "tiny"}).status_code == 401
    sign_in(client)
    assert client.post("/home/sessions", data={"workshop": "nope"}).status_code == 400
    assert (
        client.post("/home/sessions", data={"workshop": "tiny", "retention_days": "x"}).status_code
        == 400
    )


# What browsers and programs send with a form post of the home page. Chromium, Firefox and
# Safari 16.4+ send Fetch Metadata; under `Referrer-Policy: no-referrer` their Origin is `null`.
FROM_OUR_PAGES = [
    pytest.param({"Sec-Fetch-Site": "same-origin", "Origin": "null"}, id="browser-no-referrer"),
    pytest.param(
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}, id="browser-same-origin"
    ),
    pytest.param({"Sec-Fetch-Site": "same-origin"}, id="browser-no-origin"),
    pytest.param({"Origin": "http://localhost"}, id="old-browser-own-origin"),
    pytest.param({"Origin": "http://kiosk.test"}, id="old-browser-public-url"),
    pytest.param({}, id="curl"),
]
FROM_ELSEWHERE = [
    pytest.param(
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}, id="cross-site"
    ),
    pytest.param({"Sec-Fetch-Site": "cross-site", "Origin": "null"}, id="cross-site-null"),
    pytest.param(
        {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:9999"}, id="same-site"
    ),
    pytest.param({"Sec-Fetch-Site": "none"}, id="no-initiator"),
    pytest.param({"Sec-Fetch-Site": "none", "Origin": "http://localhost"}, id="no-initiator-own"),
    pytest.param({"Origin": "http://evil.example"}, id="old-browser-cross-site"),
    pytest.param({"Origin": "https://localhost"}, id="old-browser-other-scheme"),
    pytest.param({"Origin": "http://localhost:9999"}, id="old-browser-other-port"),
    pytest.param({"Origin": "null"}, id="old-browser-opaque-origin"),
]


@pytest.mark.parametrize("headers", FROM_OUR_PAGES)
def test_form_posts_from_the_kiosks_own_pages_are_accepted(app, headers):
    client = app.test_client()
    assert sign_in(client, headers=headers).status_code == 303
    started = client.post("/home/sessions", data={"workshop": "tiny"}, headers=headers)
    assert started.status_code == 303 and started.headers["Location"].startswith("/f/")
    assert client.post("/home/logout", headers=headers).status_code == 303
    assert "Admin key" in client.get("/home").get_data(as_text=True)


@pytest.mark.parametrize("headers", FROM_ELSEWHERE)
def test_form_posts_from_elsewhere_are_refused_in_words(app, headers):
    client = app.test_client()
    refused = sign_in(client, headers=headers)
    assert refused.status_code == 403
    assert "can only be sent from the kiosk's own pages" in unescape(refused.get_data(as_text=True))
    assert "Admin key" in client.get("/home").get_data(as_text=True), "not signed in"
    sign_in(client)
    before = len(app.extensions["attune.kiosk"].sessions())
    started = client.post("/home/sessions", data={"workshop": "tiny"}, headers=headers)
    assert started.status_code == 403
    assert len(app.extensions["attune.kiosk"].sessions()) == before, "no session started"
    assert client.post("/home/logout", headers=headers).status_code == 403
    assert "Workshops" in client.get("/home").get_data(as_text=True), "still signed in"


def test_the_home_lets_its_form_posts_carry_its_origin(app):
    """Browsers without Fetch Metadata then send the real origin, not `null`."""
    client = app.test_client()
    assert client.get("/home").headers["Referrer-Policy"] == "same-origin"
    assert sign_in(client, "nope").headers["Referrer-Policy"] == "same-origin"
    assert client.get("/").headers["Referrer-Policy"] == "no-referrer"


def test_a_signed_in_browser_opens_any_console_and_export_without_token(app, socketio, session):
    client = app.test_client()
    stranger = socketio.test_client(
        app,
        namespace="/facilitator",
        auth={"code": session["code"], "token": ""},
        flask_test_client=client,
    )
    assert not stranger.is_connected("/facilitator")
    assert client.get(f"/api/sessions/{session['code']}/export.json").status_code == 401
    sign_in(client)
    admin = socketio.test_client(
        app, namespace="/facilitator", auth={"code": session["code"]}, flask_test_client=client
    )
    assert admin.is_connected("/facilitator")
    assert client.get(f"/api/sessions/{session['code']}/export.json").status_code == 200
    unknown = socketio.test_client(
        app, namespace="/facilitator", auth={"code": "NOPE22"}, flask_test_client=client
    )
    assert not unknown.is_connected("/facilitator")
    client.post("/home/logout")
    assert client.get(f"/api/sessions/{session['code']}/export.json").status_code == 401


@pytest.mark.parametrize(
    "typed, words",
    [
        ("x", "Retention is a whole number of days."),
        ("3651", "Retention is between 0 and 3650 days."),
        ("-1", "Retention is between 0 and 3650 days."),
    ],
)
def test_a_retention_out_of_bounds_is_refused_in_words(app, typed, words):
    client = app.test_client()
    sign_in(client)
    refused = client.post("/home/sessions", data={"workshop": "tiny", "retention_days": typed})
    assert refused.status_code == 400
    assert words in refused.get_data(as_text=True)
    assert app.extensions["attune.kiosk"].sessions() == []


def test_the_retention_field_asks_for_what_the_kiosk_takes(app):
    client = app.test_client()
    sign_in(client)
    page = client.get("/home").get_data(as_text=True)
    assert f'min="0" max="{MAX_RETENTION_DAYS}"' in page
