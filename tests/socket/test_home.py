"""The facilitator home: admin key once, a session in one click, consoles without tokens."""

from tests.conftest import ADMIN_KEY


def sign_in(client, key=ADMIN_KEY):
    return client.post("/home/login", data={"admin_key": key})


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


def test_cross_site_posts_are_refused(app):
    client = app.test_client()
    sign_in(client)
    evil = client.post(
        "/home/sessions", data={"workshop": "tiny"}, headers={"Origin": "http://evil.example"}
    )
    assert evil.status_code == 403


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
