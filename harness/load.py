"""The coordinator: starts a server, drives the phones through the generator, measures.

`run_target()` runs one server (Attune here, or one of the benchmark's floors, bench/floors.py)
with N phones through the same phases and returns plain numbers; `bench.run` calls it for every
size and server, and `tests/process/test_bench_small.py` calls it with 50 phones as a check.

Phases, in order: join rush (N phones over a window), memory (RSS with N phones minus RSS
idle), clock sync (Attune only), step fan-out (`command next`, several times), and, on Attune,
an answer burst at a question of the workshop (`Config.answer_kind`: the scale after the circle of
safety, or the opening mood grid) with the database counted afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from multiprocessing.connection import Connection
from pathlib import Path

import requests

from harness.live import ADMIN_KEY
from harness.live import LiveServer
from harness.live import phone_cookie
from harness.wire import Conn
from harness.wire import now_ns
from workshop.script import load_library

ROOT = Path(__file__).resolve().parent.parent
WORKSHOP = "calm-and-connect"
# The answer burst's question in calm-and-connect, by the kind of answer it sends: the 1..5 scale
# after the circle of safety, or the opening 7x7 mood grid. Found by id, so steps may move.
BURST_PROMPTS = {"scale": "steady", "mood": "mood-before"}
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Config:
    """How hard and how long; the defaults are the full benchmark's."""

    workers: int = 2
    steps: int = 10  # fan-outs measured (`next` from step 0; calm-and-connect allows 18)
    burst: bool = True  # then `goto` the burst's question and have every phone answer
    answer_kind: str = "scale"  # the burst's answers: "scale" (1..5) or "mood" (a grid cell)
    join_window: float = 10.0  # seconds over which the N phones connect
    join_timeout: float = 30.0  # after the last slot, for a phone's first state
    # As the phone page syncs (static/js/clock.js): six round trips, one after the other.
    clock_samples: int = 6
    clock_gap: float = 0.0
    clock_rate: float = 500.0  # phones starting their sync per second
    burst_window: float = 1.0  # every phone answers within this many seconds
    watch_timeout: float = 20.0  # for every phone to get one version
    step_gap: float = 0.5  # quiet time between steps
    settle: float = 2.0  # after the join rush, before RSS is read
    server_cpus: list[int] | None = None  # pin the server here (None: no pinning)
    generator_cpus: list[int] | None = None  # and the generator (and this process) here
    seed: int = 5
    workdir: Path = field(default_factory=lambda: ROOT / "bench" / "results" / "work")
    # Extra environment for the Python servers (the profiler's sampler).
    server_env: dict[str, str] = field(default_factory=dict)
    # Called as on_phase(phase, "start" | "end", target) around join, clock, fanout, burst.
    on_phase: Callable[[str, str, Target], None] | None = None

    def hook(self, phase: str, edge: str, target: Target) -> None:
        if self.on_phase is not None:
            self.on_phase(phase, edge, target)


# -- small helpers ------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of unsorted values; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(round(q / 100 * len(ordered) + 0.5 - 1e-9)))
    return ordered[min(rank, len(ordered)) - 1]


def open_files(pid: int) -> int:
    """Descriptors a process has open, from /proc/<pid>/fd."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kb(pid: int) -> int:
    """Resident set size of a process, from /proc/<pid>/status (VmRSS, kB)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def core_busy(cpus: list[int] | None) -> tuple[float, float]:
    """(busy, steal) CPU seconds of these CPUs so far, from /proc/stat; zeros when unpinned."""
    if not cpus:
        return 0.0, 0.0
    busy = steal = 0
    with open("/proc/stat") as stat:
        for line in stat:
            name, *values = line.split()
            if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cpus:
                user, nice, system, _idle, _iowait, irq, softirq, st = map(int, values[:8])
                busy += user + nice + system + irq + softirq
                steal += st
    return busy / CLOCK_TICK, steal / CLOCK_TICK


def pin(pid: int, cpus: list[int] | None) -> None:
    """Pin every thread of a process to these CPUs."""
    if not cpus:
        return
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(task), cpus)
        except OSError:
            pass


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-2000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer /healthz:\n{log.read_text()[-2000:]}")


# -- servers ------------------------------------------------------------------------------


class Target:
    """A server under test: how to start it, who may connect, and its process id."""

    name = ""
    kind = ""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def size_for(self, n: int) -> None:
        """Let `n` phones in (called before `start`); nothing to do for most servers."""

    @property
    def pid(self) -> int: ...

    port: int = 0
    facilitator_auth: dict = {}

    def phone_auth(self) -> dict:
        return {}

    def phone_cookies(self, n: int) -> list[str | None]:
        """A `Cookie` header per phone (the floors check no ids: none)."""
        return [None] * n


# Phone pages opened at once while phones get their ids (not timed with the join rush).
ISSUE_THREADS = 4


class AttuneTarget(Target):
    """Attune as `make run` starts it: `python app.py` (gevent, SQLite), KIOSK_ADMIN_KEY set.

    Every phone first opens its phone page (`GET /j/<code>`), as a person scanning the QR code
    does, and connects with the id the kiosk put in its cookie. All of them come from one
    address (127.0.0.1), like a room behind one NAT, so the kiosk runs with
    KIOSK_PHONES_PER_ADDRESS=0 (no per-address share), as an operator in that case would.
    """

    name = "Attune"
    kind = "attune"

    def __init__(self, workdir: Path, cpus: list[int] | None, env: dict | None = None):
        self.workdir = workdir
        self.cpus = cpus
        self.env = {"KIOSK_PHONES_PER_ADDRESS": "0", **(env or {})}
        self.db = workdir / f"attune-{os.getpid()}-{time.monotonic_ns()}.db"
        self.server = LiveServer(self.db, env=self.env)
        self.port = self.server.port
        self.code = ""
        self.token = ""

    def size_for(self, n: int) -> None:
        # A session takes KIOSK_MAX_PARTICIPANTS phones (5,000 by default): a bigger room
        # raises it, as a facilitator expecting one would.
        if n > 5000:
            self.server.env["KIOSK_MAX_PARTICIPANTS"] = str(n)

    def start(self) -> None:
        self.server.start()
        pin(self.pid, self.cpus)
        created = self.server.create_session(WORKSHOP)
        self.code = created["code"]
        self.token = created["facilitator_token"]
        self.facilitator_auth = {"code": self.code, "token": self.token}

    def phone_auth(self) -> dict:
        return {"code": self.code}

    def phone_cookies(self, n: int) -> list[str | None]:
        """Each phone's id from the kiosk: its phone page opened once, a few at a time."""
        url = f"http://127.0.0.1:{self.port}"
        with ThreadPoolExecutor(ISSUE_THREADS) as pool:
            return list(pool.map(lambda _: phone_cookie(url, self.code), range(n)))

    @property
    def pid(self) -> int:
        return self.server.process.pid

    def stop(self) -> None:
        self.server.kill()

    def answers_stored(self, prompt_id: str) -> set[str]:
        """The answer ids in the database file for this session and prompt (read directly)."""
        with sqlite3.connect(self.db, timeout=10) as db:
            rows = db.execute(
                "SELECT answer_id FROM answers WHERE session_code = ? AND prompt_id = ?",
                (self.code, prompt_id),
            ).fetchall()
        return {row[0] for row in rows}


# -- the generator ------------------------------------------------------------------------


class Generator:
    """A few generator processes (`harness.phones`), each with a share of the phones."""

    def __init__(self, workers: int, cpus: list[int] | None = None):
        # Plain processes joined by a socket pair (no multiprocessing start method, so no
        # re-import of whatever script or test runner started us).
        self.pipes: list[Connection] = []
        self.processes: list[subprocess.Popen] = []

        def affinity() -> None:
            if cpus:
                os.sched_setaffinity(0, cpus)

        for _ in range(workers):
            ours, theirs = socket.socketpair()
            process = subprocess.Popen(
                [sys.executable, "-c", f"import harness.phones as p; p.main_fd({theirs.fileno()})"],
                cwd=ROOT,
                pass_fds=[theirs.fileno()],
                preexec_fn=affinity,
            )
            theirs.close()
            self.pipes.append(Connection(ours.detach()))
            self.processes.append(process)

    def __len__(self) -> int:
        return len(self.pipes)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    async def call(self, command: str, args: list[dict] | dict, timeout: float) -> list[dict]:
        """Send a command to every worker (one args dict each, or the same) and await all."""
        loop = asyncio.get_running_loop()
        if isinstance(args, dict):
            args = [args] * len(self.pipes)
        futures = []
        for pipe, arg in zip(self.pipes, args, strict=True):
            future = loop.create_future()

            def ready(pipe=pipe, future=future) -> None:
                loop.remove_reader(pipe.fileno())
                try:
                    future.set_result(pipe.recv())
                except (EOFError, OSError) as problem:
                    future.set_exception(RuntimeError(f"generator process died: {problem}"))

            loop.add_reader(pipe.fileno(), ready)
            pipe.send((command, arg))
            futures.append(future)
        gathered = asyncio.gather(*futures)
        # On a timeout or Ctrl-C the gathered failure is ours to drop, not asyncio's to log.
        gathered.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            return await asyncio.wait_for(gathered, timeout)
        finally:
            for pipe in self.pipes:
                loop.remove_reader(pipe.fileno())

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("quit", {}))
            except OSError:
                pass
        for process in self.processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        for pipe in self.pipes:
            pipe.close()


# -- one run ------------------------------------------------------------------------------


class Facilitator:
    """The console, in this process: sends commands and times them."""

    def __init__(self, loop, port: int, auth: dict):
        self.loop = loop
        self.joined = loop.create_future()
        self.conn = Conn(
            loop,
            ("127.0.0.1", port),
            "/facilitator",
            auth,
            on_joined=lambda c, k: self.joined.done() or self.joined.set_result(True),
            on_refused=lambda c, m: (
                self.joined.done()
                or self.joined.set_exception(RuntimeError(f"facilitator refused: {m}"))
            ),
            on_lost=lambda c, r: (
                self.joined.done()
                or self.joined.set_exception(RuntimeError(f"facilitator lost: {r}"))
            ),
        )

    async def open(self) -> None:
        await self.conn.open()
        await asyncio.wait_for(self.joined, 15)

    async def command(self, action: str, **fields) -> tuple[int, dict, int]:
        """(sent ns, ack, ack kernel ns)."""
        future = self.loop.create_future()
        sent = self.conn.emit(
            "command",
            {"action": action, **fields},
            lambda c, reply, kts, uts: future.set_result((reply, kts)),
        )
        reply, kts = await asyncio.wait_for(future, 60)
        if not isinstance(reply, dict) or not reply.get("ok"):
            raise RuntimeError(f"command {action} refused: {reply}")
        return sent, reply, kts

    def close(self) -> None:
        self.conn.close()


def _split(items: list, parts: int) -> list[list]:
    """Deal items round-robin, so every worker's share is spread over the whole window."""
    return [items[i::parts] for i in range(parts)]


class Phase:
    """CPU used by the server and by each generator process over one phase."""

    def __init__(
        self,
        server_pid: int,
        generator: Generator,
        replies: list[dict] | None,
        cpus: list[int] | None = None,
    ):
        self.server_pid = server_pid
        self.cpus = cpus
        self.core0 = core_busy(cpus)
        self.t0 = time.monotonic()
        self.server0 = cpu_of(server_pid)
        self.own0 = _own_cpu()
        self.gen0 = [r["cpu"] for r in replies] if replies else None

    def end(self, replies: list[dict]) -> dict:
        wall = max(1e-6, time.monotonic() - self.t0)
        server = cpu_of(self.server_pid) - self.server0
        core, steal = (a - b for a, b in zip(core_busy(self.cpus), self.core0, strict=True))
        result = {
            "seconds": wall,
            "server_cpu": server / wall,
            "foreign_cpu": max(0.0, core - server) / wall if self.cpus else None,
            "steal": steal / wall if self.cpus else None,
            "coordinator_cpu": (_own_cpu() - self.own0) / wall,
            "lag_ms": max(r["lag_ms"] for r in replies),
        }
        if self.gen0 is not None:
            result["generator_cpu"] = [
                (r["cpu"] - c0) / wall for r, c0 in zip(replies, self.gen0, strict=True)
            ]
        return result


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


async def run_target(target: Target, n: int, generator: Generator, cfg: Config) -> dict:
    """Start `target`, drive `n` phones through every phase, stop it; return the figures."""
    rng = random.Random(cfg.seed * 1_000_003 + n)
    result: dict = {"target": target.name, "kind": target.kind, "n": n}
    target.size_for(n)
    target.start()
    facilitator = None
    try:
        loop = asyncio.get_running_loop()
        pings = await generator.call("ping", {}, 10)
        facilitator = Facilitator(loop, target.port, target.facilitator_auth)
        await facilitator.open()
        # -- phone ids: each phone's page opened once, before the idle memory is read and
        # the join rush starts (neither includes it) --------------------------------------
        issued = time.monotonic()
        cookies = await loop.run_in_executor(None, target.phone_cookies, n)
        result["phone_ids_s"] = time.monotonic() - issued
        await asyncio.sleep(0.5)
        rss_idle = rss_kb(target.pid)
        files_idle = open_files(target.pid)

        # -- join rush ---------------------------------------------------------------
        specs = [
            {
                "idx": i,
                "cookie": cookies[i],
                "auth": target.phone_auth(),
                "offset_ms": rng.uniform(-3_600_000, 3_600_000),
            }
            for i in range(n)
        ]
        shares = _split(specs, len(generator))
        await generator.call(
            "setup",
            [
                {
                    "host": "127.0.0.1",
                    "port": target.port,
                    "namespace": "/participant",
                    "phones": share,
                }
                for share in shares
            ],
            60,
        )
        start = now_ns() + 300_000_000
        step_ns = cfg.join_window * 1e9 / max(1, n)
        slots = _split([start + int(i * step_ns) for i in range(n)], len(generator))
        phase = Phase(target.pid, generator, pings, cfg.server_cpus)
        cfg.hook("join", "start", target)
        joined = await generator.call(
            "join",
            [{"slots_ns": s, "timeout": cfg.join_timeout} for s in slots],
            cfg.join_window + cfg.join_timeout + 60,
        )
        cfg.hook("join", "end", target)
        result["join_phase"] = phase.end(joined)
        rows = [row for reply in joined for row in reply["phones"]]
        first_state_ms = [(row[3] - row[1]) / 1e6 for row in rows if row[3]]
        failures = [row[4] for row in rows if row[4]]
        last_state = max((row[3] for row in rows if row[3]), default=start)
        result["join"] = {
            "window_s": cfg.join_window,
            "failures": len(failures),
            "failure_examples": sorted(set(failures))[:5],
            "first_state_p50_ms": percentile(first_state_ms, 50),
            "first_state_p99_ms": percentile(first_state_ms, 99),
            "first_state_max_ms": max(first_state_ms, default=None),
            "all_joined_s": (last_state - start) / 1e9,
        }

        # -- memory ------------------------------------------------------------------
        await asyncio.sleep(cfg.settle)
        rss_full = rss_kb(target.pid)
        connected = n - len(failures)
        result["memory"] = {
            "rss_idle_mb": rss_idle / 1024,
            "rss_full_mb": rss_full / 1024,
            "kb_per_phone": (rss_full - rss_idle) / max(1, connected),
            # Open files held per connected phone: the process's open-file limit divided by
            # this is how many phones it can ever take.
            "fds_per_phone": (open_files(target.pid) - files_idle) / max(1, connected),
        }
        if target.kind == "attune":
            try:
                health = requests.get(f"http://127.0.0.1:{target.port}/healthz", timeout=30)
                result["descriptors"] = health.json().get("descriptors")
            except (requests.RequestException, ValueError):
                result["descriptors"] = None

        # -- clock sync (Attune only: the floors have no clock event) ----------------
        if target.kind == "attune" and cfg.clock_samples:
            window = max(1.0, n / cfg.clock_rate)
            start = now_ns() + 200_000_000
            slot_list = [start + int(rng.uniform(0, window) * 1e9) for _ in range(n)]
            phase = Phase(
                target.pid, generator, await generator.call("ping", {}, 10), cfg.server_cpus
            )
            cfg.hook("clock", "start", target)
            clocked = await generator.call(
                "clock",
                [
                    {
                        "slots_ns": s,
                        "samples": cfg.clock_samples,
                        "gap": cfg.clock_gap,
                        "timeout": 30,
                    }
                    for s in _split(slot_list, len(generator))
                ],
                window + 90,
            )
            cfg.hook("clock", "end", target)
            result["clock_phase"] = phase.end(clocked)
            rows = [row for reply in clocked for row in reply["phones"]]
            errors = [abs(row[3]) for row in rows if row[3] is not None]
            errors_user = [abs(row[4]) for row in rows if row[4] is not None]
            errors_page = [abs(row[6]) for row in rows if len(row) > 6 and row[6] is not None]
            rtts = [row[2] for row in rows if row[2] is not None]
            round_trips = sum(row[5] for row in rows)
            phase_figures = result["clock_phase"]
            server_seconds = phase_figures["server_cpu"] * phase_figures["seconds"]
            result["clock"] = {
                "phones": len(errors),
                "missing": len(rows) - len(errors),
                "window_s": window,
                "samples": cfg.clock_samples,
                "error_p50_ms": percentile(errors, 50),
                "error_p99_ms": percentile(errors, 99),
                "error_max_ms": max(errors, default=None),
                "error_read_time_p99_ms": percentile(errors_user, 99),
                "error_page_p50_ms": percentile(errors_page, 50),
                "error_page_p99_ms": percentile(errors_page, 99),
                "best_rtt_p99_ms": percentile(rtts, 99),
                "round_trips": round_trips,
                # Everything the server did in the phase, per round trip: mostly clock pings.
                "server_us_per_round_trip": server_seconds * 1e6 / max(1, round_trips),
            }
            if target.kind == "attune":
                # How many pings fastclock.py answered where they were read (a figure for the
                # report: an overloaded server must not fail the run).
                try:
                    health = requests.get(f"http://127.0.0.1:{target.port}/healthz", timeout=30)
                    result["clock"]["answered_early"] = health.json().get("clock_pings")
                except (requests.RequestException, ValueError):
                    result["clock"]["answered_early"] = None
            await asyncio.sleep(0.5)

        # -- fan-out ---------------------------------------------------------------------
        steps = []
        fan_phase = {
            "server": 0.0,
            "wall": 0.0,
            "gen": [0.0] * len(generator),
            "lag": 0.0,
            "core": 0.0,
            "steal": 0.0,
        }
        cfg.hook("fanout", "start", target)
        for _index in range(cfg.steps):
            before = await generator.call("ping", {}, 10)
            mark = time.monotonic()
            server0 = cpu_of(target.pid)
            core0, steal0 = core_busy(cfg.server_cpus)
            sent, reply, ack_kts = await facilitator.command("next")
            version = reply["version"]
            watched = await generator.call(
                "watch",
                {"version": version, "timeout": cfg.watch_timeout},
                cfg.watch_timeout + 30,
            )
            fan_phase["wall"] += time.monotonic() - mark
            fan_phase["server"] += cpu_of(target.pid) - server0
            core1, steal1 = core_busy(cfg.server_cpus)
            fan_phase["core"] += core1 - core0
            fan_phase["steal"] += steal1 - steal0
            for i, (b, w) in enumerate(zip(before, watched, strict=True)):
                fan_phase["gen"][i] += w["cpu"] - b["cpu"]
            fan_phase["lag"] = max(fan_phase["lag"], max(w["lag_ms"] for w in watched))
            steps.append(
                {
                    "version": version,
                    "sent_ns": sent,
                    "ack_ms": (ack_kts - sent) / 1e6,
                    "got": sum(w["got"] for w in watched),
                    "expected": sum(w["expected"] for w in watched),
                }
            )
            await asyncio.sleep(cfg.step_gap)
        cfg.hook("fanout", "end", target)
        wall = max(1e-6, fan_phase["wall"])
        result["fanout_phase"] = {
            "seconds": wall,
            "server_cpu": fan_phase["server"] / wall,
            "generator_cpu": [g / wall for g in fan_phase["gen"]],
            "lag_ms": fan_phase["lag"],
            # Busy time of the server's core that was not the server (other processes,
            # interrupts), and time the hypervisor took away: the machine's noise.
            "foreign_cpu": (
                max(0.0, fan_phase["core"] - fan_phase["server"]) / wall
                if cfg.server_cpus
                else None
            ),
            "steal": fan_phase["steal"] / wall if cfg.server_cpus else None,
        }

        # -- answer burst (Attune): to the burst's question, whose prompt opens -----------
        if target.kind == "attune" and cfg.burst:
            step = burst_step(cfg.answer_kind)
            _sent, reply, _kts = await facilitator.command("goto", index=step)
            await generator.call(
                "watch",
                {"version": reply["version"], "timeout": cfg.watch_timeout},
                cfg.watch_timeout + 30,
            )
            await asyncio.sleep(cfg.step_gap)
            cfg.hook("burst", "start", target)
            result["burst"] = await _burst(target, n, generator, cfg, rng)
            cfg.hook("burst", "end", target)

        # -- every arrival ---------------------------------------------------------------
        reports = await generator.call("report", {}, 60)
        arrivals: dict[int, dict] = {}
        for report in reports:
            arrivals.update(report["arrivals"])
        live = {idx for report in reports for idx in report["live"]}
        result["state_bytes"] = max(r["state_bytes"] for r in reports)
        latencies, read_lag, per_step = [], [], []
        misses = 0
        for step in steps:
            version = step["version"]
            these = []
            for idx in live:
                got = arrivals[idx].get(version)
                if got is None:
                    misses += 1
                    continue
                these.append((got[0] - step["sent_ns"]) / 1e6)
                read_lag.append((got[1] - got[0]) / 1e6)
            latencies.extend(these)
            per_step.append(
                {
                    "version": version,
                    "p50_ms": percentile(these, 50),
                    "p99_ms": percentile(these, 99),
                    "last_ms": max(these, default=None),
                    "ack_ms": step["ack_ms"],
                    "received": len(these),
                }
            )
        lasts = [s["last_ms"] for s in per_step if s["last_ms"] is not None]
        result["fanout"] = {
            "steps": len(steps),
            "phones": len(live),
            "misses": misses,
            "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99),
            "step_p99_median_ms": percentile(
                [s["p99_ms"] for s in per_step if s["p99_ms"] is not None], 50
            ),
            "last_median_ms": percentile(lasts, 50),
            "last_max_ms": max(lasts, default=None),
            "per_step": per_step,
            "duplicates": sum(r["dups"] for r in reports),
            "read_lag_p99_ms": percentile(read_lag, 99),
            "read_lag_max_ms": max(read_lag, default=None),
            "no_kernel_stamp": sum(r["no_kts"] for r in reports),
            "lost": sum(r["lost_count"] for r in reports),
            "lost_examples": sorted({x for r in reports for x in r["lost"]})[:5],
        }
        if target.kind == "attune":
            # How Attune delivered its broadcasts so far (fanout.py): written straight to the
            # socket, left to engine.io's queue, or connections cut mid-frame.
            # A figure for the report, not a result: an overloaded server must not fail the run.
            try:
                health = requests.get(f"http://127.0.0.1:{target.port}/healthz", timeout=30)
                result["broadcasts"] = health.json().get("broadcasts")
            except (requests.RequestException, ValueError):
                result["broadcasts"] = None
        await generator.call("disconnect", {}, 60)
        return result
    finally:
        if facilitator is not None:
            facilitator.close()
        target.stop()


def burst_step(answer_kind: str) -> int:
    """The step of calm-and-connect whose question the burst answers with `answer_kind`."""
    return load_library()[WORKSHOP].prompt(BURST_PROMPTS[answer_kind])[0]


def burst_value(answer_kind: str, rng) -> int | dict:
    """One phone's answer in the burst: a point of the scale, or a cell of the mood grid."""
    if answer_kind == "mood":
        return {"pleasantness": rng.randint(-3, 3), "energy": rng.randint(-3, 3)}
    return rng.randint(1, 5)


async def _burst(target: Target, n: int, generator: Generator, cfg: Config, rng) -> dict:
    """Every phone answers the burst's question within `burst_window`; count acks and rows."""
    start = now_ns() + 300_000_000
    slots = [start + int(rng.uniform(0, cfg.burst_window) * 1e9) for _ in range(n)]
    values = [burst_value(cfg.answer_kind, rng) for _ in range(n)]
    prompt_id = BURST_PROMPTS[cfg.answer_kind]
    phase = Phase(target.pid, generator, await generator.call("ping", {}, 10), cfg.server_cpus)
    replies = await generator.call(
        "burst",
        [
            {"prompt_id": prompt_id, "slots_ns": s, "values": v, "timeout": 60}
            for s, v in zip(
                _split(slots, len(generator)), _split(values, len(generator)), strict=True
            )
        ],
        cfg.burst_window + 120,
    )
    phase_figures = phase.end(replies)
    rows = [row for reply in replies for row in reply["answers"]]
    acked = [row for row in rows if isinstance(row[5], dict) and row[5].get("ok")]
    refused = [row for row in rows if isinstance(row[5], dict) and not row[5].get("ok")]
    unanswered = [row for row in rows if row[5] is None]
    latencies = [(row[3] - row[2]) / 1e6 for row in acked]
    first_sent = min((row[2] for row in rows if row[2]), default=0)
    last_ack = max((row[3] for row in acked), default=first_sent)
    stored = target.answers_stored(prompt_id)
    acked_ids = {row[1] for row in acked}
    return {
        "phones": n,
        "answer_kind": cfg.answer_kind,
        "sent": sum(1 for row in rows if row[2]),
        "acked": len(acked),
        "refused": len(refused),
        "refusal_examples": sorted({str(row[5].get("error")) for row in refused})[:3],
        "unanswered": len(unanswered),
        "ack_p50_ms": percentile(latencies, 50),
        "ack_p99_ms": percentile(latencies, 99),
        "ack_max_ms": max(latencies, default=None),
        "answers_per_s": len(acked) / max(1e-9, (last_ack - first_sent) / 1e9),
        "send_span_s": (max((r[2] for r in rows if r[2]), default=0) - first_sent) / 1e9,
        "db_rows": len(stored),
        "acked_not_stored": len(acked_ids - stored),
        "phase": phase_figures,
    }


def run_target_sync(target: Target, n: int, generator: Generator, cfg: Config) -> dict:
    """`run_target` from synchronous code (the test suite, bench.cluster).

    It runs in a thread of its own, with its own event loop: the caller's thread may already
    have one running (Playwright's, when the browser tests ran earlier in the same session).
    """
    outcome: dict = {}

    def drive() -> None:
        try:
            outcome["result"] = asyncio.run(run_target(target, n, generator, cfg))
        except BaseException as error:  # handed back to the caller below
            outcome["error"] = error

    thread = threading.Thread(target=drive, name="bench-driver")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def dump(result: dict, path: Path) -> None:
    path.write_text(json.dumps(result, indent=2, default=str))


__all__ = [
    "ADMIN_KEY",
    "AttuneTarget",
    "Config",
    "Generator",
    "run_target",
    "run_target_sync",
]
