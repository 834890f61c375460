// The Node floor: a bare socket.io 4 server that only broadcasts.
//
// Same contract as bench/floor_flask.py: a phone on /participant joins one room and gets a
// `state`; each `command` on /facilitator sends the next step's payload (Attune's own
// participant view, from bench/payloads.py) with a new version to the room and acks
// `{ok, version}`. Same heartbeat (15 s / 10 s) and message cap (16 KiB); websocket only, no
// compression (socket.io's default for websocket).
//
//     node bench/floor_node.js --port 8002 --payloads payloads.json
"use strict";

const fs = require("fs");
const http = require("http");
const { Server } = require("socket.io");

function option(name) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const port = Number(option("port"));
const host = option("host") || "127.0.0.1";
const payloads = JSON.parse(fs.readFileSync(option("payloads"), "utf8"));

const server = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.setHeader("Content-Type", "application/json");
    res.end('{"ok":true}');
  } else {
    res.statusCode = 404;
    res.end();
  }
});

const io = new Server(server, {
  transports: ["websocket"],
  pingInterval: 15000,
  pingTimeout: 10000,
  maxHttpBufferSize: 16 * 1024,
  perMessageDeflate: false,
  serveClient: false,
});

let step = 0;
let version = 1;
const view = () => ({
  ...payloads[Math.min(step, payloads.length - 1)],
  version,
  server_ms: Date.now(),
});

const phones = io.of("/participant");
phones.on("connection", (socket) => {
  socket.join("room");
  socket.emit("state", view());
});

io.of("/facilitator").on("connection", (socket) => {
  socket.on("command", (data, ack) => {
    step += 1;
    version += 1;
    phones.to("room").emit("state", view());
    if (typeof ack === "function") ack({ ok: true, version });
  });
});

server.listen(port, host);
process.on("SIGTERM", () => process.exit(0));
