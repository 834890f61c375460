"""A real Attune process for tests: `python app.py` on a free port, as `make run` starts it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
ADMIN_KEY = "live-admin-key"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """Starts, kills and restarts one kiosk process on a fixed port and database."""

    def __init__(self, db: Path, workshop: Path | None = None, port: int | None = None):
        self.db = db
        self.workshop = workshop
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = db.with_suffix(".log")

    def start(self, timeout: float = 30.0) -> LiveServer:
        """Start the process and wait until /healthz answers."""
        command = [
            sys.executable,
            "app.py",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--db",
            str(self.db),
            "--public-url",
            self.url,
        ]
        if self.workshop:
            command += ["--workshop", str(self.workshop)]
        env = {**os.environ, "KIOSK_ADMIN_KEY": ADMIN_KEY}
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the kiosk exited early:\n{self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the kiosk did not answer /healthz:\n{self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """`kill -9`: no chance to flush or say goodbye."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> int | None:
        """SIGTERM and wait; returns the exit code."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(10)
        return self.process.returncode if self.process else None

    def create_session(self, workshop: str) -> dict:
        """`POST /api/sessions` with the admin key."""
        response = requests.post(
            f"{self.url}/api/sessions",
            json={"workshop": workshop},
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()
