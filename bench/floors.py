"""The benchmark's floors: bare broadcasters Attune is measured beside, and the run's folder.

`bench/floor_flask.py` (Flask-SocketIO on gevent) and `bench/floor_node.js` (Node socket.io)
send the same payloads as Attune's step changes (bench/payloads.py); harness/load.py drives
them as it drives Attune.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from bench.payloads import write_payloads
from harness.live import free_port
from harness.load import ROOT
from harness.load import AttuneTarget
from harness.load import Config
from harness.load import Target
from harness.load import pin
from harness.load import wait_healthy

BENCH = ROOT / "bench"


class FloorTarget(Target):
    """A bare broadcaster: `bench/floor_flask.py` (gevent) or `bench/floor_node.js`."""

    def __init__(
        self,
        kind: str,
        workdir: Path,
        payloads: Path,
        cpus: list[int] | None,
        env: dict | None = None,
    ):
        self.kind = kind
        self.env = env or {}
        self.name = {"flask": "Flask-SocketIO floor", "node": "Node socket.io floor"}[kind]
        self.workdir = workdir
        self.payloads = payloads
        self.cpus = cpus
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = workdir / f"floor-{kind}-{self.port}.log"
        self.facilitator_auth = {}

    def start(self) -> None:
        if self.kind == "flask":
            command = [sys.executable, str(BENCH / "floor_flask.py")]
        else:
            node = shutil.which("node")
            if node is None:
                raise RuntimeError("node is not installed")
            command = [node, str(BENCH / "floor_node.js")]
        command += ["--port", str(self.port), "--payloads", str(self.payloads)]
        cpus = self.cpus

        def affinity() -> None:
            if cpus:
                os.sched_setaffinity(0, cpus)

        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, **(self.env if self.kind == "flask" else {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=affinity,
            )
        wait_healthy(f"http://127.0.0.1:{self.port}", self.process, self.log)
        pin(self.pid, self.cpus)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


def make_targets(kinds: list[str], cfg: Config, payloads: Path) -> list[Target]:
    targets: list[Target] = []
    for kind in kinds:
        if kind == "attune":
            targets.append(AttuneTarget(cfg.workdir, cfg.server_cpus, cfg.server_env))
        else:
            targets.append(
                FloorTarget(kind, cfg.workdir, payloads, cfg.server_cpus, cfg.server_env)
            )
    return targets


def prepare(cfg: Config) -> Path:
    """The work folder and the floors' payloads."""
    cfg.workdir.mkdir(parents=True, exist_ok=True)
    return write_payloads(cfg.workdir / "payloads.json", cfg.steps + 1)
