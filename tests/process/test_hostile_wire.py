"""Hostile traffic against the real process: foreign origins, huge frames, junk frames."""

import json
import threading
import time

import requests
import websocket

from harness.live import SocketClient
from harness.live import phone_cookie
from tests.process.wire import rss_kb


def ws_url(live) -> str:
    return f"ws://127.0.0.1:{live.port}/socket.io/?EIO=4&transport=websocket"


def handshake(live, origin=None) -> websocket.WebSocket:
    ws = websocket.create_connection(ws_url(live), origin=origin, timeout=10)
    opening = ws.recv()
    assert opening.startswith("0{")
    return ws


def test_a_foreign_origin_cannot_open_a_socket(live):
    try:
        ws = websocket.create_connection(ws_url(live), origin="http://evil.example", timeout=10)
    except websocket.WebSocketBadStatusException as refused:
        assert refused.status_code in (400, 403)
    else:  # pragma: no cover - the handshake must not succeed
        ws.close()
        raise AssertionError("a foreign origin was accepted")
    handshake(live, origin=live.url).close()


def test_a_foreign_host_name_is_refused_over_http(live):
    response = requests.get(
        f"{live.url}/healthz", headers={"Host": "rebind.evil.example"}, timeout=5
    )
    assert response.status_code == 421


def test_a_64_mb_frame_is_refused_as_it_arrives_without_buffering_it(live):
    pid = live.process.pid
    before = rss_kb(pid)
    peak = [before]
    sending = threading.Event()
    sending.set()

    def watch_peak():
        # Without the cap the frame is held whole for a moment and freed after: watch the peak.
        while sending.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch_peak)
    watcher.start()
    ws = handshake(live)
    try:
        ws.send("4" + "x" * (64 * 1024 * 1024))
        ws.recv()
    except (websocket.WebSocketException, OSError):
        pass
    finally:
        ws.close()
        time.sleep(0.3)
        sending.clear()
        watcher.join()
    grown_mb = (peak[0] - before) / 1024
    assert grown_mb < 16, f"server RSS peaked {grown_mb:.1f} MB higher for one huge frame"
    assert requests.get(f"{live.url}/healthz", timeout=5).json()["ok"] is True


def test_junk_frames_do_not_hurt_the_server(live):
    session = live.create_session("tiny")
    # A joined phone: its id from the kiosk's phone page, as a browser would have it.
    cookie = phone_cookie(live.url, session["code"])
    ws = websocket.create_connection(ws_url(live), timeout=10, cookie=cookie)
    assert ws.recv().startswith("0{")
    ws.send("40/participant," + json.dumps({"code": session["code"]}))
    for junk in [
        "40/participant,0.0",
        "40/screen,12",
        '40/facilitator,"x"',
        "42/participant,not json",
        "42/participant,[]",
        "42/participant,[1,2,3]",
        '42/participant,{"a":1}',
        "4" + "[" * 5000,
        "9999",
        '42/nowhere,["x"]',
    ]:
        try:
            ws.send(junk)
        except (websocket.WebSocketException, OSError):
            break
    ws.close()
    assert requests.get(f"{live.url}/healthz", timeout=5).json()["ok"] is True
    assert live.create_session("tiny")["code"]


def frames_until(ws: websocket.WebSocket, prefix: str) -> str:
    """Read frames (answering pings) until one starts with `prefix`; that frame."""
    while True:
        frame = ws.recv()
        if frame == "2":
            ws.send("3")
        elif frame.startswith(prefix):
            return frame


def test_deeply_nested_json_gets_an_error_ack_without_flooding_the_log(live):
    session = live.create_session("tiny")
    neighbour = SocketClient.phone(live.url, session["code"])
    ws = websocket.create_connection(
        ws_url(live), timeout=10, cookie=phone_cookie(live.url, session["code"])
    )
    assert ws.recv().startswith("0{")
    ws.send("40/participant," + json.dumps({"code": session["code"]}))
    frames_until(ws, "40/participant,")
    log_before = live.log.read_text()
    nested = {
        1: "[" * 3000 + "]" * 3000,
        2: "[" * 5000 + "]" * 5000,
        3: '{"a":' * 2500 + "1" + "}" * 2500,
        4: '{"value":' + "[" * 4000 + "]" * 4000 + "}",
    }
    for ack_id, payload in nested.items():
        message = f'42/participant,{ack_id}["respond",{payload}]'
        assert len(message) < 16 * 1024
        ws.send(message)
        ack = json.loads(
            frames_until(ws, f"43/participant,{ack_id}[")[len(f"43/participant,{ack_id}") :]
        )
        assert ack[0]["ok"] is False and "levels deep" in ack[0]["error"]
    # Without an ack id, or below the Socket.IO layer: nothing to answer, one line at most.
    ws.send('42/participant,["respond",' + "[" * 5000 + "]" * 5000 + "]")
    ws.send("4" + "[" * 5000 + "]" * 5000)
    ws.send("42/participant,99" + json.dumps(["clock", {"t0": 5}]))
    assert (
        json.loads(frames_until(ws, "43/participant,99")[len("43/participant,99") :])[0]["t0"] == 5
    )
    time.sleep(0.3)
    added = live.log.read_text()[len(log_before) :]
    assert "Traceback" not in added and "RecursionError" not in added, added[:2000]
    assert len(added.splitlines()) <= 2, added
    # The neighbour never noticed.
    assert neighbour.call("clock", {"t0": 7})["t0"] == 7
    assert neighbour.sio.connected
    ws.close()
    neighbour.close()
