"""Secrets across real restarts of `python app.py`: links keep working, nothing is kept in clear.

The kiosk here makes its own admin key (KIOSK_ADMIN_KEY is emptied), as `make run` does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import socketio

from harness.live import ROOT
from harness.live import LiveServer
from harness.live import SocketClient
from tests.conftest import TINY

CONSOLE_LINK = re.compile(r"Facilitator console (\S+)")
ADMIN_KEY_LINE = re.compile(r"Admin key +(.+)")


def last_banner(server: LiveServer) -> str:
    """What the last start printed, from its banner to the QR code."""
    text = server.log.read_text()
    return text.rsplit("Attune is running", 1)[1].split("Scan to join", 1)[0]


def console_link(banner: str) -> tuple[str, str]:
    """(code, token) of the console link a banner printed."""
    link = CONSOLE_LINK.search(banner).group(1)
    path, _, token = link.partition("#")
    return path.rsplit("/", 1)[1], token


def database_bytes(db: Path) -> bytes:
    """Every byte of the SQLite database: the file, its WAL and shared memory."""
    return b"".join(
        Path(f"{db}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{db}{suffix}").exists()
    )


def drives(server: LiveServer, code: str, token: str) -> bool:
    """Whether a console with this token connects and has a command acknowledged."""
    try:
        console = SocketClient(server.url, "/facilitator", {"code": code, "token": token})
    except socketio.exceptions.ConnectionError:
        return False
    try:
        return console.call("command", {"action": "goto", "index": 2})["ok"]
    finally:
        console.close()


def refusal(url: str, auth: dict, cookie: str) -> str:
    """The `connect_error` message a console connect with this cookie gets."""
    client = socketio.Client(reconnection=False)
    messages = []

    @client.on("connect_error", namespace="/facilitator")
    def on_error(data):
        messages.append(data.get("message") if isinstance(data, dict) else str(data))

    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            url,
            namespaces=["/facilitator"],
            auth=auth,
            headers={"Cookie": f"attune_admin={cookie}"},
            transports=["websocket"],
            wait_timeout=5,
        )
    client.disconnect()
    assert messages, "no connect_error message arrived"
    return messages[0]


@pytest.fixture
def kiosk(tmp_path):
    server = LiveServer(tmp_path / "kiosk.db", workshop=TINY, env={"KIOSK_ADMIN_KEY": ""})
    yield server
    server.kill()


def test_restarts_keep_console_links_working_and_no_secret_in_the_database(kiosk):
    kiosk.start()
    first = last_banner(kiosk)
    code, first_token = console_link(first)
    admin_key = ADMIN_KEY_LINE.search(first).group(1).strip()
    assert len(first_token) == 32 and len(admin_key) == 32
    assert "printed once" in first
    open_tab = SocketClient(kiosk.url, "/facilitator", {"code": code, "token": first_token})
    assert open_tab.call("command", {"action": "next"})["ok"]
    seen = len(open_tab.states)

    assert kiosk.stop() == 0
    kiosk.start()

    second = last_banner(kiosk)
    same_code, second_token = console_link(second)
    assert same_code == code, "the same session, as before"
    assert second_token != first_token
    assert admin_key not in second and "not printed" in second
    # The tab left open reconnects by itself with its old token and drives on.
    open_tab.wait_state(
        lambda s: (
            len(open_tab.states) > seen
            and s["step"]["index"] == 1
            and "/facilitator" in open_tab.sio.namespaces
        )
    )
    assert open_tab.call("command", {"action": "next"})["ok"]
    open_tab.close()
    assert drives(kiosk, code, first_token), "the link printed at the first start"
    assert drives(kiosk, code, second_token), "the link printed now"
    assert not drives(kiosk, code, second_token[:-1] + "x")
    signed_in = requests.Session()
    login = signed_in.post(f"{kiosk.url}/home/login", data={"admin_key": admin_key}, timeout=10)
    assert login.ok and "Start a session" in login.text
    cookie = signed_in.cookies["attune_admin"]

    for moment in ("running", "stopped"):
        on_disk = database_bytes(kiosk.db)
        assert len(on_disk) > 4096
        for name, secret in (
            ("first console token", first_token),
            ("second console token", second_token),
            ("admin key", admin_key),
            ("sign-in cookie", cookie),
        ):
            assert secret.encode() not in on_disk, f"the {name} is in the database ({moment})"
        kiosk.stop()


def unit_environment() -> dict[str, str]:
    """The `Environment=` settings of the systemd unit in deploy/."""
    unit = (ROOT / "deploy" / "attune@.service").read_text()
    pairs = re.findall(r"^Environment=(\w+)=(.*)$", unit, flags=re.MULTILINE)
    return dict(pairs)


def test_started_as_the_systemd_unit_starts_it_the_kiosk_prints_links_but_no_secret(kiosk):
    kiosk.start()
    loud = last_banner(kiosk)
    code, token = console_link(loud)
    admin_key = ADMIN_KEY_LINE.search(loud).group(1).strip()
    kiosk.stop()
    kiosk.env["KIOSK_QUIET_SECRETS"] = unit_environment()["KIOSK_QUIET_SECRETS"]
    kiosk.start()

    quiet = last_banner(kiosk)

    assert f"{kiosk.url}/j/{code}" in quiet and f"{kiosk.url}/s/{code}" in quiet
    assert f"{kiosk.url}/home" in quiet, "says where the console is reached instead"
    assert "#" not in quiet, "no console link with a token"
    assert admin_key not in quiet and token not in quiet
    assert drives(kiosk, code, token), "links printed before still work"


def test_no_secrets_flag_on_a_first_start_makes_no_key_and_says_how(tmp_path):
    server = LiveServer(
        tmp_path / "first.db", workshop=TINY, env={"KIOSK_ADMIN_KEY": ""}, args=["--no-secrets"]
    )
    try:
        server.start()
        banner = last_banner(server)
        assert "#" not in banner and "none yet" in banner and "--new-admin-key" in banner
        page = requests.get(f"{server.url}/home", timeout=10).text
        assert "no admin key yet" in page
    finally:
        server.kill()


def new_admin_key(db: Path) -> str:
    """`python app.py --new-admin-key` beside a running kiosk; returns the key it printed."""
    env = {**os.environ, "KIOSK_ADMIN_KEY": ""}
    done = subprocess.run(
        [sys.executable, "app.py", "--db", str(db), "--new-admin-key"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return re.search(r"New admin key: (\S+)", done.stdout).group(1)


def test_a_new_admin_key_takes_over_at_once_and_signs_everyone_out(kiosk):
    kiosk.start()
    old_key = ADMIN_KEY_LINE.search(last_banner(kiosk)).group(1).strip()
    browser = requests.Session()
    browser.post(f"{kiosk.url}/home/login", data={"admin_key": old_key}, timeout=10)
    cookie = browser.cookies["attune_admin"]
    started = browser.post(
        f"{kiosk.url}/home/sessions", data={"workshop": "tiny"}, allow_redirects=False, timeout=10
    )
    code = started.headers["Location"].split("#")[0].rsplit("/", 1)[1]

    new_key = new_admin_key(kiosk.db)

    api = f"{kiosk.url}/api/sessions"

    def start_with(key):
        return requests.post(
            api, json={"workshop": "tiny"}, headers={"Authorization": f"Bearer {key}"}, timeout=10
        ).status_code

    assert new_key != old_key
    assert start_with(old_key) == 401 and start_with(new_key) == 201
    home = browser.get(f"{kiosk.url}/home", timeout=10).text
    assert "Your sign-in on this browser has ended" in home
    message = refusal(kiosk.url, {"code": code}, cookie)
    assert "sign in again" in message and "/home" in message
    assert new_key.encode() not in database_bytes(kiosk.db)
