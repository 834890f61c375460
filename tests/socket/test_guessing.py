"""The guessing brake: misses are slowed, right secrets get in, ended codes admit nobody new.

On a fake monotonic clock, with the default budget (20 misses at once, one more every 3 s).
Every request of a test client comes from 127.0.0.1, one address: a room behind a NAT.
"""

import pytest

from app import create_app
from tests.conftest import ADMIN_KEY
from tests.conftest import TINY
from tests.socket.conftest import Role
from transport.guessing import PASS_COOKIE_PREFIX

WRONG = [f"WRNG{a}{b}" for a in "23456789" for b in "ABC"]  # 24 codes no session has


class Seconds:
    """A monotonic clock in seconds that the test moves."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def seconds():
    return Seconds()


@pytest.fixture
def app(tmp_path, clock, seconds):
    return create_app(
        {
            "DB": str(tmp_path / "kiosk.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "WORKSHOP": str(TINY),
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": clock,
            "GUESS_CLOCK": seconds,
        }
    )


class FromLoopback(Role):
    """A namespace client whose requests come from 127.0.0.1, like the HTTP test client's."""

    def __init__(self, socketio, app, namespace, auth):
        self.namespace = namespace
        self.client = socketio.test_client(
            app, namespace=namespace, auth=auth, flask_test_client=app.test_client()
        )


@pytest.fixture
def connect(socketio, app):
    return lambda namespace, auth: FromLoopback(socketio, app, namespace, auth)


def guess_wrong_codes(app, times=25, path="/j/{code}"):
    """`times` wrong codes from this address (a client without any pass); their statuses."""
    client = app.test_client()
    return [client.get(path.format(code=WRONG[i % len(WRONG)])).status_code for i in range(times)]


def test_wrong_codes_are_refused_without_a_check_once_the_budget_is_spent(app, session):
    statuses = guess_wrong_codes(app)
    assert statuses == [404] * 20 + [429] * 5
    refused = app.test_client().get(f"/j/{WRONG[0]}")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3"
    assert "Too many wrong join codes were tried from your network just now" in page
    assert "tries again by itself in 3 seconds" in page
    assert '<meta http-equiv="refresh" content="3">' in page


def test_a_newcomer_with_the_right_code_gets_in_as_soon_as_the_budget_has_room(
    app, session, seconds
):
    guess_wrong_codes(app)
    newcomer = app.test_client()
    # Not checked yet: answering "right" now would tell a guesser at full speed.
    assert newcomer.get(f"/j/{session['code']}").status_code == 429
    seconds.now += 3
    let_in = newcomer.get(f"/j/{session['code']}")
    assert let_in.status_code == 200
    (granted,) = [
        c for c in let_in.headers.getlist("Set-Cookie") if c.startswith(PASS_COOKIE_PREFIX)
    ]
    assert granted.startswith(f"{PASS_COOKIE_PREFIX}{session['code']}=")
    assert "HttpOnly" in granted and "SameSite=Lax" in granted
    # The right code cost nothing: another newcomer is checked too, and so is one wrong code.
    assert app.test_client().get(f"/?code={session['code'].lower()}").status_code == 302
    assert app.test_client().get(f"/j/{WRONG[0]}").status_code == 404
    assert app.test_client().get(f"/j/{session['code']}").status_code == 429


def test_a_browser_that_was_let_in_is_never_slowed(app, session, socketio):
    code = session["code"]
    phone = app.test_client()
    assert phone.get(f"/j/{code}").status_code == 200  # earns the pass
    guess_wrong_codes(app, 40)
    for path in (f"/j/{code}", f"/j/{code.lower()}", f"/qr/{code}.svg", f"/s/{code}"):
        assert phone.get(path).status_code in (200, 302), path
    assert phone.get(f"/f/{code}").status_code == 200
    assert phone.get(f"/f/{code}/report").status_code == 200
    assert phone.get(f"/?code={code}").status_code == 302
    for namespace, auth in (
        ("/participant", {"code": code, "pid": "passed-phone-0123456789"}),
        ("/screen", {"code": code}),
    ):
        client = socketio.test_client(app, namespace=namespace, auth=auth, flask_test_client=phone)
        assert client.is_connected(namespace), namespace
    # Without the pass (or with a made-up one) the same right code waits its turn.
    forged = app.test_client()
    forged.set_cookie(PASS_COOKIE_PREFIX + code, "0" * 32)
    assert forged.get(f"/j/{code}").status_code == 429
    refused = socketio.test_client(
        app,
        namespace="/participant",
        auth={"code": code, "pid": "forged-phone-012345678"},
        flask_test_client=forged,
    )
    assert not refused.is_connected("/participant")


def test_a_pass_opens_only_its_own_session(app, session):
    other = app.test_client().post(
        "/api/sessions", json={"workshop": "tiny"}, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    )
    phone = app.test_client()
    phone.get(f"/j/{session['code']}")
    guess_wrong_codes(app)
    assert phone.get(f"/j/{other.json['code']}").status_code == 429


def test_the_console_token_and_the_admin_key_are_let_in_after_wrong_codes(app, session, connect):
    guess_wrong_codes(app)
    console = connect(
        "/facilitator", {"code": session["code"], "token": session["facilitator_token"]}
    )
    assert console.connected
    signed_in = app.test_client().post("/home/login", data={"admin_key": ADMIN_KEY})
    assert signed_in.status_code == 303
    started = app.test_client().post(
        "/api/sessions", json={"workshop": "tiny"}, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    )
    assert started.status_code == 201


def test_wrong_console_tokens_are_slowed_and_a_valid_one_always_gets_in(app, session, connect):
    code, token = session["code"], session["facilitator_token"]
    for i in range(25):
        assert not connect("/facilitator", {"code": code, "token": f"wrong-{i}"}).connected
    assert connect("/facilitator", {"code": code, "token": token}).connected
    client = app.test_client()
    url = f"/api/sessions/{code}/export.json"
    refused = client.get(url, headers={"Authorization": "Bearer still-wrong"})
    # Checked anyway (192 random bits), so each wrong one counts and the wait grows.
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 3
    assert "Too many wrong console links" in refused.json["error"]
    assert client.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    # Console links and join codes have budgets of their own.
    assert client.get(f"/j/{code}").status_code == 200


def test_wrong_admin_keys_are_slowed_on_the_api_and_the_home(app, seconds):
    client = app.test_client()
    statuses = [
        client.post(
            "/api/sessions", json={"workshop": "tiny"}, headers={"Authorization": f"Bearer k{i}"}
        ).status_code
        for i in range(25)
    ]
    assert statuses == [401] * 20 + [429] * 5
    api = client.post(
        "/api/sessions", json={"workshop": "tiny"}, headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    )
    assert api.status_code == 429 and "Too many wrong admin keys" in api.json["error"]
    home = client.post("/home/login", data={"admin_key": ADMIN_KEY})
    assert home.status_code == 429 and home.headers["Retry-After"] == "3"
    assert "Too many wrong admin keys were tried" in home.get_data(as_text=True)
    seconds.now += 3
    assert client.post("/home/login", data={"admin_key": ADMIN_KEY}).status_code == 303
    # No key at all guesses nothing (a browser without the home's cookie, which would do).
    assert app.test_client().post("/api/sessions", json={"workshop": "tiny"}).status_code == 401


@pytest.mark.parametrize(
    "path",
    ["/s/{code}", "/f/{code}", "/f/{code}/report", "/j/{code}", "/qr/{code}.svg", "/?code={code}"],
)
def test_unknown_codes_count_as_misses_on_every_page(app, session, path):
    assert guess_wrong_codes(app, 20, path)[0] == 404
    assert app.test_client().get(path.format(code=WRONG[0])).status_code == 429
    assert app.test_client().get(f"/j/{session['code']}").status_code == 429


def test_unknown_codes_with_a_token_count_on_the_exports(app, session):
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {session['facilitator_token']}"}
    for i in range(20):
        for path in ("export.json", "export.csv"):
            assert client.get(f"/api/sessions/{WRONG[i]}/{path}", headers=bearer).status_code in (
                401,
                429,
            )
    assert client.get(f"/api/sessions/{WRONG[0]}/export.csv", headers=bearer).status_code == 429


def test_an_ended_sessions_code_admits_no_new_phone_or_screen(app, session, console, connect):
    code = session["code"]
    assert console.command("end")["ok"]
    client = app.test_client()
    page = client.get(f"/j/{code}")
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "This session has ended" in text and "phone.js" not in text
    assert "Set-Cookie" not in page.headers
    assert client.get(f"/?code={code}").status_code == 410
    assert client.get(f"/s/{code}").status_code == 410
    assert not connect("/participant", {"code": code, "pid": "late-phone-0123456789"}).connected
    assert not connect("/screen", {"code": code}).connected
    # The facilitator keeps the console, the report and the exports of an ended session.
    assert connect("/facilitator", {"code": code, "token": session["facilitator_token"]}).connected
    assert client.get(f"/f/{code}").status_code == 200
    assert client.get(f"/f/{code}/report").status_code == 200
    bearer = {"Authorization": f"Bearer {session['facilitator_token']}"}
    assert client.get(f"/api/sessions/{code}/report.json", headers=bearer).status_code == 200
    # And a browser signed in on the home may still put its screen up.
    client.post("/home/login", data={"admin_key": ADMIN_KEY})
    assert client.get(f"/s/{code}").status_code == 200


def test_an_ended_code_is_not_a_miss(app, session, console):
    assert console.command("end")["ok"]
    client = app.test_client()
    assert [client.get(f"/j/{session['code']}").status_code for _ in range(30)] == [410] * 30
    assert client.get(f"/j/{WRONG[0]}").status_code == 404
