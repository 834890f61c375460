"""Socket fixtures: a session created through the API and test clients of each role."""

from __future__ import annotations

import pytest

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


class Role:
    """A connected test client of one namespace, with helpers for events and acks."""

    def __init__(self, socketio, app, namespace, auth):
        self.namespace = namespace
        self.client = socketio.test_client(app, namespace=namespace, auth=auth)

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
    def make(namespace: str, auth) -> Role:
        return Role(socketio, app, namespace, auth)

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
def phone(connect, session):
    def make(pid: str = "phone-one-0123456789") -> Role:
        role = connect("/participant", {"code": session["code"], "pid": pid})
        assert role.connected
        return role

    return make
