"""Shared fixtures: a fake clock, a temporary store, the test workshop, an app per test."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import app as kiosk_app
from harness.live import close_open_clients
from tests.postgres import postgres_cluster  # noqa: F401  (a fixture for every folder)
from tests.postgres import postgres_dsn  # noqa: F401
from workshop.script import load_workshop

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny.yaml"
ADMIN_KEY = "test-admin-key"


class FakeClock:
    """A clock the test moves by hand; starts at a fixed, realistic time."""

    def __init__(self, now_ms: int = 1_800_000_000_000):
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms

    def advance(self, ms: int) -> None:
        """Move time forward by `ms` milliseconds."""
        self.now_ms += ms


# Every app a test makes, so that its store is closed once the test is over. Hundreds of tests
# each make an app; their SQLite files left open pushed the run past 1,024 open files, where
# psycopg's wait on a socket numbered above that fails, and every PostgreSQL test after them
# failed with "couldn't get a connection". Wrapped here, before any test module imports
# `create_app`, so that each gets this one. An app is closed a few seconds after its test
# ended, not at once: its coalesced broadcasts may still fire a moment later. (What is open
# when the run ends goes with the process.)
_made_apps: list = []  # [made app, when its test ended or None]
_create_app = kiosk_app.create_app
_CLOSE_AFTER_S = 5.0


def _create_and_remember(config=None):
    made = _create_app(config)
    _made_apps.append([made, None])
    return made


kiosk_app.create_app = _create_and_remember


@pytest.fixture(autouse=True, scope="module")
def _close_the_socket_clients_a_module_left_open():
    """Stop the reconnect loops of clients whose server a module's fixtures have stopped.

    Per module, not per test: a module's shared room keeps its console from test to test.
    Left running, those loops go on for the whole run and draw on the global `random` while
    Hypothesis draws examples in a later module (which it warns about).
    """
    yield
    close_open_clients()


@pytest.fixture(autouse=True)
def _close_the_apps_tests_made():
    yield
    now = time.monotonic()
    for entry in list(_made_apps):
        if entry[1] is None:
            entry[1] = now
        elif entry[1] < now - _CLOSE_AFTER_S:
            _made_apps.remove(entry)
            entry[0].extensions["attune.store"].close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tiny():
    return load_workshop(TINY)


@pytest.fixture
def app(tmp_path, clock):
    from app import create_app

    return create_app(
        {
            "DB": str(tmp_path / "kiosk.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "WORKSHOP": str(TINY),
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": clock,
        }
    )
