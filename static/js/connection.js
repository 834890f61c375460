// One Socket.IO connection per page: auth, clock sync, version-checked snapshots, and a
// quiet notice while the connection is away. Every (re)connect brings a full snapshot.

import { io } from "/vendor/socket.io.esm.min.js";
import { socketAddress } from "./addresses.js";
import { ServerClock } from "./clock.js";
import { $ } from "./dom.js";

const RESYNC_MS = 60_000;
// socket.io's own reconnection backoff, and the slower one while the kiosk is out of room.
const RETRY_MS = 1000;
const RETRY_MAX_MS = 5000;
const BUSY_RETRY_MS = 15_000;

/**
 * Connect to `namespace` with `auth`. `onState(state)` gets every applied snapshot, `events`
 * more handlers by name; `onRefused(message, retryInSeconds)` hears a refusal (retryInSeconds
 * is 0 when this page will not try again) and returns true when it shows it itself.
 */
export function connect(namespace, auth, { onState, events = {}, onRefused }) {
  const socket = io(socketAddress(namespace), { auth, reconnectionDelay: RETRY_MS, reconnectionDelayMax: RETRY_MAX_MS });
  const clock = new ServerClock();
  const notice = $("#notice");
  let version = -1;
  let resync = null;
  let retry = null; // the next attempt after a refusal that said when to try again

  function show(text, problem = false) {
    if (!notice) return;
    notice.textContent = text;
    notice.classList.toggle("problem", problem);
    notice.hidden = !text;
  }

  // Broadcasts arrive at most once: if a sync shows the session is ahead of what this page
  // shows, one was missed (a Wi-Fi blip, a restarting server); ask for a fresh snapshot.
  async function syncAndCatchUp(rounds) {
    await clock.sync(socket, rounds);
    if (clock.serverVersion !== null && clock.serverVersion > version) {
      socket.emit("snapshot");
    }
  }

  socket.on("connect", async () => {
    clearTimeout(retry);
    socket.io.reconnectionDelay(RETRY_MS).reconnectionDelayMax(RETRY_MAX_MS);
    show("");
    document.body.dataset.connected = "true";
    await syncAndCatchUp(6);
    clearInterval(resync);
    resync = setInterval(() => syncAndCatchUp(4), RESYNC_MS);
  });
  socket.on("disconnect", (reason) => {
    document.body.dataset.connected = "false";
    if (reason === "io server disconnect") show("The session closed this connection. Reload the page to join again.", true);
    else show("Reconnecting…");
  });
  socket.on("connect_error", (error) => {
    document.body.dataset.connected = "false";
    if (socket.active) {
      // The transport failed: the network, a restart, or a kiosk out of connections (503,
      // before any upgrade). socket.io tries again by itself; a full kiosk is asked less often.
      if (error.description === 503) {
        socket.io.reconnectionDelay(BUSY_RETRY_MS).reconnectionDelayMax(2 * BUSY_RETRY_MS);
        show("The kiosk has no room for another connection right now; this page tries again by itself.", true);
      } else {
        show("Reconnecting…");
      }
      return;
    }
    // Refused by the server (unknown code, wrong link, an ended session, too many wrong codes
    // from this network just now): say why in its words. socket.io does not try a refused
    // connection again; this page does when the server says waiting helps, after that long and
    // up to as much again at random, so that a room's phones do not all come back at once.
    const after = Number(error.data && error.data.retry_after_ms) || 0;
    const delay = after > 0 ? after * (1 + Math.random()) : 0;
    clearTimeout(retry);
    if (delay) retry = setTimeout(() => socket.connect(), delay);
    const seconds = Math.round(delay / 1000);
    // A page may show the refusal in its own place.
    if (onRefused && onRefused(error.message, seconds)) show("");
    else show(delay ? `${error.message}. This page tries again by itself in ${seconds} seconds.` : error.message, true);
  });
  socket.on("notice", (payload) => {
    if (payload && payload.kind === "restarting") show("The kiosk is restarting; hold on…");
  });
  socket.on("state", (state) => {
    if (typeof state.version !== "number" || state.version < version) return;
    version = state.version;
    // Until the round trips are in, the snapshot's own timestamp is a fair first guess: it
    // keeps a phone whose clock is an hour off from showing nonsense for the first moment.
    if (!clock.synced && typeof state.server_ms === "number") clock.offset = state.server_ms - Date.now();
    document.body.dataset.version = String(version);
    onState(state);
  });
  for (const [name, handler] of Object.entries(events)) socket.on(name, handler);

  // The browser knows first when the network is gone: let go of the socket at once (instead of
  // waiting ~25 s for missed heartbeats) and come back the moment the network returns.
  let letGo = false;
  window.addEventListener("offline", () => {
    if (socket.connected || socket.active) {
      letGo = true;
      socket.disconnect();
      document.body.dataset.connected = "false";
      show("Reconnecting…");
    }
  });
  window.addEventListener("online", () => {
    if (letGo && !socket.connected) socket.connect();
    letGo = false;
  });
  document.addEventListener("visibilitychange", () => {
    // A phone that was locked may have drifted or dozed: check the clock again on wake.
    if (document.visibilityState === "visible" && socket.connected) clock.sync(socket, 3);
  });

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
