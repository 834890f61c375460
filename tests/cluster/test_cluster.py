"""Several Attune processes behind nginx, sharing Redis and PostgreSQL: one room.

Everything here is real: redis-server, PostgreSQL and nginx from Debian's packages, the
kiosk as `python app.py` processes, nginx running deploy/nginx.conf.
"""

import http.client
import threading
import time
from pathlib import Path

from harness.live import LiveServer
from harness.live import SocketClient
from harness.live import free_port
from harness.services import NginxServer
from tests.concurrency import run_together

FAST = Path(__file__).with_name("fast.yaml")
START, ASK, QUICK, AFTER, END = range(5)


class Cluster:
    """Attune processes sharing PostgreSQL and Redis, with nginx in front of them."""

    def __init__(self, workdir: Path, dsn: str, redis_url: str, processes: int = 2):
        nginx_port = free_port()
        public = f"http://127.0.0.1:{nginx_port}"
        self.kiosks = [
            LiveServer(
                dsn,
                workshop=FAST,
                # As docs/deploy.md sets them up: nginx, on this machine, is the trusted proxy.
                env={"KIOSK_MESSAGE_QUEUE": redis_url, "KIOSK_TRUSTED_PROXIES": "1"},
                log=workdir / f"kiosk-{i}.log",
                public_url=public,
            )
            for i in range(processes)
        ]
        self.nginx = NginxServer(workdir / "nginx", [k.port for k in self.kiosks], port=nginx_port)

    def start(self):
        """Start every process, then nginx; if one fails, stop what did start, then raise."""
        try:
            for kiosk in self.kiosks:
                kiosk.start()
            self.nginx.start()
        except BaseException:
            self.stop()  # nothing of a failed start may outlive the test run
            raise
        return self

    def stop(self):
        self.nginx.stop()
        for kiosk in self.kiosks:
            kiosk.kill()


def phone(cluster, session, i, transports=None):
    """A phone through nginx; its User-Agent decides which process it lands on.

    Its id comes from its phone page, opened through nginx (any process signs it with the key
    they share); `.cookie` reconnects as the same phone, on any process.
    """
    return SocketClient.phone(
        cluster.nginx.url,
        session["code"],
        headers={"User-Agent": f"ClusterPhone/{i}"},
        transports=transports or ["polling", "websocket"],
    )


def console_on(kiosk, session):
    return SocketClient(
        kiosk.url, "/facilitator", {"code": session["code"], "token": session["facilitator_token"]}
    )


def test_one_room_across_processes(cluster):
    first, second = cluster.kiosks
    session = first.create_session("fast")
    console = console_on(first, session)  # the console on one process...
    screen = SocketClient(
        second.url, "/screen", {"code": session["code"]}
    )  # ...the screen on another
    phones = [phone(cluster, session, i) for i in range(12)]

    # Every phone and the screen get every step change, wherever they are connected.
    for action in ("next", "prev", "next"):
        version = console.call("command", {"action": action})["version"]
        for client in [screen, *phones]:
            client.wait_state(lambda s, v=version: s["version"] >= v)
    assert all(p.current["step"]["index"] == ASK for p in phones)

    # The head count is the room's, not one process's.
    # The head count is the room's, not one process's: a screen on the second process counts
    # the phones of both (its snapshot reads the shared presence).
    count = SocketClient(second.url, "/screen", {"code": session["code"]})
    deadline = time.monotonic() + 20
    while count.current["session"]["participants"] != 12 and time.monotonic() < deadline:
        time.sleep(0.6)  # past the per-process count cache
        count.call("snapshot", {})
    assert count.current["session"]["participants"] == 12

    # Answers sent through different processes are all counted, each once, retries included.
    acked = []
    for i, p in enumerate(phones):
        message = {"prompt_id": "mood", "value": 1 + i % 5, "answer_id": f"cluster-answer-{i:03d}"}
        assert p.call("respond", message)["ok"]
        assert p.call("respond", message)["ok"]  # a retry after a lost ack
        acked.append(message["value"])
    retry = SocketClient.phone(second.url, session["code"], cookie=phones[0].cookie)
    assert retry.call(
        "respond", {"prompt_id": "mood", "value": 1, "answer_id": "cluster-answer-000"}
    )["ok"]
    console.call("command", {"action": "reveal"})
    results = screen.wait_state(lambda s: s["results"] and s["results"].get("count") == 12)[
        "results"
    ]
    assert sorted(v for b in results["histogram"] for v in [b["value"]] * b["count"]) == sorted(
        acked
    )
    for client in [console, screen, count, retry, *phones]:
        client.close()


def test_versions_stay_gap_free_with_two_consoles_on_two_processes(cluster):
    first, second = cluster.kiosks
    session = first.create_session("fast")
    consoles = [console_on(first, session), console_on(second, session)]
    start = consoles[0].call("command", {"action": "goto", "index": QUICK})["version"]
    acks: list[dict] = []
    lock = threading.Lock()

    def drive(console):
        # Every timer_add changes the state, so each must take exactly one new version.
        for _ in range(15):
            ack = console.call("command", {"action": "timer_add", "seconds": 1})
            with lock:
                acks.append(ack)

    run_together(drive, [(c,) for c in consoles])
    assert all(a["ok"] for a in acks), acks
    assert sorted(a["version"] for a in acks) == list(range(start + 1, start + 31))
    state = consoles[1].wait_state(lambda s: s["version"] == start + 30)
    assert state["step"]["timer"]["duration_ms"] == 2_000 + 30_000
    for c in consoles:
        c.close()


def test_auto_advance_fires_once_across_processes(cluster):
    first, second = cluster.kiosks
    session = first.create_session("fast")
    console = console_on(first, session)
    watcher = console_on(second, session)
    console.call("command", {"action": "goto", "index": QUICK})
    started = console.call("command", {"action": "timer_start"})["version"]
    moved = watcher.wait_state(lambda s: s["step"]["index"] == AFTER, timeout=20)
    assert moved["version"] == started + 1
    time.sleep(2)  # any second advance would have happened by now
    assert watcher.current["step"]["index"] == AFTER
    assert watcher.current["version"] == started + 1
    console.close()
    watcher.close()


def test_killing_a_process_moves_its_phones_without_losing_answers(cluster):
    first, second = cluster.kiosks
    session = first.create_session("fast")
    console = console_on(second, session)
    phones = [phone(cluster, session, i) for i in range(10)]
    console.call("command", {"action": "next"})
    for i, p in enumerate(phones):
        assert p.call("respond", {"prompt_id": "mood", "value": 1 + i % 5})["ok"]
    seen = {id(p): len(p.states) for p in phones}
    cluster.kiosks[0].kill()
    # The phones that were on the killed process reconnect through nginx to the survivor
    # and get a fresh snapshot; the others never noticed.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        moved = [p for p in phones if len(p.states) > seen[id(p)]]
        if moved and all(p.sio.connected and "/participant" in p.sio.namespaces for p in phones):
            break
        time.sleep(0.2)
    time.sleep(1)
    moved = [p for p in phones if len(p.states) > seen[id(p)]]
    for p in phones:
        assert p.sio.connected and p.current["step"]["index"] == ASK
    moved = len(moved)
    assert 0 < moved < len(phones), "phones were spread over both processes"
    console.call("command", {"action": "reveal"})
    results = console.wait_state(lambda s: s["results"] and s["results"]["count"] == 10)["results"]
    assert results["count"] == 10
    for client in [console, *phones]:
        client.close()


def status_from(address: str, url: str, path: str, headers: dict) -> int:
    """GET `path` through nginx from a given loopback address (Linux routes all of 127/8)."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(
        host, int(port), timeout=10, source_address=(address, 0)
    )
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_through_nginx_the_brake_counts_each_clients_own_address(cluster):
    code = cluster.kiosks[0].create_session("fast")["code"]
    url = cluster.nginx.url
    # nginx overwrites X-Forwarded-For with the address it sees: a made-up one changes nothing.
    statuses = [
        status_from(
            "127.0.0.2",
            url,
            f"/j/WRNG2{letter}",
            {"User-Agent": "Guesser/1", "X-Forwarded-For": f"203.0.113.{i}"},
        )
        for i, letter in enumerate("ABCDEFGHJKMNPQRSTUVWXYZ34")
    ]
    assert statuses == [404] * 20 + [429] * 5
    assert status_from("127.0.0.2", url, f"/j/{code}", {"User-Agent": "Guesser/1"}) == 429
    # Another phone behind the same nginx, whichever process it reaches, is not slowed by it.
    assert status_from("127.0.0.3", url, f"/j/{code}", {"User-Agent": "Guesser/1"}) == 200
