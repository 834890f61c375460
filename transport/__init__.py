"""The server side of the kiosk: Socket.IO, the HTTP server and what guards them.

`workshop/` decides; this package carries its decisions to the room and keeps the room's
connections honest:

- `realtime`: the Socket.IO server, the broadcaster and the base namespace every audience uses;
- `wsgi_server`, `websocket_driver`, `fanout`, `fastclock`: gevent's server, one descriptor per
  websocket, broadcasts written straight to idle sockets, clock pings answered where they are read;
- `security`: hosts, origins, headers and body caps; `guessing` and `limits`: the guessing brake
  and the per-connection flood limits; `descriptors`: the open-file ceiling and a full room;
- `settings`: every setting in one schema; `resources`: where the pages' files and the
  database are (checkout or installed); `command`: the installed `attune` command.
"""
