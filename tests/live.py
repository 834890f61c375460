"""A real Attune process for tests: `python app.py` on a free port, as `make run` starts it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
ADMIN_KEY = "live-admin-key"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """Starts, kills and restarts one kiosk process on a fixed port and database."""

    def __init__(
        self,
        db: Path | str,
        workshop: Path | None = None,
        port: int | None = None,
        env: dict | None = None,
        log: Path | None = None,
        public_url: str | None = None,
        script: str = "app.py",
        args: list[str] | None = None,
    ):
        self.db = db
        self.script = script
        self.args = list(args or [])
        self.workshop = workshop
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.public_url = public_url or self.url
        self.env = env or {}
        self.process: subprocess.Popen | None = None
        self.log = log or Path(db).with_suffix(".log")

    def start(self, timeout: float = 30.0) -> LiveServer:
        """Start the process and wait until /healthz answers."""
        command = [
            sys.executable,
            self.script,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--db",
            str(self.db),
            "--public-url",
            self.public_url,
        ]
        if self.workshop:
            command += ["--workshop", str(self.workshop)]
        command += self.args
        env = {**os.environ, "KIOSK_ADMIN_KEY": ADMIN_KEY, **self.env}
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


class SocketClient:
    """A python-socketio client of one namespace that remembers every state it got."""

    def __init__(
        self,
        url: str,
        namespace: str,
        auth: dict,
        headers: dict | None = None,
        transports: list[str] | None = None,
    ):
        self.namespace = namespace
        self.states: list[dict] = []
        self.changed = threading.Event()
        self.sio = socketio.Client(
            reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1
        )

        self.events: list[tuple[str, object]] = []

        @self.sio.on("state", namespace=namespace)
        def on_state(view):
            self.states.append(view)
            self.changed.set()

        @self.sio.on("*", namespace=namespace)
        def on_any(event, payload=None):
            self.events.append((event, payload))
            self.changed.set()

        self.sio.connect(
            url,
            namespaces=[namespace],
            auth=auth,
            headers=headers or {},
            transports=transports or ["websocket"],
            wait_timeout=10,
        )

    def call(self, event: str, payload: dict) -> dict:
        return self.sio.call(event, payload, namespace=self.namespace, timeout=10)

    def wait_state(self, predicate, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.states and predicate(self.states[-1]):
                return self.states[-1]
            self.changed.wait(0.1)
            self.changed.clear()
        raise AssertionError(f"no matching state; last: {self.states[-1] if self.states else None}")

    def wait_event(self, name: str, predicate, timeout: float = 20.0):
        """The first event `name` (other than state) whose payload matches."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event, payload in list(self.events):
                if event == name and predicate(payload):
                    return payload
            self.changed.wait(0.1)
            self.changed.clear()
        raise AssertionError(f"no matching {name!r} event; got {[e for e, _ in self.events]}")

    def close(self):
        self.sio.disconnect()
