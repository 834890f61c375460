"""Soak: 300 phones for 10 minutes, reconnecting at random, answering, stepped through a workshop.

Run: `.venv/bin/python -m bench.soak` (options: --phones, --minutes, --step-seconds).

It starts Attune as `make run` would (gevent, SQLite, real WebSockets), creates a session of the
built-in workshop, and lets a facilitator walk the room through every step again and again while
each phone drops its connection now and then (sometimes answering while it is away, as a phone
whose screen locked would), reconnects, and answers every open prompt through an outbox: an answer
is resent with the same answer_id until acknowledged. At the end it checks that nothing went wrong:
no connection failed for good, no unexpected error ack, every phone's last acknowledged answer to
each prompt is exactly what the database holds, and server memory did not keep growing.

This is a benchmark, not a timed test: figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.live import LiveServer  # noqa: E402
from harness.live import phone_cookie  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Phone:
    """One participant: connects, drops out now and then, answers through an outbox."""

    def __init__(self, soak: Soak, index: int):
        self.soak = soak
        self.name = f"soak-phone-{index:04d}-{random.getrandbits(40):010x}"
        self.cookie: str | None = None  # the id the kiosk issues it, on its first page load
        self.rng = random.Random(index)
        self.client = socketio.Client(reconnection=False)
        self.state: dict | None = None
        self.outbox: dict[str, dict] = {}  # prompt id -> message waiting for its ack
        self.acked: dict[str, object] = {}  # prompt id -> last value the kiosk acknowledged
        self.lock = threading.Lock()
        self.client.on("state", self._on_state, namespace="/participant")

    def _on_state(self, state: dict) -> None:
        if self.state is None or state["version"] >= self.state["version"]:
            self.state = state

    def connect(self) -> None:
        for attempt in range(5):
            try:
                # The phone page, opened once; after that the phone keeps its cookie.
                self.cookie = self.cookie or phone_cookie(self.soak.url, self.soak.code)
                self.client.connect(
                    self.soak.url,
                    namespaces=["/participant"],
                    auth={"code": self.soak.code},
                    headers={"Cookie": self.cookie},
                    transports=["websocket"],
                    wait_timeout=20,
                )
                self.soak.count("connects")
                return
            except (socketio.exceptions.ConnectionError, RuntimeError, OSError):
                self.soak.count("connect retries")
                time.sleep(1 + attempt)
        self.soak.problem(f"{self.name} could not connect")

    def answer_if_asked(self) -> None:
        state = self.state
        if not state:
            return
        prompt = state["step"].get("prompt")
        if not prompt or not prompt["open"] or prompt["id"] in self.outbox:
            return
        if prompt["id"] in self.acked and self.rng.random() < 0.8:
            return  # most phones answer once; some change their answer
        if prompt["kind"] == "scale":
            value = self.rng.randint(prompt["scale"]["min"], prompt["scale"]["max"])
        elif prompt["kind"] == "choice":
            value = self.rng.choice(prompt["options"])
        elif prompt["kind"] == "mood":
            value = {"pleasantness": self.rng.randint(-3, 3), "energy": self.rng.randint(-3, 3)}
        elif prompt["kind"] == "feelings":
            picked = self.rng.sample(prompt["options"], self.rng.randint(1, prompt["max_choices"]))
            value = [name for name in prompt["options"] if name in picked]
        else:
            value = self.rng.choice(["calm", "trust", "a warm hand", "sunlight", "שלום", "tea 🍵"])
        self.outbox[prompt["id"]] = {
            "prompt_id": prompt["id"],
            "value": value,
            "answer_id": f"{self.name[-10:]}-{self.rng.getrandbits(48):012x}",
        }

    def flush(self) -> None:
        for prompt_id, message in list(self.outbox.items()):
            if not self.client.connected:
                return
            try:
                ack = self.client.call("respond", message, namespace="/participant", timeout=15)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                self.soak.count("answers resent later")
                return
            self.outbox.pop(prompt_id, None)
            if ack.get("ok"):
                self.acked[prompt_id] = ack["value"]
                self.soak.count("answers acked")
            elif "closed" in ack.get("error", "") or "current step" in ack.get("error", ""):
                # The room moved on while this phone was away: the kiosk said so, clearly.
                self.soak.count("answers refused: prompt closed meanwhile")
            else:
                self.soak.problem(f"unexpected error ack: {ack}")

    def run(self, stop: threading.Event) -> None:
        self.connect()
        while not stop.is_set():
            self.answer_if_asked()
            self.flush()
            if self.rng.random() < self.soak.drop_chance:
                # A dropped connection: sometimes the phone answers while it is away.
                self.client.disconnect()
                self.soak.count("drops")
                time.sleep(self.rng.uniform(0.5, 8))
                self.answer_if_asked()
                self.connect()
            stop.wait(self.rng.uniform(0.5, 1.5))
        self.flush()
        self.client.disconnect()


class Soak:
    """The room: a kiosk process, a facilitator, and the phones."""

    def __init__(self, phones: int, minutes: float, step_seconds: float):
        self.phones_n = phones
        self.seconds = minutes * 60
        self.step_seconds = step_seconds
        # Each phone drops about once a minute on average.
        self.drop_chance = 1 / 60
        self.counts: Counter[str] = Counter()
        self.problems: list[str] = []
        self.lock = threading.Lock()
        self.workdir = Path(tempfile.mkdtemp(prefix="attune-soak-"))
        # Its phones all come from 127.0.0.1: no per-address share (harness/load.py says why).
        self.kiosk = LiveServer(self.workdir / "soak.db", env={"KIOSK_PHONES_PER_ADDRESS": "0"})

    def count(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.counts[what] += n

    def problem(self, what: str) -> None:
        with self.lock:
            self.problems.append(what)

    def facilitate(self, stop: threading.Event, token: str) -> None:
        console = socketio.Client(reconnection=True)
        console.connect(
            self.url,
            namespaces=["/facilitator"],
            auth={"code": self.code, "token": token},
            transports=["websocket"],
        )
        step, steps = 0, None
        while not stop.is_set():
            stop.wait(self.step_seconds)
            if stop.is_set():
                break
            if steps is not None and step >= steps - 1:
                ack = console.call(
                    "command", {"action": "goto", "index": 0}, namespace="/facilitator"
                )
                step = 0
                self.count("workshops walked through")
            else:
                ack = console.call("command", {"action": "next"}, namespace="/facilitator")
                step += 1
            if not ack.get("ok"):
                self.problem(f"command refused: {ack}")
            self.count("step changes")
            if steps is None:
                steps = 19  # calm-and-connect
        console.disconnect()

    def run(self) -> dict:
        self.kiosk.start()
        try:
            session = self.kiosk.create_session("calm-and-connect")
            self.url, self.code = self.kiosk.url, session["code"]
            pid = self.kiosk.process.pid
            stop = threading.Event()
            phones = [Phone(self, i) for i in range(self.phones_n)]
            threads = []
            for phone in phones:
                thread = threading.Thread(target=phone.run, args=(stop,), daemon=True)
                thread.start()
                threads.append(thread)
                time.sleep(0.01)
            time.sleep(5)
            memory = [(0.0, rss_mb(pid))]
            started = time.monotonic()
            console = threading.Thread(
                target=self.facilitate, args=(stop, session["facilitator_token"]), daemon=True
            )
            console.start()
            while time.monotonic() - started < self.seconds:
                time.sleep(10)
                memory.append((time.monotonic() - started, rss_mb(pid)))
            stop.set()
            console.join(30)
            for thread in threads:
                thread.join(60)
            time.sleep(1)
            return self.verify(phones, memory)
        finally:
            self.kiosk.kill()

    def verify(self, phones: list[Phone], memory: list[tuple[float, float]]) -> dict:
        """Every acknowledged answer stored, exactly; nothing more."""
        with sqlite3.connect(self.workdir / "soak.db") as db:
            rows = db.execute(
                "SELECT prompt_id, value_json FROM answers WHERE session_code = ?", (self.code,)
            ).fetchall()
        stored: dict[str, Counter] = {}
        for prompt_id, value_json in rows:
            stored.setdefault(prompt_id, Counter())[json.dumps(json.loads(value_json))] += 1
        expected: dict[str, Counter] = {}
        for phone in phones:
            for prompt_id, value in phone.acked.items():
                expected.setdefault(prompt_id, Counter())[json.dumps(value)] += 1
        lost = sum((expected[p] - stored.get(p, Counter())).total() for p in expected)
        extra = sum((stored[p] - expected.get(p, Counter())).total() for p in stored)
        warm = [m for t, m in memory if t >= 60] or [memory[-1][1]]
        return {
            "phones": self.phones_n,
            "minutes": round(self.seconds / 60, 1),
            "counts": dict(self.counts),
            "problems": self.problems,
            "stored_answers": len(rows),
            "acked_answers_kept": sum(c.total() for c in expected.values()),
            "lost": lost,
            "extra": extra,
            "rss_mb_after_join": round(memory[0][1], 1),
            "rss_mb_after_1_min": round(warm[0], 1),
            "rss_mb_max": round(max(m for _, m in memory), 1),
            "rss_mb_end": round(memory[-1][1], 1),
            "rss_growth_after_warmup_mb": round(memory[-1][1] - warm[0], 1),
        }


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print (and save) its figures; exit 1 on any lost answer or problem."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--step-seconds", type=float, default=12)
    parser.add_argument("--growth-bound-mb", type=float, default=40)
    args = parser.parse_args(argv)
    result = Soak(args.phones, args.minutes, args.step_seconds).run()
    result["growth_bound_mb"] = args.growth_bound_mb
    ok = (
        not result["problems"]
        and result["lost"] == 0
        and result["extra"] == 0
        and result["rss_growth_after_warmup_mb"] <= args.growth_bound_mb
    )
    result["ok"] = ok
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"soak-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"saved {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
