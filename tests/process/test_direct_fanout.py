"""Direct broadcast writes (fanout.py) on the real process: used, and never a broken stream.

A phone that stops reading fills its socket buffer; the kiosk must then fall back to
engine.io's queue or cut that one connection, and never put half a frame before another.
"""

import json
import socket
import threading
import time

import pytest
import requests
import websocket
from wsproto.frame_protocol import FrameProtocol
from wsproto.frame_protocol import Opcode

from harness.live import LiveServer
from harness.live import SocketClient as Client
from harness.live import phone_cookie
from tests.conftest import TINY
from transport.fanout import text_frame


def _messages(stream: bytes) -> list[str]:
    """The complete text messages in a server-to-client byte stream (a cut-off tail is left)."""
    protocol = FrameProtocol(client=True, extensions=[])
    protocol.receive_bytes(stream)
    messages, parts = [], []
    for frame in protocol.received_frames():
        if frame.opcode in (Opcode.TEXT, Opcode.CONTINUATION):
            parts.append(frame.payload)
            if frame.message_finished:
                messages.append("".join(parts))
                parts = []
        elif frame.opcode is Opcode.CLOSE:
            break
    return messages


def test_a_frame_is_a_standard_unmasked_text_frame_at_every_length_boundary():
    for size in (0, 1, 125, 126, 127, 65535, 65536, 70000):
        text = "é" * (size // 2) + "x" * (size % 2)  # multi-byte characters: bytes, not chars
        messages = _messages(text_frame(text))
        assert messages == [text], size


def _stats(live) -> dict:
    return requests.get(f"{live.url}/healthz", timeout=5).json()["broadcasts"]


def _raw_phone(live, code: str) -> websocket.WebSocket:
    """A phone on a bare websocket with a tiny receive buffer, joined to the session."""
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{live.port}/socket.io/?EIO=4&transport=websocket",
        timeout=10,
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 2048),),
        cookie=phone_cookie(live.url, code),
    )
    assert ws.recv().startswith("0{")
    ws.send("40/participant," + json.dumps({"code": code}))
    while True:  # the namespace's connect packet, then the first state
        message = ws.recv()
        if message.startswith("42/participant,") and '"state"' in message:
            return ws


@pytest.fixture
def small_buffers(tmp_path):
    """The real kiosk, with 8 KB kernel send buffers so that a stalled phone fills its own."""
    server = LiveServer(
        tmp_path / "live.db", workshop=TINY, script="tests/process/small_send_buffers.py"
    ).start()
    yield server
    server.kill()


def test_a_phone_that_stops_reading_never_gets_a_broken_stream(small_buffers):
    live = small_buffers
    session = live.create_session("tiny")
    code = session["code"]
    console = Client(
        live.url, "/facilitator", {"code": code, "token": session["facilitator_token"]}
    )
    reader = Client.phone(live.url, code)
    stalled = _raw_phone(live, code)

    def move(count: int) -> int:
        """Step back and forth `count` times (commands are rate limited: wait when refused)."""
        done = 0
        while done < count:
            action = "next" if done % 2 == 0 else "prev"
            if console.call("command", {"action": action})["ok"]:
                done += 1
            else:
                time.sleep(0.1)
        return done

    # 1. Until the stalled phone's buffers are full and the kiosk had to queue for it.
    moves = 0
    while moves < 400:
        moves += move(5)
        stats = _stats(live)
        if stats["queued"] + stats["cut"] > 0:
            break
    assert stats["direct"] > 0, stats
    assert stats["queued"] + stats["cut"] > 0, f"the buffer never filled after {moves} moves"

    # 2. The phone reads again, slowly, while the room keeps moving: the buffer drains while
    # its queue still holds broadcasts, the moment a direct write would overtake them.
    stream = bytearray()
    stalled.sock.settimeout(0.05)
    reading = threading.Event()
    reading.set()

    def read_slowly():
        while reading.is_set():
            try:
                chunk = stalled.sock.recv(512)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            stream.extend(chunk)
            time.sleep(0.01)

    slow_reader = threading.Thread(target=read_slowly)
    slow_reader.start()
    moves += move(40)
    reading.clear()
    slow_reader.join()

    # The reading phone got the last version; nothing it was sent went missing or out of order.
    final = console.wait_state(lambda s: True)["version"]
    reader.wait_state(lambda s: s["version"] == final)
    versions = [s["version"] for s in reader.states]
    assert versions == sorted(versions)

    # 3. It reads the rest of what it was sent: whole frames, each a valid packet, versions
    # in order; if its connection was cut, the stream just ends (perhaps mid-frame).
    stalled.sock.settimeout(2.0)
    while True:
        try:
            chunk = stalled.sock.recv(65536)
        except TimeoutError:
            break
        except OSError:
            break
        if not chunk:
            break
        stream.extend(chunk)
    messages = _messages(bytes(stream))
    assert messages, "the stalled phone received nothing at all"
    seen = []
    for message in messages:
        assert message[0] in "0123456", f"not an engine.io packet: {message[:80]!r}"
        if message.startswith("42/participant,"):
            event, payload = json.loads(message[len("42/participant,") :])
            if event == "state":
                seen.append(payload["version"])
    assert seen == sorted(seen), seen
    if _stats(live)["cut"] == 0:
        # Not cut: once it reads again, the queue drains and it catches up to the last step.
        assert seen[-1] == final, (seen[-1], final)
    stalled.close()
    console.close()
    reader.close()
