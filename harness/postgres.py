"""A real PostgreSQL server (Debian's package) on a free port, thrown away afterwards.

For the store tests (their fixtures are in tests/postgres.py) and bench.cluster.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from harness.live import free_port


def postgres_bin_dir() -> Path | None:
    """Debian's newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
        reverse=True,
    )
    for directory in versions:
        if (directory / "initdb").exists() and (directory / "pg_ctl").exists():
            return directory
    return None


class PostgresCluster:
    """A throw-away PostgreSQL cluster: initdb in a temp dir, pg_ctl start on a free port.

    PostgreSQL refuses to run as root, so as root the server runs as Debian's `postgres`
    user (`runuser`), and the temp dir (under /tmp, which that user can reach) is handed to
    it. Durability is switched off (fsync, full pages) because the data is thrown away.
    """

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="attune-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.running = False

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], check=True, capture_output=True, text=True, timeout=120
        )

    def start(self) -> PostgresCluster:
        """initdb and start the server; waits until it accepts connections."""
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            str(self.bin_dir / "initdb"),
            "-D", str(self.data),
            "-U", "postgres",
            "-A", "trust",
            "--no-sync",
            "-E", "UTF8",
            "--locale=C",
        )  # fmt: skip
        options = " ".join(
            [
                f"-c port={self.port}",
                "-c listen_addresses=127.0.0.1",
                f"-c unix_socket_directories={self.root}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c shared_buffers=16MB",
                "-c max_connections=100",
            ]
        )
        try:
            self._run(
                str(self.bin_dir / "pg_ctl"),
                "-D", str(self.data),
                "-l", str(self.log),
                "-o", options,
                "-w", "-t", "60",
                "start",
            )  # fmt: skip
        except subprocess.CalledProcessError as error:
            log = self.log.read_text() if self.log.exists() else "(no log)"
            raise RuntimeError(f"PostgreSQL did not start: {error.stderr}\n{log}") from None
        self.running = True
        return self

    def restart(self) -> None:
        """Restart the server as an operator would: every connection is cut."""
        pg_ctl = str(self.bin_dir / "pg_ctl")
        # -l again: without it the new server would hold this call's output pipe open.
        log = str(self.log)
        self._run(pg_ctl, "-D", str(self.data), "-l", log, "-m", "fast", "-w", "restart")

    def url(self, database: str = "postgres") -> str:
        """The URL of a database on this server, as the superuser `postgres`."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = name or "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `create_database`, even with connections still open."""
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and delete the cluster."""
        if self.running:
            try:
                self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                pass
            self.running = False
        shutil.rmtree(self.root, ignore_errors=True)
