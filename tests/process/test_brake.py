"""The guessing brake and forwarded headers against the real server (`python app.py`).

Real HTTP and real Socket.IO clients, all from 127.0.0.1: one address, as a room behind a
venue's NAT or a proxy is. The brake runs with its defaults: 20 misses at once, then one more
every 3 seconds.
"""

from __future__ import annotations

import json
import time

import pytest
import requests
import socketio
import websocket

from harness.live import ADMIN_KEY
from harness.live import LiveServer
from tests.conftest import TINY
from transport.guessing import PASS_COOKIE_PREFIX

WRONG = [f"WRNG{a}{b}" for a in "23456789" for b in "ABCD"]  # 32 codes no session has
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
# What a browser sends with the home's own form post.
FORM_POST = {"Sec-Fetch-Site": "same-origin"}


def start(tmp_path, name, **env) -> LiveServer:
    return LiveServer(tmp_path / f"{name}.db", workshop=TINY, env=env).start()


def try_connect(url, namespace, auth, headers=None) -> dict | None:
    """Open one Socket.IO namespace over a real websocket: None when let in, else the refusal.

    Spoken at the wire (Engine.IO 4 / Socket.IO 5 text packets) rather than through
    python-socketio's client, whose close waits 3 s for each refused connection.
    """
    ws = websocket.create_connection(
        url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket",
        header=[f"{name}: {value}" for name, value in (headers or {}).items()],
        timeout=10,
    )
    try:
        assert ws.recv().startswith("0{"), "the Engine.IO open packet"
        ws.send(f"40{namespace},{json.dumps(auth)}")
        while True:
            packet = ws.recv()
            if packet == "2":  # a ping
                ws.send("3")
            elif packet.startswith(f"40{namespace},"):
                return None
            elif packet.startswith(f"44{namespace},"):
                return json.loads(packet[len(f"44{namespace},") :])
    finally:
        ws.close(timeout=0)


def cookies_of(browser: requests.Session) -> dict:
    """A `Cookie` header with everything the kiosk's pages gave this client."""
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in browser.cookies.items())}


def guess(url, times=25, headers=None) -> list[int]:
    """`times` wrong join codes on the phone page, each from a fresh client; their statuses."""
    return [
        requests.get(f"{url}/j/{WRONG[i % len(WRONG)]}", headers=headers, timeout=10).status_code
        for i in range(times)
    ]


@pytest.fixture
def kiosk(tmp_path):
    # One more wrong code forgiven every 30 s: the budget stays spent through a whole test.
    server = start(tmp_path, "brake", KIOSK_GUESS_WINDOW="600")
    yield server
    server.kill()


def test_after_25_wrong_codes_every_right_secret_still_gets_in(kiosk):
    session = kiosk.create_session("tiny")
    code, token = session["code"], session["facilitator_token"]
    room = requests.Session()  # a phone that opened the join link before the guessing began
    assert room.get(f"{kiosk.url}/j/{code}", timeout=10).status_code == 200
    assert PASS_COOKIE_PREFIX + code in room.cookies

    assert guess(kiosk.url) == [404] * 20 + [429] * 5
    refused = requests.get(f"{kiosk.url}/j/{WRONG[0]}", timeout=10)
    assert refused.status_code == 429 and 25 <= int(refused.headers["Retry-After"]) <= 30
    assert "Too many wrong join codes were tried from your network just now" in refused.text

    # Every page and namespace of the session, right away, for the browser that was let in.
    for path in (f"/j/{code}", f"/qr/{code}.svg", f"/s/{code}", f"/f/{code}", f"/f/{code}/report"):
        assert room.get(f"{kiosk.url}{path}", timeout=10).status_code == 200, path
    typed = room.get(f"{kiosk.url}/?code={code.lower()}", allow_redirects=False, timeout=10)
    assert typed.status_code == 302
    # Its handshakes carry what the page gave it: the pass, and the phone's id.
    with_pass = cookies_of(room)
    assert try_connect(kiosk.url, "/participant", {"code": code}, with_pass) is None
    assert try_connect(kiosk.url, "/screen", {"code": code}, with_pass) is None
    # The console's token and the admin key have budgets of their own: let in at once.
    assert try_connect(kiosk.url, "/facilitator", {"code": code, "token": token}) is None
    signed_in = requests.post(
        f"{kiosk.url}/home/login",
        data={"admin_key": ADMIN_KEY},
        headers=FORM_POST,
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 303
    started = requests.post(
        f"{kiosk.url}/api/sessions", json={"workshop": "tiny"}, headers=ADMIN, timeout=10
    )
    assert started.status_code == 201

    # All of that while the budget was spent: a newcomer's right code still waits its turn.
    assert requests.get(f"{kiosk.url}/j/{code}", timeout=10).status_code == 429


def test_a_newcomer_with_the_right_code_gets_in_once_the_budget_has_room(tmp_path):
    kiosk = start(tmp_path, "newcomer")
    try:
        code = kiosk.create_session("tiny")["code"]
        assert guess(kiosk.url) == [404] * 20 + [429] * 5
        # Not checked while the budget is spent (saying "right" would tell a guesser at full
        # speed); refused in words, with when to try again.
        guess(kiosk.url, 1)
        refusal = try_connect(kiosk.url, "/participant", {"code": code})
        assert (
            refusal["message"] == "Too many wrong join codes were tried from your network just now"
        )
        assert 1000 <= refusal["data"]["retry_after_ms"] <= 3000
        guess(kiosk.url, 1)
        newcomer = requests.Session()
        page = newcomer.get(f"{kiosk.url}/j/{code}", timeout=10)
        assert page.status_code == 429 and "tries again by itself" in page.text
        # With no more wrong codes, the next try gets in: no minute-long lockout.
        time.sleep(int(page.headers["Retry-After"]))
        assert try_connect(kiosk.url, "/screen", {"code": code}) is None
        assert newcomer.get(f"{kiosk.url}/j/{code}", timeout=10).status_code == 200
        assert try_connect(kiosk.url, "/participant", {"code": code}, cookies_of(newcomer)) is None
    finally:
        kiosk.kill()


def test_wrong_admin_keys_and_console_links_are_slowed(kiosk):
    session = kiosk.create_session("tiny")
    statuses = [
        requests.post(
            f"{kiosk.url}/api/sessions",
            json={"workshop": "tiny"},
            headers={"Authorization": f"Bearer wrong-key-{i}"},
            timeout=10,
        ).status_code
        for i in range(25)
    ]
    assert statuses == [401] * 20 + [429] * 5
    refused = requests.post(
        f"{kiosk.url}/home/login", data={"admin_key": "wrong"}, headers=FORM_POST, timeout=10
    )
    assert refused.status_code == 429
    assert "Too many wrong admin keys were tried from your network just now" in refused.text

    code, token = session["code"], session["facilitator_token"]
    for i in range(20):
        refusal = try_connect(kiosk.url, "/facilitator", {"code": code, "token": f"wrong{i}"})
        assert "not valid" in refusal["message"]
    refusal = try_connect(kiosk.url, "/facilitator", {"code": code, "token": "wrong-again"})
    assert refusal["message"].startswith("Too many wrong console links")
    assert try_connect(kiosk.url, "/facilitator", {"code": code, "token": token}) is None


@pytest.fixture
def behind_a_proxy(tmp_path):
    """A kiosk that trusts this machine as its proxy: X-Forwarded-For tells clients apart."""
    server = start(tmp_path, "proxied", KIOSK_TRUSTED_PROXIES="1")
    yield server
    server.kill()


UNKNOWN_CODE_PAGES = ["/s/{code}", "/f/{code}", "/f/{code}/report", "/j/{code}", "/qr/{code}.svg"]


def test_unknown_codes_count_as_misses_on_every_endpoint(behind_a_proxy):
    kiosk = behind_a_proxy
    session = kiosk.create_session("tiny")
    right = session["code"]
    for n, path in enumerate(UNKNOWN_CODE_PAGES):
        client = {"X-Forwarded-For": f"198.51.100.{n + 1}"}
        statuses = [
            requests.get(
                kiosk.url + path.format(code=WRONG[i]), headers=client, timeout=10
            ).status_code
            for i in range(21)
        ]
        assert statuses == [404] * 20 + [429], path
        assert requests.get(f"{kiosk.url}/j/{right}", headers=client, timeout=10).status_code == 429

    # Unknown codes on the exports count, with a token (the answer is the same 401 as for a
    # wrong token: the exports tell no code apart).
    for n, path in enumerate(("export.json", "export.csv")):
        client = {"X-Forwarded-For": f"198.51.100.{50 + n}", "Authorization": "Bearer some-token"}
        statuses = [
            requests.get(
                f"{kiosk.url}/api/sessions/{WRONG[i]}/{path}", headers=client, timeout=10
            ).status_code
            for i in range(21)
        ]
        assert statuses == [401] * 20 + [429], path

    # And on the sockets: wrong codes on the phone's namespace slow the screen's too.
    client = {"X-Forwarded-For": "198.51.100.60"}
    for i in range(20):
        refusal = try_connect(kiosk.url, "/participant", {"code": WRONG[i]}, client)
        assert refusal["message"].startswith("unknown join code")
    refusal = try_connect(kiosk.url, "/screen", {"code": right}, client)
    assert refusal["data"]["retry_after_ms"] >= 1000
    # Another client behind the same proxy was never slowed.
    other = {"X-Forwarded-For": "198.51.100.61"}
    assert try_connect(kiosk.url, "/screen", {"code": right}, other) is None


def test_an_ended_sessions_code_refuses_a_new_phone(kiosk):
    session = kiosk.create_session("tiny")
    code, token = session["code"], session["facilitator_token"]
    console = socketio.Client(reconnection=False)
    console.connect(
        kiosk.url, namespaces=["/facilitator"], auth={"code": code, "token": token}, wait_timeout=10
    )
    assert console.call("command", {"action": "end"}, namespace="/facilitator", timeout=10)["ok"]
    console.disconnect()

    refusal = try_connect(kiosk.url, "/participant", {"code": code})
    assert refusal["message"] == "This session has ended. Thank you for taking part"
    assert "retry_after_ms" not in refusal["data"]
    page = requests.get(f"{kiosk.url}/j/{code}", timeout=10)
    assert page.status_code == 410 and "This session has ended" in page.text
    assert "/socket.io" not in page.text and "phone.js" not in page.text
    # The facilitator keeps the console of an ended session.
    assert try_connect(kiosk.url, "/facilitator", {"code": code, "token": token}) is None


def rebinding(port: int) -> dict:
    """What a page on a rebound name sends: its own Host, and the kiosk's in X-Forwarded-Host."""
    return {"Host": f"rebind.attacker.test:{port}", "X-Forwarded-Host": f"127.0.0.1:{port}"}


@pytest.mark.parametrize(
    ("addresses", "trusted"),
    [("10.255.0.1, 192.0.2.0/24", False), ("10.255.0.1, 127.0.0.0/8", True)],
    ids=["from-elsewhere", "from-this-machine"],
)
def test_forwarded_headers_count_only_from_the_trusted_proxies(tmp_path, addresses, trusted):
    kiosk = start(
        tmp_path, "forwarded", KIOSK_TRUSTED_PROXIES="1", KIOSK_TRUSTED_PROXY_ADDRESSES=addresses
    )
    try:
        forged = rebinding(kiosk.port)
        page = requests.get(f"{kiosk.url}/healthz", headers=forged, timeout=10)
        handshake = requests.get(
            f"{kiosk.url}/socket.io/?EIO=4&transport=polling", headers=forged, timeout=10
        )
        assert (page.status_code, handshake.status_code) == ((200, 200) if trusted else (421, 421))

        # A different X-Forwarded-For on every wrong code: a new client each time only when a
        # trusted proxy says so.
        statuses = [
            requests.get(
                f"{kiosk.url}/j/{WRONG[i]}",
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
                timeout=10,
            ).status_code
            for i in range(25)
        ]
        assert statuses == ([404] * 25 if trusted else [404] * 20 + [429] * 5)
    finally:
        kiosk.kill()
