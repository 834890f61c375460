"""Clock pings answered where they are read (fastclock.py), on the real process.

The answer must be the Socket.IO event path's, byte for byte but for the server time, for
every client and every kind of ping; the server time must sit halfway through the ping's
stay in the kiosk; long-polling clients, which never pass the websocket reader, must still
be answered; and an answer must never overtake a broadcast queued before it.
"""

import json
import os
import re
import signal
import socket
import threading
import time

import pytest
import requests
import websocket

from harness.live import LiveServer
from harness.live import SocketClient as Client
from harness.live import phone_cookie
from tests.conftest import TINY
from tests.process.test_direct_fanout import _messages
from tests.process.test_direct_fanout import _stats
from tests.process.test_direct_fanout import small_buffers  # noqa: F401 (a fixture)

SERVER_MS = re.compile(r'"server_ms":(\d+)')

# Every kind of clock ping a client could send: the answers must not differ.
PINGS = [
    '["clock",{"t0":123.5}]',
    '["clock",{"t0":1796000000000}]',  # an integer, echoed as the float it was read as
    '["clock",{"t0":-0.25}]',
    '["clock",{"t0":"soon"}]',
    '["clock",{}]',
    '["clock",{"t0":1,"extra":2}]',
    '["clock",{"t0":NaN}]',
    '["clock",{"t0":true}]',
    '["clock",null]',
    '["clock",[1,2]]',
    '["clock"]',
    '["clock",{"t0":1},{"t0":2}]',
    '["clock",' + "[" * 40 + "]" * 40 + "]",  # nested too deep for the kiosk to read
]


@pytest.fixture
def kiosks(tmp_path):
    """The same kiosk twice: clock pings answered where read, and through the event path."""
    fast = LiveServer(tmp_path / "fast.db", workshop=TINY).start()
    slow = LiveServer(tmp_path / "slow.db", workshop=TINY, env={"KIOSK_FAST_CLOCK": "0"})
    try:
        slow.start()
        yield fast, slow
    finally:
        fast.kill()
        slow.kill()


def _open(live, namespace: str, auth: dict) -> websocket.WebSocket:
    """A raw websocket client joined to a namespace, its welcome messages read.

    A phone first opens its phone page for the id the kiosk issues, as a browser does.
    """
    cookie = phone_cookie(live.url, auth["code"]) if namespace == "/participant" else None
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{live.port}/socket.io/?EIO=4&transport=websocket",
        timeout=10,
        cookie=cookie,
    )
    assert ws.recv().startswith("0{")
    ws.send(f"40{namespace}," + json.dumps(auth))
    while True:
        message = ws.recv()
        assert not message.startswith(f"44{namespace},"), message
        if message.startswith(f"42{namespace},") and '"state"' in message:
            return ws


class Acks:
    """Acks read from a raw websocket, kept by id (the event path may answer out of order)."""

    def __init__(self, ws: websocket.WebSocket, namespace: str):
        self.ws = ws
        self.namespace = namespace
        self.prefix = f"43{namespace},"
        self.got: dict[int, str] = {}

    def send(self, ack_id: int | None, ping: str) -> None:
        self.ws.send(f"42{self.namespace},{'' if ack_id is None else ack_id}{ping}")

    def wait(self, ack_id: int) -> str:
        """The text of the ack with this id (what follows `43<namespace>,<id>`)."""
        while ack_id not in self.got:
            message = self.ws.recv()
            if message == "2":
                self.ws.send("3")  # engine.io's heartbeat
            elif message.startswith(self.prefix):
                rest = message[len(self.prefix) :]
                digits = len(rest) - len(rest.lstrip("0123456789"))
                self.got[int(rest[:digits])] = rest[digits:]
        return self.got.pop(ack_id)


def _exchange(acks: Acks, pings: list[str], first_id: int = 1) -> list[str]:
    """Send each ping with an ack id and return each ack, server time checked and masked."""
    answers = []
    for ack_id, ping in enumerate(pings, start=first_id):
        before = time.time_ns() // 1_000_000
        acks.send(ack_id, ping)
        answer = acks.wait(ack_id)
        after = time.time_ns() // 1_000_000
        for stamp in SERVER_MS.findall(answer):
            assert before - 1 <= int(stamp) <= after + 1, (answer, before, after)
        answers.append(SERVER_MS.sub('"server_ms":"T"', answer))
    return answers


def _roles(live) -> dict[str, tuple[str, dict]]:
    session = live.create_session("tiny")
    code = session["code"]
    console = Client(
        live.url, "/facilitator", {"code": code, "token": session["facilitator_token"]}
    )
    assert console.call("command", {"action": "next"})["version"] == 2
    console.close()
    return {
        "/participant": {"code": code},
        "/screen": {"code": code},
        "/facilitator": {"code": code, "token": session["facilitator_token"]},
    }


def test_a_clock_answered_where_read_is_the_event_paths_answer(kiosks):
    fast, slow = kiosks
    answers = {}
    for live in kiosks:
        answers[live] = {}
        for namespace, auth in _roles(live).items():
            ws = _open(live, namespace, auth)
            answers[live][namespace] = _exchange(Acks(ws, namespace), PINGS)
            ws.close()
    for namespace in ("/participant", "/screen", "/facilitator"):
        assert answers[fast][namespace] == answers[slow][namespace], namespace
    participant = answers[fast]["/participant"]
    assert participant[0] == '[{"t0":123.5,"server_ms":"T","version":2}]'
    assert participant[1] == '[{"t0":1796000000000.0,"server_ms":"T","version":2}]'
    assert participant[3].startswith('[{"ok":false,"error":"t0: Input should be a valid number')
    # Each refusal also as a key with parameters, for the page to translate (protocol.md).
    assert participant[8] == (
        '[{"ok":false,"error":"expected a JSON object",'
        '"message":{"key":"expected a JSON object","params":{}}}]'
    )
    assert participant[11] == (
        '[{"ok":false,"error":"clock takes one JSON object",'
        '"message":{"key":"{event} takes one JSON object","params":{"event":"clock"}}}]'
    )
    assert "nests more than 32 levels deep" in participant[12]
    # The fast kiosk answered every one of them itself; the other has no such path at all.
    pings = requests.get(f"{fast.url}/healthz", timeout=5).json()["clock_pings"]
    # (but the one nested too deep: the libraries' JSON codec refuses it to fastclock.py too,
    # and security.py's guard answers it)
    assert pings["direct"] + pings["queued"] == 3 * (len(PINGS) - 1), pings
    assert pings["halfway"] is True
    assert "clock_pings" not in requests.get(f"{slow.url}/healthz", timeout=5).json()


def test_too_many_clock_pings_are_refused_in_the_same_words(kiosks):
    for live in kiosks:
        acks = Acks(_open(live, "/participant", _roles(live)["/participant"]), "/participant")
        for ack_id in range(1, 41):  # all at once: the bucket holds 20 and refills 5 a second
            acks.send(ack_id, f'["clock",{{"t0":{ack_id}}}]')
        answers = [json.loads(acks.wait(ack_id))[0] for ack_id in range(1, 41)]
        acks.ws.close()
        assert all(answer.get("version") == 2 for answer in answers[:20]), answers[:20]
        words = "too many messages; wait a moment and try again"
        refused = {"ok": False, "error": words, "message": {"key": words, "params": {}}}
        assert answers[-3:] == [refused] * 3


def test_a_ping_without_an_ack_id_or_with_broken_json_goes_on_as_before(kiosks):
    for live in kiosks:
        acks = Acks(_open(live, "/participant", _roles(live)["/participant"]), "/participant")
        acks.send(None, '["clock",{"t0":1}]')  # no ack id: no answer
        # Broken JSON: python-socketio cannot decode it, engine.io logs that and reads on.
        acks.send(8, '["clock",{"t0":1}')
        assert _exchange(acks, ['["clock",{"t0":2}]'], first_id=9) == [
            '[{"t0":2.0,"server_ms":"T","version":2}]'
        ]
        assert acks.got == {}, "a ping without an ack id, or a broken one, was answered"
        acks.ws.close()


@pytest.mark.parametrize("transports", [["polling"], ["polling", "websocket"]])
def test_long_polling_and_upgrading_clients_get_their_clock_answered(live, transports):
    session = live.create_session("tiny")
    phone = Client.phone(live.url, session["code"], transports=transports)
    before = requests.get(f"{live.url}/healthz", timeout=5).json()["clock_pings"]
    for t0 in (5, 6.5, 7):
        reply = phone.call("clock", {"t0": t0})
        assert reply["t0"] == t0 and reply["version"] == 1 and reply["server_ms"] > 0, reply
    assert phone.call("clock", {"t0": "soon"})["ok"] is False
    after = requests.get(f"{live.url}/healthz", timeout=5).json()["clock_pings"]
    transport = phone.sio.transport()
    phone.close()
    if transport == "polling":  # never through the websocket reader: the event path answered
        assert after == before, (before, after)
    else:
        assert transport == "websocket"


@pytest.mark.parametrize("fast_clock", ["1", "0"])
def test_a_ping_that_waits_inside_the_kiosk_is_stamped_halfway(tmp_path, fast_clock):
    """The kiosk is stopped (SIGSTOP) for a second while a ping is on its way.

    Answered where read, the server time is halfway through the ping's stay, so the round
    trip's midpoint is right within a few ms; through the event path it is stamped when the
    kiosk resumes, half a second after the midpoint. (The margins are wide because this
    test reads the answer in userspace on a machine that may be busy.)
    """
    live = LiveServer(tmp_path / "k.db", workshop=TINY, env={"KIOSK_FAST_CLOCK": fast_clock})
    live.start()
    try:
        acks = Acks(_open(live, "/participant", _roles(live)["/participant"]), "/participant")
        errors = []
        for ack_id in (1, 2):
            os.kill(live.process.pid, signal.SIGSTOP)
            try:
                t0 = time.time_ns() / 1e6
                acks.send(ack_id, f'["clock",{{"t0":{t0}}}]')
                time.sleep(1.0)
            finally:
                os.kill(live.process.pid, signal.SIGCONT)
            reply = json.loads(acks.wait(ack_id))[0]
            t1 = time.time_ns() / 1e6
            assert t1 - t0 >= 1000
            errors.append(reply["server_ms"] - (t0 + t1) / 2)
        acks.ws.close()
    finally:
        live.kill()
    if fast_clock == "1":
        assert all(abs(error) < 150 for error in errors), errors
    else:
        assert all(error > 300 for error in errors), errors


def test_a_clock_answer_never_overtakes_a_queued_broadcast(small_buffers):  # noqa: F811
    """A phone stops reading until the kiosk queues for it, then reads slowly while the room
    moves and it keeps syncing its clock: each answer must come after every state that was
    queued before it, so no state older than an answer's version may follow the answer."""
    live = small_buffers
    session = live.create_session("tiny")
    code = session["code"]
    console = Client(
        live.url, "/facilitator", {"code": code, "token": session["facilitator_token"]}
    )
    stalled = websocket.create_connection(
        f"ws://127.0.0.1:{live.port}/socket.io/?EIO=4&transport=websocket",
        timeout=10,
        sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 2048),),
        cookie=phone_cookie(live.url, code),
    )
    assert stalled.recv().startswith("0{")
    stalled.send("40/participant," + json.dumps({"code": code}))

    def move(count: int) -> None:
        done = 0
        while done < count:
            if console.call("command", {"action": "next" if done % 2 == 0 else "prev"})["ok"]:
                done += 1
            else:
                time.sleep(0.1)

    moves = 0
    while moves < 400 and _stats(live)["queued"] + _stats(live)["cut"] == 0:
        move(5)
        moves += 5
    assert _stats(live)["queued"] + _stats(live)["cut"] > 0, "the buffer never filled"

    stream = bytearray()
    stalled.sock.settimeout(0.05)
    reading = threading.Event()
    reading.set()

    def read_slowly_and_sync():
        ack_id = 100
        last_ping = 0.0
        while reading.is_set():
            # Most while the backlog drains; 18 stay within the rate limit's burst of 20.
            if ack_id < 118 and time.monotonic() - last_ping > 0.04:
                ack_id += 1
                last_ping = time.monotonic()
                try:
                    stalled.send(f'42/participant,{ack_id}["clock",{{"t0":{ack_id}}}]')
                except OSError:
                    return  # cut: it fell behind mid-frame
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

    reader = threading.Thread(target=read_slowly_and_sync)
    reader.start()
    move(40)
    reading.clear()
    reader.join()
    stalled.sock.settimeout(2.0)
    while True:
        try:
            chunk = stalled.sock.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        stream.extend(chunk)
    stalled.close()
    console.close()

    newest_answer = 0  # the highest version a clock answer carried so far
    answers = states = 0
    for message in _messages(bytes(stream)):
        if message.startswith("43/participant,"):
            reply = json.loads(message[message.index("[") :])[0]
            newest_answer = max(newest_answer, reply["version"])
            answers += 1
        elif message.startswith("42/participant,") and '"state"' in message:
            version = json.loads(message[len("42/participant,") :])[1]["version"]
            assert version >= newest_answer, "a clock answer overtook an older state"
            states += 1
    assert answers and states, (answers, states)
    pings = requests.get(f"{live.url}/healthz", timeout=5).json()["clock_pings"]
    assert pings["queued"] > 0, f"no answer had to wait behind a broadcast: {pings}"
