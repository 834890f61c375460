"""The layers of engine.io's websocket driver: in one order whatever the order they are added.

websocket_driver.py, security.py, fanout.py and fastclock.py each change engine.io's websocket
driver, a library internal. Each adds a layer; none replaces another's, none depends on
app.py adding it first or last, each checks the library before it touches it, and the ones
that can be turned off import nothing of the library's internals when they are.
"""

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask_socketio import SocketIO

from participant.events import ParticipantNamespace
from transport import fanout
from transport import fastclock
from transport import websocket_driver
from transport.security import cap_websocket_messages

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 16 * 1024


def _server():
    socketio = SocketIO(Flask("layers"), async_mode="gevent")
    socketio.on_namespace(ParticipantNamespace("/participant"))
    return socketio


def _layers(driver) -> list[str]:
    """The layer names along a driver class's method resolution order, outermost first."""
    return [klass.__dict__["layer"] for klass in driver.__mro__ if "layer" in klass.__dict__]


def _install_in(order: tuple[str, ...]):
    socketio = _server()
    writer = None
    for name in order:
        if name == "ends cleanly":
            assert websocket_driver.install(socketio)
        elif name == "caps messages":
            assert cap_websocket_messages(socketio, LIMIT)
        elif name == "tracks writes":
            writer = fanout.install(socketio)
            assert writer is not None
    # fastclock.py needs fanout.py's writer, so it comes after it; otherwise anywhere.
    assert fastclock.install(socketio, writer, object(), ["/participant"]) is not None
    return socketio.server.eio._async["websocket"]


ORDERS = list(itertools.permutations(("ends cleanly", "caps messages", "tracks writes")))


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o.split()[0] for o in x) for x in ORDERS])
def test_the_driver_is_the_same_whatever_order_the_layers_come_in(order):
    driver = _install_in(order)
    assert _layers(driver) == list(reversed(websocket_driver.LAYERS))
    from engineio.async_drivers.gevent import WebSocketWSGI

    assert driver.__mro__[-3:] == (WebSocketWSGI, WebSocketWSGI.__mro__[1], object)
    # Every layer's part is there: the cap reaches simple-websocket's arguments, the clean end
    # declares its one descriptor, and the tracking layer starts out not sending.
    made = driver(lambda ws: None, None)
    assert made.server_args["max_message_size"] == LIMIT
    assert driver.descriptors_per_connection == 1
    assert made.sending is False


def test_a_layer_goes_on_top_of_the_last_driver_and_nothing_is_replaced():
    socketio = _server()
    assert cap_websocket_messages(socketio, LIMIT)
    capped = socketio.server.eio._async["websocket"]
    assert websocket_driver.install(socketio)
    assert websocket_driver.layers_of(socketio) == ["caps messages", "ends cleanly"]
    assert socketio.server.eio._async["websocket"] is not capped
    with pytest.raises(ValueError):
        cap_websocket_messages(socketio, LIMIT)  # one place, one layer


class _OtherDriver:
    """A websocket driver of another shape (gevent-websocket's takes no simple-websocket args)."""

    def __init__(self, handler, server):
        self.app = handler

    def __call__(self, environ, start_response):
        return self.app(self)


def test_a_driver_that_is_not_as_expected_is_left_alone_by_every_layer():
    socketio = _server()
    eio = socketio.server.eio
    eio._async = {**eio._async, "websocket": _OtherDriver}
    before = dict(eio._async)
    assert cap_websocket_messages(socketio, LIMIT) is False
    assert websocket_driver.install(socketio) is False
    assert fanout.install(socketio) is None
    assert eio._async == before


def test_a_driver_replaced_behind_the_layers_back_is_left_alone():
    socketio = _server()
    assert websocket_driver.install(socketio)
    eio = socketio.server.eio
    eio._async = {**eio._async, "websocket": _OtherDriver}
    assert cap_websocket_messages(socketio, LIMIT) is False
    assert eio._async["websocket"] is _OtherDriver


_PROBE = """
import json, sys
import app
imported_by_app = "engineio.async_drivers._websocket_wsgi" in sys.modules
app.create_app({"DB": sys.argv[1], "ADMIN_KEY": "k", "PUBLIC_URL": "http://kiosk.test",
                "ASYNC_MODE": "gevent", "DIRECT_FANOUT": sys.argv[2]})
print(json.dumps({
    "private_module_on_import": imported_by_app,
    "fanout": "transport.fanout" in sys.modules,
    "fastclock": "transport.fastclock" in sys.modules,
}))
"""


@pytest.mark.parametrize("direct_fanout", ["0", "1"])
def test_with_direct_writes_off_their_modules_are_never_imported(tmp_path, direct_fanout):
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path / "kiosk.db"), direct_fanout],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    # Importing the app touches no library internal, whatever is configured.
    assert seen["private_module_on_import"] is False
    on = direct_fanout == "1"
    assert seen == {"private_module_on_import": False, "fanout": on, "fastclock": on}
