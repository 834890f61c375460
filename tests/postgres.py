"""The PostgreSQL fixtures: a real server (harness/postgres.py) for the whole run.

Skipped with a loud notice where it is not installed, unless KIOSK_REQUIRE_CLUSTER is set.
The fixtures are registered for the whole suite in tests/conftest.py.
"""

from __future__ import annotations

import os
import pwd
import shutil
import warnings

import pytest

from harness.postgres import PostgresCluster
from harness.postgres import postgres_bin_dir


def _unavailable(reason: str) -> None:
    """Skip loudly, or fail when the run requires the cluster services (CI)."""
    if os.environ.get("KIOSK_REQUIRE_CLUSTER"):
        pytest.fail(f"{reason}, and KIOSK_REQUIRE_CLUSTER is set", pytrace=False)
    warnings.warn(f"PostgreSQL store tests NOT RUN: {reason}", stacklevel=2)
    pytest.skip(f"SKIPPED LOUDLY - PostgreSQL store tests not run: {reason}")


@pytest.fixture(scope="session")
def postgres_cluster():
    """A running throw-away PostgreSQL server for the whole test run (or a loud skip)."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        _unavailable("psycopg / psycopg-pool are not installed (pip install -e .)")
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        _unavailable("no initdb/pg_ctl under /usr/lib/postgresql (apt-get install postgresql)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        _unavailable("running as root without runuser to start PostgreSQL as `postgres`")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no `postgres` user to run the server")
    cluster = PostgresCluster(bin_dir).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_dsn(postgres_cluster):
    """The URL of one database on the test server, kept for the whole run."""
    return postgres_cluster.create_database("attune_test")
