"""The Flask-SocketIO floor: a bare gevent server that only broadcasts.

It has what Attune's broadcast path has (Flask, Flask-SocketIO, python-socketio, engine.io,
simple-websocket on gevent, the same heartbeat and message cap) and nothing else: no store, no
views, no checks. A phone on /participant joins one room and gets a `state`; each `command`
on /facilitator sends the next step's payload (Attune's own participant view, from
`bench/payloads.py`) with a new version to the room, then acks `{ok, version}`.

    python bench/floor_flask.py --port 8001 --payloads payloads.json
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

from flask import Flask  # noqa: E402
from flask import jsonify  # noqa: E402
from flask_socketio import Namespace  # noqa: E402
from flask_socketio import SocketIO  # noqa: E402
from flask_socketio import emit  # noqa: E402
from flask_socketio import join_room  # noqa: E402

ROOM = "room"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--payloads", required=True)
    args = parser.parse_args()
    with open(args.payloads) as handle:
        payloads = json.load(handle)

    app = Flask(__name__)
    socketio = SocketIO(
        app,
        async_mode="gevent",
        ping_interval=15,
        ping_timeout=10,
        max_http_buffer_size=16 * 1024,
        logger=False,
        engineio_logger=False,
    )
    current = {"step": 0, "version": 1}

    def view() -> dict:
        payload = dict(payloads[min(current["step"], len(payloads) - 1)])
        payload["version"] = current["version"]
        payload["server_ms"] = time.time_ns() // 1_000_000
        return payload

    class Participant(Namespace):
        def on_connect(self, auth=None):
            join_room(ROOM)
            emit("state", view())

    class Facilitator(Namespace):
        def on_connect(self, auth=None):
            pass

        def on_command(self, data=None):
            current["step"] += 1
            current["version"] += 1
            socketio.emit("state", view(), to=ROOM, namespace="/participant")
            return {"ok": True, "version": current["version"]}

    socketio.on_namespace(Participant("/participant"))
    socketio.on_namespace(Facilitator("/facilitator"))

    @app.get("/healthz")
    def healthz():
        return jsonify({"ok": True})

    socketio.run(app, host=args.host, port=args.port, log_output=False)


if __name__ == "__main__":
    main()
