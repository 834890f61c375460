"""fastclock.py's start-up checks and its arithmetic, on the real libraries (no network).

When python-socketio or engine.io do not look as fastclock.py expects, clock pings must keep
going through the Socket.IO event path, with nothing of the server changed.
"""

import socket
import time

import pytest
from flask import Flask
from flask_socketio import Namespace
from flask_socketio import SocketIO
from socketio import packet as sio_packet

from participant.events import ParticipantNamespace
from transport import fanout
from transport import fastclock


def _server(namespace=None):
    """A gevent Flask-SocketIO server as app.py builds it, with fanout.py's writer."""
    app = Flask("guards")
    socketio = SocketIO(app, async_mode="gevent")
    socketio.on_namespace(namespace or ParticipantNamespace("/participant"))
    return socketio, fanout.install(socketio)


def test_it_answers_from_the_reader_when_the_libraries_are_as_expected():
    socketio, writer = _server()
    tracked = socketio.server.eio._async["websocket"]
    answerer = fastclock.install(socketio, writer, object(), ["/participant"])
    assert answerer is not None
    assert writer.early_reader == answerer.answer
    assert issubclass(socketio.server.eio._async["websocket"], tracked)
    assert answerer.stats() == {"direct": 0, "queued": 0, "cut": 0, "halfway": True}


class _SpacedAcks(sio_packet.Packet):
    """A python-socketio whose acks are encoded otherwise than fastclock.py expects."""

    def encode(self):
        return super().encode().replace(",", ", ")


class _QueryNamespaces(sio_packet.Packet):
    """A python-socketio that would decode a ping's namespace otherwise."""

    def decode(self, encoded_packet):
        count = super().decode(encoded_packet)
        self.namespace = (self.namespace or "/") + "?"
        return count


def _no_binary_packets(socketio):
    del socketio.server._binary_packet


def _no_eio_sid_lookup(socketio):
    socketio.server.manager = object()


@pytest.mark.parametrize(
    "change",
    [
        lambda socketio: setattr(socketio.server, "packet_class", _SpacedAcks),
        lambda socketio: setattr(socketio.server, "packet_class", _QueryNamespaces),
        _no_binary_packets,
        _no_eio_sid_lookup,
    ],
    ids=["acks-encode-otherwise", "pings-decode-otherwise", "no-binary-packets", "no-manager"],
)
def test_libraries_that_changed_keep_clock_pings_on_the_event_path(change):
    socketio, writer = _server()
    change(socketio)
    before = dict(socketio.server.eio._async)
    assert fastclock.install(socketio, writer, object(), ["/participant"]) is None
    assert writer.early_reader is None
    assert socketio.server.eio._async == before


def test_a_namespace_that_cannot_answer_a_clock_keeps_it_on_the_event_path():
    socketio, writer = _server(Namespace("/participant"))
    assert fastclock.install(socketio, writer, object(), ["/participant"]) is None
    assert writer.early_reader is None


def test_without_direct_writes_there_is_no_early_answer():
    socketio, _writer = _server()
    assert fastclock.install(socketio, None, object(), ["/participant"]) is None


def test_threads_get_neither_direct_writes_nor_early_answers():
    app = Flask("threads")
    socketio = SocketIO(app, async_mode="threading")
    socketio.on_namespace(ParticipantNamespace("/participant"))
    assert fastclock.install(socketio, fanout.install(socketio), object(), ["/participant"]) is None


@pytest.mark.parametrize(
    "arrived_ns, now_ns, expected",
    [
        (1_000_000_000, 1_300_000_000, 10_000 - 150),  # waited 300 ms: half of it back
        (1_000_000_000, 1_000_600_000, 10_000),  # 0.6 ms: rounds to 0
        (1_000_000_000, 1_001_000_000, 10_000 - 1),  # 1 ms: half rounds up
        (0, 1_300_000_000, 10_000),  # no timestamp
        (1_300_000_000, 1_000_000_000, 10_000),  # the wall clock stepped back
        (1_000_000_000, 1_000_000_000 + 31 * 10**9, 10_000),  # not a timestamp of this read
    ],
)
def test_the_server_time_is_halfway_through_the_pings_stay(arrived_ns, now_ns, expected):
    assert fastclock.halfway(10_000, arrived_ns, now_ns) == expected


def test_reads_carry_the_kernels_arrival_time():
    keeper, problem = fastclock.switch_on_kernel_stamps()
    assert problem == "" and keeper is not None, problem
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        with socket.create_connection(listener.getsockname(), timeout=5) as client:
            accepted, _address = listener.accept()
            with accepted:
                accepted.settimeout(5)
                accepted.setsockopt(socket.SOL_SOCKET, fastclock.SO_TIMESTAMPNS, 1)
                reads = fastclock.StampedReads(accepted)
                sent = time.time_ns()
                client.sendall(b"ping")
                assert reads.recv(16) == b"ping"
                assert sent - 1_000_000 <= reads.arrival_ns <= time.time_ns()
                assert reads.fileno() == accepted.fileno()  # everything else is the socket's
    finally:
        listener.close()
        keeper.close()
