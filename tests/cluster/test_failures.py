"""What an operator meets in a cluster: rolling restarts, PostgreSQL restarts, Redis away.

Each failure mode that docs/deploy.md describes is exercised here, on real servers.
"""

import time

import pytest
import requests

from harness.live import SocketClient
from harness.services import RedisServer
from tests.cluster.test_cluster import ASK
from tests.cluster.test_cluster import Cluster
from tests.cluster.test_cluster import console_on
from tests.cluster.test_cluster import phone


def wait_until(predicate, timeout=30.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {message}")


def all_connected(clients):
    return all(c.sio.connected and c.namespace in c.sio.namespaces for c in clients)


def console_through_nginx(cluster, session):
    return SocketClient(
        cluster.nginx.url,
        "/facilitator",
        {"code": session["code"], "token": session["facilitator_token"]},
        headers={"User-Agent": "Console/1"},
    )


def test_a_rolling_restart_keeps_the_room_and_its_answers(cluster):
    first, second = cluster.kiosks
    session = first.create_session("fast")
    console = console_through_nginx(cluster, session)
    phones = [phone(cluster, session, i) for i in range(8)]
    console.call("command", {"action": "next"})
    for i, p in enumerate(phones[:4]):
        assert p.call("respond", {"prompt_id": "mood", "value": 1 + i % 5})["ok"]
    for kiosk in (first, second):
        # SIGTERM one process at a time, as `systemctl restart attune@...` would, then bring
        # it back before the next: the room never loses its session.
        assert kiosk.stop() == 0
        time.sleep(1)
        wait_until(lambda: all_connected([console, *phones]), message="everyone reconnected")
        kiosk.start()
    for i, p in enumerate(phones[4:], start=4):
        # A long-polling phone whose next request reaches the process that just came back
        # loses its connection, and with it a message on its way: like the phone page, it
        # sends the same answer again on its new connection, and the answer counts once.
        answer = {"prompt_id": "mood", "value": 1 + i % 5, "answer_id": f"rolling-answer-{i}"}
        assert p.call_until_acked("respond", answer)["ok"]
    state = console.wait_state(lambda s: s["step"]["index"] == ASK)
    assert state["step"]["index"] == ASK
    wait_until(lambda: console.call("command", {"action": "reveal"})["ok"], message="a reveal")
    results = console.wait_state(lambda s: s["results"] and s["results"]["count"] == 8)["results"]
    assert results["count"] == 8
    for c in [console, *phones]:
        c.close()


def test_a_postgresql_restart_is_survived_without_a_false_ok(cluster, postgres_cluster):
    first, _ = cluster.kiosks
    session = first.create_session("fast")
    console = console_on(first, session)
    mine = phone(cluster, session, 1)
    before = console.call("command", {"action": "next"})["version"]
    postgres_cluster.restart()
    # The connections the restart cut are replaced; a change either fails with a clear error
    # ack or is saved, never acknowledged without being saved.
    acks = []
    for action in ("prompt_close", "prompt_open"):
        ack = console.call("command", {"action": action})
        acks.append(ack)
        assert ack.get("ok") or "could not save" in ack.get("error", ""), ack
    assert mine.call("respond", {"prompt_id": "mood", "value": 3})["ok"]
    saved = sum(1 for a in acks if a.get("ok"))
    assert console.call("command", {"action": "next"})["version"] == before + saved + 1
    console.close()
    mine.close()


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def test_with_redis_away_changes_are_saved_and_the_room_catches_up(
    tmp_path, postgres_cluster, own_redis
):
    room = Cluster(tmp_path, postgres_cluster.create_database(), own_redis.url).start()
    try:
        first, second = room.kiosks
        session = first.create_session("fast")
        console = console_on(first, session)
        far = SocketClient(second.url, "/screen", {"code": session["code"]})
        own_redis.stop()
        # The console's process saves the change and acks it; only the fan-out to the other
        # process waits for Redis.
        ack = console.call("command", {"action": "next"})
        assert ack["ok"]
        console.wait_state(lambda s: s["step"]["index"] == ASK)
        own_redis.start()
        # The broadcast to the other process was lost with Redis. Its clients learn that from
        # the version in their next clock sync, and ask for a snapshot.
        assert far.call("clock", {"t0": 1})["version"] == ack["version"]
        assert far.call("snapshot", {})["version"] == ack["version"]
        assert far.wait_state(lambda s: s["step"]["index"] == ASK)["version"] == ack["version"]
        # And once the other process has resubscribed (it retries every few seconds), changes
        # fan out through Redis again.
        deadline = time.monotonic() + 30
        fanned_out = False
        actions = ["prompt_close", "prompt_open"]
        while not fanned_out and time.monotonic() < deadline:
            seen = len(far.states)
            version = console.call("command", {"action": actions[0]})["version"]
            actions.reverse()
            time.sleep(1)
            fanned_out = any(s["version"] == version for s in far.states[seen:])
        assert fanned_out
        console.close()
        far.close()
    finally:
        room.stop()


def test_a_clock_ping_that_cannot_read_the_session_says_so_on_every_transport(
    cluster, postgres_cluster
):
    first, _ = cluster.kiosks
    session = first.create_session("fast")
    code = session["code"]
    # Over a websocket the ping is answered where it is read (fastclock.py); long-polling
    # takes the Socket.IO event path. Both read the session's version from PostgreSQL.
    answered_where_read = SocketClient(first.url, "/screen", {"code": code})
    polling = SocketClient(first.url, "/screen", {"code": code}, transports=["polling"])
    for client in (answered_where_read, polling):
        assert client.call("clock", {"t0": 1})["version"] == 1
    early = requests.get(f"{first.url}/healthz", timeout=10).json()["clock_pings"]
    assert early["direct"] + early["queued"] == 1, early
    postgres_cluster.drop_database(first.db)
    failed = [client.call("clock", {"t0": 1}) for client in (answered_where_read, polling)]
    words = "the server could not save this; please try again in a moment"
    refused = {"ok": False, "error": words, "message": {"key": words, "params": {}}}
    assert failed == [refused] * 2
    for client in (answered_where_read, polling):
        client.close()
