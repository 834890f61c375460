"""A real Attune process for tests: `python app.py` on a free port, as `make run` starts it."""

from __future__ import annotations

import http.client
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
ADMIN_KEY = "live-admin-key"
PHONE_COOKIE = "attune_phone"  # + "_<code>": one cookie per session


def free_port() -> int:
    """A TCP port nobody listens on right now, and that outgoing connections will not take.

    A port the kernel hands out for `bind(0)` comes from its ephemeral range, the same range
    it draws from for every outgoing connection; with hundreds of test phones connecting at
    once, one of them could take the port between this check and the server's own bind
    ("Address already in use"). So the port is picked at random below that range, and
    checked free.
    """
    first_ephemeral = _ephemeral_ports()[0]
    if first_ephemeral - 1 <= PORTS_FROM:  # an unusual kernel range: let the kernel choose
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]
    for _ in range(200):
        port = random.randint(PORTS_FROM, first_ephemeral - 1)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {PORTS_FROM} and {first_ephemeral - 1}")


# Below the kernel's ephemeral range (32768 by default) and above the well-known services.
PORTS_FROM = 20_000


def _ephemeral_ports() -> tuple[int, int]:
    """The kernel's range for outgoing connections' local ports (Linux; a default elsewhere)."""
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


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
        open_files: tuple[int, int] | None = None,
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
        # (soft, hard) RLIMIT_NOFILE the process starts with, as `ulimit -S -n` / `-H -n` set.
        self.open_files = open_files

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
        limits = self.open_files

        def set_limits() -> None:
            if limits is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, limits)

        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=set_limits if limits is not None else None,
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


def open_phone_page(
    url: str, code: str, source: str = "127.0.0.1", cookie: str | None = None
) -> http.client.HTTPResponse:
    """`GET /j/<code>` as a phone's browser does, from `source` (a loopback address such as
    127.0.0.2 stands for another device), with `cookie` if it has one; the body is read."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request("GET", f"/j/{code}", headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


def phone_cookie(url: str, code: str, source: str = "127.0.0.1") -> str:
    """A `Cookie` header holding a new phone id from the kiosk, as its phone page sets it.

    Phones no longer choose their own ids: a test phone opens the page first, like a person
    scanning the QR code, and sends the cookie back with its Socket.IO connection.
    """
    response = open_phone_page(url, code, source)
    if response.status != 200:
        raise RuntimeError(f"GET /j/{code} answered {response.status}: {response.body[:300]!r}")
    name = f"{PHONE_COOKIE}_{code}"
    return f"{name}={SimpleCookie(response.getheader('Set-Cookie'))[name].value}"


# Every SocketClient not yet closed. A client whose server has gone keeps trying to reconnect
# from a thread of its own for as long as the test process lives, and that thread draws on the
# global `random` (python-socketio's reconnect jitter): tests close what they open, and
# `close_open_clients` closes what a failed or forgetful test left behind.
_open_clients: weakref.WeakSet = weakref.WeakSet()


def close_open_clients() -> int:
    """Close every SocketClient still open (connected or reconnecting); how many there were."""
    left = list(_open_clients)
    for client in left:
        client.close()
    return len(left)


class SocketClient:
    """A python-socketio client of one namespace that remembers every state it got.

    `cookie` is sent with the handshake (a phone's id from `phone_cookie`); a phone made with
    `SocketClient.phone` fetches its own and keeps it in `self.cookie` for reconnecting as the
    same phone.
    """

    @classmethod
    def phone(cls, url: str, code: str, cookie: str | None = None, **options) -> SocketClient:
        """A phone of session `code`: a new one, or the phone whose `cookie` this is."""
        cookie = cookie or phone_cookie(url, code)
        return cls(url, "/participant", {"code": code}, cookie=cookie, **options)

    def __init__(
        self,
        url: str,
        namespace: str,
        auth: dict,
        headers: dict | None = None,
        transports: list[str] | None = None,
        cookie: str | None = None,
    ):
        self.namespace = namespace
        self.cookie = cookie
        # The cookie goes in the HTTP session's jar, not in `headers`: python-engineio moves a
        # `Cookie` header out of the very dict it was given when it opens a websocket, and
        # python-socketio reconnects with that dict, so a reconnect would go without it.
        http = requests.Session()
        if cookie:
            name, _, value = cookie.partition("=")
            http.cookies.set(name, value)
        self.states: list[dict] = []
        # What the page shows: the newest version seen. In a cluster two processes publish
        # their broadcasts independently, so an older version can arrive after a newer one;
        # the pages drop it (connection.js), and so does this.
        self.current: dict | None = None
        self.changed = threading.Event()
        self.sio = socketio.Client(
            reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1, http_session=http
        )

        self.events: list[tuple[str, object]] = []

        @self.sio.on("state", namespace=namespace)
        def on_state(view):
            self.states.append(view)
            if self.current is None or view.get("version", -1) >= self.current.get("version", -1):
                self.current = view
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
        _open_clients.add(self)

    def call(self, event: str, payload: dict) -> dict:
        return self.sio.call(event, payload, namespace=self.namespace, timeout=10)

    def call_until_acked(self, event: str, payload: dict, within: float = 30.0) -> dict:
        """Send `payload` again until it is acked, as the phone page's outbox does.

        A connection that breaks while a message is on its way loses the message or its ack
        (in a cluster: a long-polling phone whose next request lands on a process that just
        came back). The page keeps the message and sends it again on the new connection; so
        does this. The payload should carry an `answer_id`, so a repeat counts once.
        """
        deadline = time.monotonic() + within
        while True:
            try:
                if self.sio.connected and self.namespace in self.sio.namespaces:
                    return self.sio.call(event, payload, namespace=self.namespace, timeout=5)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                pass  # lost with its connection: the next one gets it
            if time.monotonic() >= deadline:
                raise AssertionError(f"{event} {payload} was never acked within {within} s")
            time.sleep(0.2)

    def wait_state(self, predicate, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.current is not None and predicate(self.current):
                return self.current
            self.changed.wait(0.1)
            self.changed.clear()
        raise AssertionError(f"no matching state; newest: {self.current}")

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
        """Disconnect, and stop reconnecting (a plain disconnect leaves a reconnect loop running
        when the connection was already lost)."""
        _open_clients.discard(self)
        self.sio.shutdown()
