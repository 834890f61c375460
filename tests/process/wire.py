"""Raw-socket helpers for process tests: hand-written requests, and what the server holds open."""

from __future__ import annotations

import json
import os
import select
import socket
import time
from pathlib import Path

import requests

# /proc/net/tcp state codes (include/net/tcp_states.h).
TCP_STATES = {
    "01": "ESTABLISHED",
    "02": "SYN_SENT",
    "03": "SYN_RECV",
    "04": "FIN_WAIT1",
    "05": "FIN_WAIT2",
    "06": "TIME_WAIT",
    "07": "CLOSE",
    "08": "CLOSE_WAIT",
    "09": "LAST_ACK",
    "0A": "LISTEN",
    "0B": "CLOSING",
}


def rss_kb(pid: int) -> int:
    """The resident memory of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def connect(port: int) -> socket.socket:
    """A plain TCP connection to the kiosk on 127.0.0.1."""
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def polling_handshake(live, cookie: str | None = None) -> str:
    """Open an engine.io long-polling session (with a phone's `Cookie` header); its sid."""
    response = requests.get(
        f"{live.url}/socket.io/?EIO=4&transport=polling",
        headers={"Cookie": cookie} if cookie else {},
        timeout=5,
    )
    assert response.status_code == 200, response.text
    return json.loads(response.text[1:])["sid"]


def polling_post_head(live, sid: str, length: int) -> bytes:
    """The request line and headers of a long-polling POST declaring a `length`-byte body."""
    return (
        f"POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{live.port}\r\n"
        "Content-Type: text/plain;charset=UTF-8\r\n"
        f"Content-Length: {length}\r\n"
        "\r\n"
    ).encode()


class Reply:
    """Everything a connection received until the server closed it (or the wait ran out)."""

    def __init__(self, conn: socket.socket, wait: float):
        started = time.monotonic()
        self.data = b""
        self.first_byte_after: float | None = None
        self.closed_after: float | None = None
        deadline = started + wait
        while time.monotonic() < deadline:
            ready, _, _ = select.select([conn], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            try:
                chunk = conn.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.closed_after = time.monotonic() - started
                break
            if self.first_byte_after is None:
                self.first_byte_after = time.monotonic() - started
            self.data += chunk

    @property
    def status(self) -> int | None:
        """The HTTP status code of the reply, if one came."""
        if not self.data.startswith(b"HTTP/1."):
            return None
        return int(self.data.split(b" ", 2)[1])

    def header(self, name: str) -> str | None:
        """One response header's value."""
        head = self.data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        for line in head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None


def held_connections(pid: int, server_port: int, client_ports: list[int]) -> list[str]:
    """States of the server's sockets still open towards these client ports (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    held = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if local_port == server_port and remote_port in client_ports and fields[9] in inodes:
                held.append(TCP_STATES.get(fields[3], fields[3]))
    return held
