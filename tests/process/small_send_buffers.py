"""`python app.py`, with every accepted connection's kernel send buffer made tiny (8 KB).

For tests of what the kiosk does when a phone stops reading: with Linux's default
autotuning a send buffer grows to megabytes before it fills, which would take minutes of
broadcasts to reach. Everything else is the real entry point.
"""

from gevent import monkey

monkey.patch_all()

import socket  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from gevent import pywsgi  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

_handle = pywsgi.WSGIServer.handle


def _handle_with_a_small_send_buffer(self, sock, address):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    return _handle(self, sock, address)


pywsgi.WSGIServer.handle = _handle_with_a_small_send_buffer

import app  # noqa: E402

if __name__ == "__main__":
    sys.exit(app.main(sys.argv[1:]))
