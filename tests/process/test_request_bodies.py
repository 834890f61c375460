"""Request bodies over the caps are refused at once, and their connections are not kept."""

import json
import threading
import time

import pytest
import requests

from harness.live import ADMIN_KEY
from harness.live import phone_cookie
from tests.process.wire import Reply
from tests.process.wire import connect
from tests.process.wire import held_connections
from tests.process.wire import polling_handshake
from tests.process.wire import polling_post_head
from tests.process.wire import rss_kb

MESSAGE_CAP = 16 * 1024  # KIOSK's MAX_MESSAGE_BYTES
BODY_CAP = 256 * 1024  # MAX_BODY_BYTES


def test_an_oversized_polling_post_without_its_body_gets_413_and_is_closed(live):
    sid = polling_handshake(live)
    conn = connect(live.port)
    conn.sendall(polling_post_head(live, sid, MESSAGE_CAP + 1))  # and never the body
    reply = Reply(conn, wait=8)
    conn.close()
    assert reply.status == 413, reply.data[:200]
    assert reply.first_byte_after < 1
    assert reply.header("Connection") == "close"
    assert b"at most 16384 bytes" in reply.data
    assert reply.closed_after is not None and reply.closed_after < 3, "the connection was kept"


def test_an_oversized_polling_post_with_its_body_gets_413_and_is_closed(live):
    sid = polling_handshake(live)
    conn = connect(live.port)
    conn.sendall(polling_post_head(live, sid, 100_000) + b"4" + b"x" * 99_999)
    reply = Reply(conn, wait=8)
    conn.close()
    assert reply.status == 413
    assert reply.closed_after is not None and reply.closed_after < 3


def test_abandoned_oversized_polling_posts_are_not_held(live):
    clients = []
    for _ in range(3):  # one session each: engine.io would hang on each session's first
        conn = connect(live.port)
        conn.sendall(polling_post_head(live, polling_handshake(live), 1_000_000))
        clients.append(conn)
    ports = [conn.getsockname()[1] for conn in clients]
    time.sleep(0.2)  # the server has the requests
    for conn in clients:
        conn.close()  # the clients go away without reading anything
    time.sleep(3)
    assert held_connections(live.process.pid, live.port, ports) == []
    assert requests.get(f"{live.url}/healthz", timeout=5).json()["ok"] is True


def test_a_chunked_polling_post_is_refused(live):
    sid = polling_handshake(live)
    conn = connect(live.port)
    conn.sendall(
        f"POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{live.port}\r\nTransfer-Encoding: chunked\r\n\r\n"
        "10\r\n".encode()
    )
    reply = Reply(conn, wait=8)
    conn.close()
    assert reply.status == 411
    assert reply.closed_after is not None and reply.closed_after < 3


def test_a_polling_post_within_the_cap_still_works(live):
    session = live.create_session("tiny")
    sid = polling_handshake(live, phone_cookie(live.url, session["code"]))
    body = "40/participant," + json.dumps({"code": session["code"]})
    posted = requests.post(
        f"{live.url}/socket.io/?EIO=4&transport=polling&sid={sid}",
        data=body.encode(),
        headers={"Content-Type": "text/plain;charset=UTF-8"},
        timeout=5,
    )
    assert posted.status_code == 200 and posted.text == "OK"
    polled = requests.get(f"{live.url}/socket.io/?EIO=4&transport=polling&sid={sid}", timeout=5)
    assert "40/participant," in polled.text


def test_a_50_mb_form_body_is_refused_quickly_without_growing_the_server(live):
    pid = live.process.pid
    before = rss_kb(pid)
    peak = [before]
    watching = threading.Event()
    watching.set()

    def watch_peak():
        while watching.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch_peak)
    watcher.start()
    started = time.monotonic()
    try:
        response = requests.post(
            f"{live.url}/home/login",
            data=b"admin_key=" + b"x" * (50 * 1024 * 1024),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=30,
        )
        took = time.monotonic() - started
        time.sleep(0.3)
    finally:
        watching.clear()
        watcher.join()
    assert response.status_code == 413
    assert "KIOSK_MAX_BODY_BYTES" in response.text, "the page says what happened and what to do"
    assert took < 5, f"the refusal took {took:.1f} s"
    grown_mb = (peak[0] - before) / 1024
    assert grown_mb < 8, f"server RSS peaked {grown_mb:.1f} MB higher for one 50 MB form"
    assert requests.get(f"{live.url}/healthz", timeout=5).json()["ok"] is True


@pytest.mark.parametrize(
    "method, path", [("POST", "/api/sessions"), ("GET", "/healthz"), ("POST", "/home/login")]
)
def test_every_route_refuses_a_body_over_the_cap(live, method, path):
    response = requests.request(
        method,
        f"{live.url}{path}",
        data=b"{" + b" " * BODY_CAP + b"}",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=10,
    )
    assert response.status_code == 413
    assert response.headers["Connection"] == "close"
    if path.startswith("/api/"):
        assert response.json()["ok"] is False and "KiB" in response.json()["error"]


def test_a_body_just_under_the_cap_is_read_as_usual(live):
    response = requests.post(
        f"{live.url}/api/sessions",
        data=b'{"workshop": "tiny"' + b" " * (BODY_CAP - 100) + b"}",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=10,
    )
    assert response.status_code == 201


def test_a_form_of_unknown_length_is_refused(live):
    # Werkzeug would read a chunked form up to the cap and silently drop the rest.
    def chunks():
        yield b"admin_key="
        for _ in range(40):
            yield b"x" * 16384

    response = requests.post(
        f"{live.url}/home/login",
        data=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    assert response.status_code == 411
    assert "Content-Length" in response.text
