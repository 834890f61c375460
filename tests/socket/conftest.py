"""Socket fixtures: a session created through the API and test clients of each role."""

from __future__ import annotations

import pytest

from participant.identity import phone_cookie_name
from tests.conftest import ADMIN_KEY


@pytest.fixture
def socketio(app):
    return app.extensions["socketio"]


@pytest.fixture
def session(app):
    response = app.test_client().post(
        "/api/sessions",
        json={"workshop": "tiny"},
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    )
    assert response.status_code == 201, response.json
    return response.json


class Browsers:
    """Browsers by name, each with its own cookies: a phone is the id its browser was given.

    A browser opens the phone page (`GET /j/<code>`) once, as a person scanning the QR code
    does, and keeps the cookie the kiosk set; the same name is the same phone again.
    """

    def __init__(self, app):
        self.app = app
        self.clients = {}

    def get(self, name: str, code: str, address: str = "127.0.0.1"):
        """The Flask test client of browser `name`, holding a phone id for session `code`."""
        client = self.clients.get(name)
        if client is None:
            client = self.clients[name] = self.app.test_client()
            client.environ_base["REMOTE_ADDR"] = address
        if client.get_cookie(phone_cookie_name(code)) is None:
            page = client.get(f"/j/{code}", follow_redirects=True)
            assert page.status_code == 200, page.text
        return client

    def signed(self, name: str, code: str) -> str:
        """The cookie value (signed phone id) browser `name` holds for session `code`."""
        return self.clients[name].get_cookie(phone_cookie_name(code)).value

    def phone_id(self, name: str, code: str) -> str:
        """The raw phone id inside browser `name`'s cookie for session `code`."""
        with self.app.app_context():
            return self.app.extensions["attune.kiosk"].phone_id(code, self.signed(name, code))


class Role:
    """A connected test client of one namespace, with helpers for events and acks."""

    def __init__(self, socketio, app, namespace, auth, browser=None):
        self.namespace = namespace
        self.client = socketio.test_client(
            app, namespace=namespace, auth=auth, flask_test_client=browser
        )

    @property
    def connected(self) -> bool:
        return self.client.is_connected(self.namespace)

    def received(self, name: str | None = None) -> list:
        """Payloads received since the last call (of one event, or all as (name, payload))."""
        messages = self.client.get_received(self.namespace)
        if name is None:
            return [(m["name"], m["args"][0] if m["args"] else None) for m in messages]
        return [m["args"][0] for m in messages if m["name"] == name]

    def ack(self, event: str, payload=None):
        return self.client.emit(event, payload, namespace=self.namespace, callback=True)

    def command(self, action: str, **fields):
        return self.ack("command", {"action": action, **fields})


@pytest.fixture
def connect(socketio, app):
    def make(namespace: str, auth, browser=None) -> Role:
        return Role(socketio, app, namespace, auth, browser)

    return make


@pytest.fixture
def browsers(app):
    return Browsers(app)


@pytest.fixture
def join(connect, browsers):
    """A phone of session `code` in browser `name` (from `address`); connected or refused."""

    def make(code: str, name: str = "phone-one", address: str = "127.0.0.1") -> Role:
        browser = browsers.get(name, code, address)
        return connect("/participant", {"code": code}, browser=browser)

    return make


@pytest.fixture
def console(connect, session):
    role = connect("/facilitator", {"code": session["code"], "token": session["facilitator_token"]})
    assert role.connected
    return role


@pytest.fixture
def screen(connect, session):
    role = connect("/screen", {"code": session["code"]})
    assert role.connected
    return role


@pytest.fixture
def phone(join, session):
    """A connected phone of `session`; the same name is the same phone (its browser's id)."""

    def make(name: str = "phone-one") -> Role:
        role = join(session["code"], name)
        assert role.connected
        return role

    return make


def english(ack: dict) -> dict:
    """An ack as API clients read it (`ok`, `error` in English...), without its `message`.

    A refusal's `message` ({key, params}, which each page translates) must say what `error`
    says: checked here, then left out, so tests can compare the rest whole.
    """
    rest = {name: value for name, value in ack.items() if name != "message"}
    if ack.get("ok") is False:
        message = ack["message"]
        params = message["params"]
        key = message["key"]
        assert (key.format(**params) if params else key) == ack["error"], ack
    return rest
