"""fanout.py's WholeWrites: a websocket frame is written whole, however full the socket is.

simple-websocket sends a frame with one `send()` and ignores how much of it was taken; under
gevent a nearly full socket takes part of it, and the rest was lost (a broken stream).
"""

import gevent
from gevent import socket

from transport.fanout import WholeWrites

FRAME = bytes(range(256)) * 4096  # 1 MiB: far more than a socket buffer holds


def _slow_reader(sock, received: bytearray):
    def read():
        while len(received) < len(FRAME):
            gevent.sleep(0.001)  # a phone that reads, slowly
            chunk = sock.recv(65536)
            if not chunk:
                return
            received.extend(chunk)

    return gevent.spawn(read)


def _pair():
    sender, receiver = socket.socketpair()
    sender.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return sender, receiver


def test_a_plain_send_takes_only_part_of_a_large_frame():
    """What simple-websocket meets: the reason WholeWrites exists."""
    sender, receiver = _pair()
    received = bytearray()
    reader = _slow_reader(receiver, received)
    taken = sender.send(FRAME)
    sender.close()
    reader.join(10)
    assert taken < len(FRAME)
    assert bytes(received) == FRAME[:taken]


def test_whole_writes_sends_every_byte_in_order():
    sender, receiver = _pair()
    received = bytearray()
    reader = _slow_reader(receiver, received)
    assert WholeWrites(sender).send(FRAME) == len(FRAME)
    reader.join(10)
    assert bytes(received) == FRAME
    assert WholeWrites(sender).fileno() == sender.fileno()  # the rest is the socket's own
    sender.close()
    receiver.close()
