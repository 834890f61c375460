"""Shared fixtures: a fake clock, a temporary store, the test workshop, an app per test."""

from __future__ import annotations

from pathlib import Path

import pytest

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
