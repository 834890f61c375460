"""The real process: refusals over the wire, and nothing acked lost to `kill -9`."""

import pytest
import requests
import socketio

from harness.live import ADMIN_KEY
from harness.live import SocketClient as Client
from harness.live import phone_cookie


def refusal(url: str, namespace: str, auth, headers: dict | None = None) -> str:
    """The `connect_error` message a refused client receives."""
    client = socketio.Client(reconnection=False)
    messages = []

    @client.on("connect_error", namespace=namespace)
    def on_error(data):
        messages.append(data.get("message") if isinstance(data, dict) else str(data))

    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            url,
            namespaces=[namespace],
            auth=auth,
            headers=headers or {},
            transports=["websocket"],
            wait_timeout=5,
        )
    client.disconnect()
    assert messages, "no connect_error message arrived"
    return messages[0]


def test_refused_connections_say_why(live):
    session = live.create_session("tiny")
    cookie = {"Cookie": phone_cookie(live.url, session["code"])}
    assert "unknown join code" in refusal(live.url, "/participant", {"code": "NOPE22"}, cookie)
    assert "pid" in refusal(
        live.url, "/participant", {"code": session["code"], "pid": "short"}, cookie
    )
    assert "reload the page" in refusal(live.url, "/participant", {"code": session["code"]})
    assert "console link is not valid" in refusal(
        live.url, "/facilitator", {"code": session["code"], "token": "guess"}
    )
    assert "unknown session code" in refusal(live.url, "/screen", {"code": "NOPE22"})


def test_api_errors_are_json_with_a_next_step(live):
    url = f"{live.url}/api/sessions"
    missing = requests.post(url, json={"workshop": "tiny"}, timeout=5)
    assert missing.status_code == 401 and "admin key" in missing.json()["error"]
    wrong = requests.post(
        url, json={"workshop": "tiny"}, headers={"Authorization": "Bearer nope"}, timeout=5
    )
    assert wrong.status_code == 401
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    unknown = requests.post(url, json={"workshop": "nope"}, headers=headers, timeout=5)
    assert unknown.status_code == 400 and "known: " in unknown.json()["error"]
    for body in ("not json", [], {"workshop": 5}, {"workshop": "tiny", "x": 1}):
        bad = (
            requests.post(url, json=body, headers=headers, timeout=5)
            if not isinstance(body, str)
            else requests.post(url, data=body, headers=headers, timeout=5)
        )
        assert bad.status_code == 400 and bad.json()["ok"] is False
    created = requests.post(url, json={"workshop": "tiny"}, headers=headers, timeout=5)
    assert created.status_code == 201
    body = created.json()
    assert len(body["code"]) == 6 and not set(body["code"]) & set("01OIL")
    assert len(body["facilitator_token"]) >= 22  # >= 128 bits in URL-safe base64
    assert body["console_url"].endswith(f"/f/{body['code']}#{body['facilitator_token']}")
    assert "?" not in body["console_url"]


def test_kill_9_loses_nothing_that_was_acked(live):
    session = live.create_session("tiny")
    code = session["code"]
    console = Client(
        live.url, "/facilitator", {"code": code, "token": session["facilitator_token"]}
    )
    phones = [Client.phone(live.url, code) for _ in range(3)]
    assert console.call("command", {"action": "next"})["ok"]
    acked = []
    for i, phone in enumerate(phones):
        ack = phone.call("respond", {"prompt_id": "mood-before", "value": i + 2})
        assert ack["ok"]
        acked.append(ack["value"])
    assert console.call("command", {"action": "goto", "index": 3})["ok"]
    started = console.call("command", {"action": "timer_start"})
    assert started["ok"]
    ends_at = console.wait_state(lambda s: s["step"]["timer"]["running"])["step"]["timer"][
        "ends_at_ms"
    ]

    seen_before_kill = {id(c): len(c.states) for c in [console, *phones]}
    live.kill()
    live.start()

    # Every client reconnects by itself and gets the same step with the same deadline.
    for client in [console, *phones]:
        client.wait_state(
            lambda s, c=client: (
                len(c.states) > seen_before_kill[id(c)] and c.namespace in c.sio.namespaces
            )
        )
        state = client.current
        assert state["step"]["index"] == 3
        assert state["step"]["timer"]["running"] and state["step"]["timer"]["ends_at_ms"] == ends_at
        assert state["step"]["timer"]["remaining_ms"] <= 30_000
    # The acked answers are all there after the restart.
    assert console.call("command", {"action": "goto", "index": 1})["ok"]
    state = console.wait_state(lambda s: s["step"]["index"] == 1 and s["results"] is not None)
    assert state["results"]["count"] == 3
    assert (
        sorted(v for b in state["results"]["histogram"] for v in [b["value"]] * b["count"]) == acked
    )
    for client in [console, *phones]:
        client.close()


def test_sigterm_tells_clients_and_stops_cleanly(live):
    session = live.create_session("tiny")
    notices = []
    phone = Client.phone(live.url, session["code"])
    phone.sio.on("notice", notices.append, namespace="/participant")
    assert live.stop() == 0
    assert "the session is saved" in live.log.read_text()
    assert notices and notices[0]["kind"] == "restarting"
    phone.close()
    # The store was closed properly: its WAL was checkpointed into the main file.
    wal = live.db.with_name(live.db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
