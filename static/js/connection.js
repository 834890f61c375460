// One Socket.IO connection per page: auth, clock sync, version-checked snapshots, and a
// quiet notice while the connection is away. Every (re)connect brings a full snapshot.

import { io } from "/vendor/socket.io.esm.min.js";
import { ServerClock } from "./clock.js";
import { $ } from "./dom.js";

const RESYNC_MS = 60_000;

export function connect(namespace, auth, { onState, events = {}, onRefused }) {
  const socket = io(namespace, { auth, reconnectionDelayMax: 5000 });
  const clock = new ServerClock();
  const notice = $("#notice");
  let version = -1;
  let resync = null;

  function show(text, problem = false) {
    if (!notice) return;
    notice.textContent = text;
    notice.classList.toggle("problem", problem);
    notice.hidden = !text;
  }

  socket.on("connect", async () => {
    show("");
    document.body.dataset.connected = "true";
    await clock.sync(socket);
    clearInterval(resync);
    resync = setInterval(() => clock.sync(socket, 4), RESYNC_MS);
  });
  socket.on("disconnect", (reason) => {
    document.body.dataset.connected = "false";
    if (reason === "io server disconnect") show("The session closed this connection. Reload the page to join again.", true);
    else show("Reconnecting…");
  });
  socket.on("connect_error", (error) => {
    document.body.dataset.connected = "false";
    if (socket.active) {
      show("Reconnecting…");
    } else {
      // Refused by the server (unknown code, wrong link, full room): say why, stop trying.
      show(error.message, true);
      if (onRefused) onRefused(error.message);
    }
  });
  socket.on("notice", (payload) => {
    if (payload && payload.kind === "restarting") show("The kiosk is restarting; hold on…");
  });
  socket.on("state", (state) => {
    if (typeof state.version !== "number" || state.version < version) return;
    version = state.version;
    document.body.dataset.version = String(version);
    onState(state);
  });
  for (const [name, handler] of Object.entries(events)) socket.on(name, handler);

  /** Emit with an ack and a timeout; resolves to the ack, or {ok:false} on timeout. */
  async function call(event, payload, timeoutMs = 8000) {
    try {
      return await socket.timeout(timeoutMs).emitWithAck(event, payload);
    } catch {
      return { ok: false, error: "no answer from the kiosk; check the connection", timeout: true };
    }
  }

  return { socket, clock, call };
}
