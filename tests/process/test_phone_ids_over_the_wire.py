"""One device posing as many, against the real process: ids from the kiosk, shares per address.

Two loopback addresses stand for two devices: the client socket is bound to 127.0.0.1 or
127.0.0.2 (Linux routes all of 127.0.0.0/8 to the loopback interface), so the kiosk sees two
remote addresses, as it would see two phones on a venue's Wi-Fi.
"""

from __future__ import annotations

import json
import socket
import time

import pytest
import websocket

from harness.live import LiveServer
from harness.live import SocketClient as Client
from harness.live import open_phone_page
from harness.live import phone_cookie
from tests.conftest import TINY


class RawPhone:
    """A bare websocket from a chosen source address, joining /participant."""

    def __init__(self, live, source: str = "127.0.0.1", cookie: str | None = None):
        sock = socket.create_connection(
            ("127.0.0.1", live.port), timeout=10, source_address=(source, 0)
        )
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{live.port}/socket.io/?EIO=4&transport=websocket",
            socket=sock,
            timeout=10,
            cookie=cookie,
        )
        assert self.ws.recv().startswith("0{")
        self.next_ack = 1

    def join(self, auth: dict) -> tuple[bool, str]:
        """(True, "") once joined, or (False, the refusal's message)."""
        self.ws.send("40/participant," + json.dumps(auth))
        while True:
            message = self.ws.recv()
            if message.startswith("40/participant,"):
                return True, ""
            if message.startswith("44/participant,"):
                return False, json.loads(message.split(",", 1)[1])["message"]

    def call(self, event: str, payload: dict) -> dict:
        """Emit with an ack and wait for it."""
        ack = self.next_ack
        self.next_ack += 1
        self.ws.send(f"42/participant,{ack}" + json.dumps([event, payload]))
        while True:
            message = self.ws.recv()
            if message.startswith(f"43/participant,{ack}["):
                return json.loads(message[len(f"43/participant,{ack}") :])[0]

    def close(self) -> None:
        self.ws.close()


def wait_for_count(console: Client, count: int) -> dict:
    console.call("snapshot", {})
    return console.wait_state(lambda s: s["results"] is not None and s["results"]["count"] == count)


def test_25_made_up_ids_from_one_host_cast_no_votes(live):
    session = live.create_session("tiny")
    code = session["code"]
    console = Client(
        live.url, "/facilitator", {"code": code, "token": session["facilitator_token"]}
    )
    assert console.call("command", {"action": "next"})["ok"]
    refusals = []
    for i in range(25):
        stuffer = RawPhone(live)
        joined, message = stuffer.join({"code": code, "pid": f"made-up-{i:02d}-0123456789"})
        assert not joined
        refusals.append(message)
        stuffer.close()
    assert set(refusals) == {refusals[0]}
    assert "did not send the phone id the kiosk gave it: reload the page" in refusals[0]

    # One browser with one id from the kiosk, posing as 25 phones in `auth`: one vote.
    cookie = phone_cookie(live.url, code)
    for i in range(25):
        stuffer = RawPhone(live, cookie=cookie)
        assert stuffer.join({"code": code, "pid": f"made-up-{i:02d}-0123456789"}) == (True, "")
        answer = {"prompt_id": "mood-before", "value": 5, "answer_id": f"stuffed-{i:02d}-0123"}
        assert stuffer.call("respond", answer)["ok"]
        stuffer.close()
    assert wait_for_count(console, 1)["results"]["histogram"][4]["count"] == 1
    console.close()


def test_a_phone_reconnecting_with_its_cookie_keeps_its_answers(live):
    session = live.create_session("tiny")
    code = session["code"]
    console = Client(
        live.url, "/facilitator", {"code": code, "token": session["facilitator_token"]}
    )
    assert console.call("command", {"action": "next"})["ok"]
    phone = Client.phone(live.url, code)
    assert phone.call("respond", {"prompt_id": "mood-before", "value": 4})["ok"]
    phone.close()
    again = Client.phone(live.url, code, cookie=phone.cookie)
    mine = again.wait_event("mine", lambda payload: True)
    assert mine["answers"] == {"mood-before": 4}
    # Reloading the page with the cookie keeps the id: the page renews it, it does not swap it.
    page = open_phone_page(live.url, code, cookie=phone.cookie)
    assert phone.cookie + ";" in page.getheader("Set-Cookie")
    other = Client.phone(live.url, code)
    assert other.wait_event("mine", lambda payload: True)["answers"] == {}
    for client in (again, other, console):
        client.close()


@pytest.fixture
def small_room(tmp_path):
    """The kiosk with a room of 3 phones, at most 2 of them from one address."""
    server = LiveServer(
        tmp_path / "live.db",
        workshop=TINY,
        env={"KIOSK_MAX_PARTICIPANTS": "3", "KIOSK_PHONES_PER_ADDRESS": "2"},
    ).start()
    yield server
    server.kill()


def test_one_address_cannot_fill_a_room_while_another_still_gets_in(small_room):
    live = small_room
    code = live.create_session("tiny")["code"]
    first = [
        RawPhone(live, "127.0.0.1", phone_cookie(live.url, code, "127.0.0.1")) for _ in range(2)
    ]
    assert all(phone.join({"code": code}) == (True, "") for phone in first)

    # A third new id for the same address is refused on the page, in words.
    page = open_phone_page(live.url, code, "127.0.0.1")
    assert page.status == 429 and page.getheader("Set-Cookie") is None
    assert b"Too many new phones have joined from this network lately" in page.body
    # A third phone there with an id it got elsewhere is refused at the door, in words.
    moved = phone_cookie(live.url, code, "127.0.0.3")
    joined, message = RawPhone(live, "127.0.0.1", moved).join({"code": code})
    assert not joined
    assert "2 phones from this network are in this session already" in message
    assert "KIOSK_PHONES_PER_ADDRESS" in message

    # Another device still gets in: the room was not filled by one address.
    other = RawPhone(live, "127.0.0.2", phone_cookie(live.url, code, "127.0.0.2"))
    assert other.join({"code": code}) == (True, "")

    # A phone leaves; its place is free for the one that came from elsewhere.
    first[0].close()
    deadline = time.monotonic() + 10
    while True:
        joined, message = RawPhone(live, "127.0.0.1", moved).join({"code": code})
        if joined or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert joined, message
