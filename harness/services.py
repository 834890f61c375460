"""Real servers from Debian's packages for the cluster tests, started on free ports.

Each is skipped with a loud notice where its binary is missing, unless KIOSK_REQUIRE_CLUSTER
is set (CI sets it and installs the packages), in which case a missing binary fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import warnings
from pathlib import Path

import pytest

from harness.live import free_port


def missing(binary: str, package: str):
    """Skip loudly because a server is not installed, or fail under KIOSK_REQUIRE_CLUSTER."""
    message = f"{binary} is not installed (apt-get install {package}); cluster tests cannot run"
    if os.environ.get("KIOSK_REQUIRE_CLUSTER"):
        pytest.fail(message + " and KIOSK_REQUIRE_CLUSTER is set")
    warnings.warn(message, stacklevel=2)
    pytest.skip("SKIPPED LOUDLY: " + message)


def require(binary: str, package: str) -> str:
    """The binary's path, or skip (fail under KIOSK_REQUIRE_CLUSTER) if it is not installed."""
    for candidate in (shutil.which(binary), f"/usr/sbin/{binary}"):
        if candidate and Path(candidate).exists():
            return candidate
    missing(binary, package)


class RedisServer:
    """A throw-away redis-server on a free loopback port, no persistence."""

    def __init__(self, workdir: Path):
        self.binary = require("redis-server", "redis-server")
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        import redis

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url).ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class NginxServer:
    """nginx from Debian's package, running the very config in deploy/nginx.conf."""

    def __init__(self, workdir: Path, upstream_ports: list[int], port: int | None = None):
        self.binary = require("nginx", "nginx")
        self.port = port or free_port()
        self.workdir = workdir
        self.url = f"http://127.0.0.1:{self.port}"
        template = (Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf").read_text()
        upstreams = "\n        ".join(
            f"server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in upstream_ports
        )
        self.config = workdir / "nginx.conf"
        self.rendered = (
            template.replace("@LISTEN@", f"127.0.0.1:{self.port}")
            .replace("@UPSTREAMS@", upstreams)
            .replace("@PREFIX@", str(workdir))
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> NginxServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config.write_text(self.rendered)
        self.process = subprocess.Popen(
            [self.binary, "-c", str(self.config), "-p", str(self.workdir), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(workdir_log := self.workdir / "stderr.log", "w"),
        )
        self.stderr_log = workdir_log
        import requests

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.url}/healthz", timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start: {self.stderr_log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
