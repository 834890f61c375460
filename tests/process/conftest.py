"""Fixtures that run the real kiosk process (gevent, SQLite, real HTTP and WebSocket)."""

import pytest

from tests.conftest import TINY
from tests.live import LiveServer


@pytest.fixture
def live(tmp_path):
    server = LiveServer(tmp_path / "live.db", workshop=TINY).start()
    yield server
    server.kill()
