"""Slow clients cannot hold connections: headers have a deadline, idle sockets are left alone."""

import select
import socket
import time

import pytest

from harness.live import LiveServer
from harness.live import SocketClient
from tests.conftest import TINY
from tests.process.wire import Reply
from tests.process.wire import connect

HEADER_TIMEOUT = 2  # seconds, KIOSK_HEADER_TIMEOUT for these tests (10 by default)


@pytest.fixture
def kiosk(tmp_path):
    server = LiveServer(
        tmp_path / "slow.db", workshop=TINY, env={"KIOSK_HEADER_TIMEOUT": str(HEADER_TIMEOUT)}
    ).start()
    yield server
    server.kill()


def trickle_until_closed(conn: socket.socket, give_up_after: float) -> float | None:
    """Send one more header byte every 0.3 s; seconds until the server closed, or None."""
    started = time.monotonic()
    while time.monotonic() - started < give_up_after:
        try:
            conn.send(b"X")
        except OSError:  # the server closed and the kernel knows it
            return time.monotonic() - started
        readable, _, _ = select.select([conn], [], [], 0.3)
        if readable:
            try:
                while conn.recv(4096):  # a 408 reply, then the close
                    pass
            except OSError:
                pass
            return time.monotonic() - started
    return None


def test_a_client_trickling_its_headers_is_closed_at_the_deadline(kiosk):
    conn = connect(kiosk.port)
    conn.sendall(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{kiosk.port}\r\nX-Slow: ".encode())
    closed_after = trickle_until_closed(conn, give_up_after=4 * HEADER_TIMEOUT)
    conn.close()
    assert closed_after is not None, "partial headers were still open"
    assert closed_after < HEADER_TIMEOUT + 1.5


def test_a_half_sent_request_line_and_a_silent_connection_are_closed(kiosk):
    half = connect(kiosk.port)
    half.sendall(b"GET /healthz HT")
    silent = connect(kiosk.port)
    for conn in (half, silent):
        reply = Reply(conn, wait=4 * HEADER_TIMEOUT)
        conn.close()
        assert reply.closed_after is not None, "the connection was still open"
        assert reply.closed_after < HEADER_TIMEOUT + 1.5


def test_headers_sent_in_time_are_answered(kiosk):
    conn = connect(kiosk.port)
    conn.sendall(b"GET /healthz HTTP/1.1\r\n")
    time.sleep(HEADER_TIMEOUT / 2)  # slow, but within the deadline
    conn.sendall(f"Host: 127.0.0.1:{kiosk.port}\r\nConnection: close\r\n\r\n".encode())
    reply = Reply(conn, wait=5)
    conn.close()
    assert reply.status == 200


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_idle_sockets_outlive_the_header_deadline(kiosk, transport):
    session = kiosk.create_session("tiny")
    phone = SocketClient.phone(kiosk.url, session["code"], transports=[transport])
    sid = phone.sio.get_sid("/participant")
    snapshots = len(phone.states)
    # Idle for well over the deadline (but under the 15 s ping interval: nothing is sent).
    time.sleep(3 * HEADER_TIMEOUT)
    assert phone.sio.get_sid("/participant") == sid, "the phone had to reconnect"
    assert len(phone.states) == snapshots
    assert phone.call("clock", {"t0": 1})["t0"] == 1
    phone.close()
