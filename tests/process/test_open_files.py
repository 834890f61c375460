"""The open-file limit on the real process: raised at start, and a full room that stays calm.

Phones are raw websocket clients (`harness/wire.py`, as the benchmark's), many at once on one
asyncio loop in a thread of this process, so that hundreds join in a second or two.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from harness.live import LiveServer
from harness.live import SocketClient as Client
from harness.live import phone_cookie
from harness.wire import Conn
from harness.wire import client_frame
from harness.wire import upgrade_request
from tests.conftest import TINY
from transport.descriptors import ROOM_FULL
from transport.descriptors import TRANSPORT_FLOOR

# Every test phone comes from 127.0.0.1: no per-address share (as for the benchmark).
ONE_ADDRESS = {"KIOSK_PHONES_PER_ADDRESS": "0"}

# What a kiosk must never show or log, whatever the load.
BREAKAGE = ("Too many open files", "EMFILE", "Traceback", "500 Internal Server Error")


class Room:
    """Raw websocket phones on an asyncio loop of their own, joined a batch at a time.

    Each phone first opens its phone page for the id the kiosk issues it (a cookie), as a
    person scanning the QR code does; the kiosks here run with KIOSK_PHONES_PER_ADDRESS=0,
    since every test phone comes from one address.
    """

    def __init__(self, port: int, code: str):
        self.port = port
        self.code = code
        self.url = f"http://127.0.0.1:{port}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.phones: list[Conn] = []
        self.joined: list[Conn] = []
        self.refused: list[str] = []
        self.lost: list[str] = []

    def join(self, count: int, timeout: float = 30.0) -> None:
        """Open `count` more phones and wait until each is joined, refused or lost."""
        with ThreadPoolExecutor(8) as pool:
            cookies = list(pool.map(lambda _: phone_cookie(self.url, self.code), range(count)))
        asyncio.run_coroutine_threadsafe(self._join(cookies, timeout), self.loop).result(
            timeout + 5
        )

    async def _join(self, cookies: list[str], timeout: float) -> None:
        count = len(cookies)
        done = asyncio.Event()
        waiting = {"n": count}

        def settle():
            waiting["n"] -= 1
            if waiting["n"] == 0:
                done.set()

        def joined(conn, _kts):
            self.joined.append(conn)
            settle()

        def refused(_conn, message):
            self.refused.append(message)
            settle()

        def lost(_conn, reason):
            self.lost.append(reason)
            settle()

        batch = []
        for cookie in cookies:
            conn = Conn(
                self.loop,
                ("127.0.0.1", self.port),
                "/participant",
                {"code": self.code},
                on_joined=joined,
                on_refused=refused,
                on_lost=lost,
                cookie=cookie,
            )
            batch.append(conn)
            self.phones.append(conn)
        for conn in batch:
            await conn.open()
            await asyncio.sleep(0)  # let the loop read while the rest connect
        await asyncio.wait_for(done.wait(), timeout)

    def close(self) -> None:
        async def close_all():
            for conn in self.phones:
                conn.close()

        asyncio.run_coroutine_threadsafe(close_all(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def open_files_for_the_test():
    """Room for this test's own sockets (over a thousand) in this process, then as it was."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 4096:
        pytest.skip(f"the hard open-file limit here is {hard}; these tests need 4096")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _health(server: LiveServer) -> dict:
    return requests.get(f"{server.url}/healthz", timeout=10).json()["descriptors"]


def _open_files(server: LiveServer) -> int:
    """Descriptors the server process has open, counted from outside."""
    return len(os.listdir(f"/proc/{server.process.pid}/fd"))


def test_a_soft_limit_of_1024_is_raised_and_more_phones_join_than_it_would_allow(
    tmp_path, open_files_for_the_test
):
    hard = open_files_for_the_test
    server = LiveServer(
        tmp_path / "soft.db",
        workshop=TINY,
        open_files=(1024, hard),
        env={"KIOSK_MAX_PARTICIPANTS": "5000", **ONE_ADDRESS},
    ).start()
    room = None
    try:
        health = _health(server)
        assert health["limit"] == hard, "the soft limit was raised to the hard one"
        code = server.create_session("tiny")["code"]
        room = Room(server.port, code)
        phones = 1100  # whatever a phone holds, more than 1024 open files allow
        room.join(phones)
        assert (len(room.joined), room.refused, room.lost) == (phones, [], [])
        health = _health(server)
        assert health["phones"] == phones and health["turned_away"] == 0
        assert health["open"] > 1024, "the process really holds more than the old limit"
        log = server.log.read_text()
        assert not [word for word in BREAKAGE if word in log], log[-3000:]
        assert "This machine allows about" not in log, "no warning: the limit is ample"
    finally:
        if room is not None:
            room.close()
        server.kill()


def test_with_a_hard_limit_of_1024_the_room_fills_then_phones_are_told_and_the_console_drives(
    tmp_path, open_files_for_the_test
):
    server = LiveServer(
        tmp_path / "hard.db", workshop=TINY, open_files=(1024, 1024), env=ONE_ADDRESS
    ).start()
    room = None
    console = screen = None
    try:
        health = _health(server)
        ceiling = health["phone_ceiling"]
        at_start = _open_files(server)
        assert health["limit"] == 1024 and 300 < ceiling < 1024
        log = server.log.read_text()
        assert f"This machine allows about {ceiling:,} phones" in log
        assert "raise `ulimit -n` to" in log
        session = server.create_session("tiny")
        code = session["code"]
        room = Room(server.port, code)

        # Past the ceiling: exactly the ceiling's phones are in, the rest told in words.
        extra = 40
        room.join(ceiling + extra)
        assert room.lost == [], "no phone saw an error, a 500 or a dropped connection"
        assert len(room.joined) == ceiling
        assert room.refused == [ROOM_FULL] * extra
        health = _health(server)
        assert (health["phones"], health["turned_away"]) == (ceiling, extra)

        # Refused phones hold nothing: the process holds what it held at the start, and what
        # its phones need (a few more for the requests of this test).
        time.sleep(1.0)
        assert _open_files(server) <= at_start + ceiling * health["per_phone"] + 4

        # A phone that ignores its refusal and keeps the connection open is let go of.
        stubborn = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        cookie = phone_cookie(server.url, code)
        stubborn.sendall(upgrade_request("127.0.0.1", server.port, cookie=cookie))
        received = b""
        while b"0{" not in received:
            received += stubborn.recv(4096)
        payload = json.dumps({"code": code}).encode()
        stubborn.sendall(client_frame(b"40/participant," + payload))
        stubborn.settimeout(10)
        started = time.monotonic()
        received = b""
        while True:
            chunk = stubborn.recv(4096)
            if not chunk:
                break
            received += chunk
        assert b"The room is full on this kiosk" in received
        assert time.monotonic() - started < 5, "the kiosk closed the refused connection itself"
        stubborn.close()

        # The console and the screen get in, and the console drives the room.
        console = Client(
            server.url, "/facilitator", {"code": code, "token": session["facilitator_token"]}
        )
        screen = Client(server.url, "/screen", {"code": code})
        assert console.call("command", {"action": "next"})["ok"]
        screen.wait_state(lambda s: s["step"]["index"] == 1)
        console.wait_state(lambda s: s["step"]["index"] == 1)

        log = server.log.read_text()
        assert not [word for word in BREAKAGE if word in log], log[-3000:]
    finally:
        for client in (console, screen):
            if client is not None:
                client.close()
        if room is not None:
            room.close()
        server.kill()


def _upgrade(port: int) -> tuple[socket.socket, bytes]:
    """Open a websocket to engine.io (no namespace); the socket and the response's head."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(upgrade_request("127.0.0.1", port))
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = connection.recv(4096)
        if not chunk:
            break
        head += chunk
    return connection, head


def test_when_something_else_takes_the_last_descriptors_new_connections_get_words_not_errors(
    tmp_path, open_files_for_the_test
):
    server = LiveServer(tmp_path / "floor.db", workshop=TINY, open_files=(1024, 1024)).start()
    held: list[socket.socket] = []
    try:
        code = server.create_session("tiny")["code"]
        # Connections that open engine.io and join no namespace (nothing the phone ceiling
        # counts) take descriptors until only the floor is left; the next one is refused
        # before its upgrade, in words, and nothing fails on the way.
        answer = b""
        for _ in range(1024):
            connection, head = _upgrade(server.port)
            if head.startswith(b"HTTP/1.1 101"):
                held.append(connection)
                continue
            answer = head
            while chunk := connection.recv(4096):  # `Connection: close`: read to the end
                answer += chunk
            connection.close()
            break
        text = answer.decode("utf-8")
        assert text.startswith("HTTP/1.1 503"), text
        assert "no room for another connection" in text
        assert 1024 - TRANSPORT_FLOOR - 2 <= _open_files(server) < 1024
        assert _health(server)["refused_at_transport"] >= 1

        # When some of them go, the screen gets in again.
        for connection in held[:10]:
            connection.close()
        time.sleep(0.5)
        screen = Client(server.url, "/screen", {"code": code})
        screen.wait_state(lambda s: s["step"]["index"] == 0)
        screen.close()
        log = server.log.read_text()
        assert not [word for word in BREAKAGE if word in log], log[-3000:]
    finally:
        for connection in held:
            connection.close()
        server.kill()


def test_a_kept_alive_connection_that_asks_nothing_more_is_let_go_of(tmp_path):
    # Browsers keep a page's connections open for minutes (Chromium: six for the phone page),
    # a descriptor each on the kiosk: the header deadline closes them once they are idle.
    server = LiveServer(
        tmp_path / "idle.db", workshop=TINY, env={"KIOSK_HEADER_TIMEOUT": "2"}
    ).start()
    try:
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=15)
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = connection.recv(65536)
        assert received.startswith(b"HTTP/1.1 200") and b"Connection: close" not in received
        started = time.monotonic()
        while connection.recv(65536):
            pass
        waited = time.monotonic() - started
        connection.close()
        assert 1 < waited < 4, f"closed by the kiosk after {waited:.1f} s"
    finally:
        server.kill()


def test_a_phone_holds_one_descriptor_as_the_kiosk_plans(live):
    code = live.create_session("tiny")["code"]
    planned = _health(live)["per_phone"]
    assert planned == 1, "one descriptor per phone (websocket_driver: no dup() of the socket)"
    time.sleep(0.5)  # the kiosk has closed the connections of the requests above
    before = _open_files(live)
    room = Room(live.port, code)
    try:
        room.join(50)
        assert len(room.joined) == 50
        time.sleep(0.5)
        # Exactly, give or take a request of this test's being closed around the counts.
        assert abs((_open_files(live) - before) - 50 * planned) <= 2
    finally:
        room.close()
    time.sleep(1.0)
    assert _open_files(live) <= before + 1, "and nothing once they have gone"
