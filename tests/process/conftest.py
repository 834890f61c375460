"""Fixtures that run the real kiosk process (gevent, SQLite, real HTTP and WebSocket)."""

import pytest

from harness.live import LiveServer
from tests.conftest import TINY


@pytest.fixture
def live(tmp_path):
    server = LiveServer(tmp_path / "live.db", workshop=TINY).start()
    yield server
    server.kill()
