// One Socket.IO connection per page: auth, clock sync, version-checked snapshots, and a
// quiet notice while the connection is away. Every (re)connect brings a full snapshot.

import { io } from "/vendor/socket.io.esm.min.js";
import { ServerClock } from "./clock.js";
import { $ } from "./dom.js";
import { _, say } from "./i18n.js";
import { connectionTrouble } from "./trouble.js";

const RESYNC_MS = 60_000;
// socket.io's own reconnection backoff, and the slower one while the kiosk is out of room.
const RETRY_MS = 1000;
const RETRY_MAX_MS = 5000;
const BUSY_RETRY_MS = 15_000;

/**
 * Connect to `namespace` with `auth`. `onState(state)` gets every applied snapshot, `events`
 * more handlers by name; `onRefused(trouble)` hears a refusal (what `connectionTrouble` made
 * of it, with its `card`) and returns true when it shows it itself.
 */
export function connect(namespace, auth, { onState, events = {}, onRefused }) {
  const socket = io(namespace, { auth, reconnectionDelay: RETRY_MS, reconnectionDelayMax: RETRY_MAX_MS });
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

  /** Show what `connectionTrouble` says on the notice line. */
  function tell(trouble) {
    show(trouble.notice.text, trouble.notice.problem);
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
    tell(connectionTrouble({ reason }));
  });
  socket.on("connect_error", (error) => {
    document.body.dataset.connected = "false";
    const trouble = connectionTrouble({ error, retrying: socket.active });
    if (!trouble.card) {
      // socket.io tries again by itself; a kiosk out of connections is asked less often.
      if (trouble.kind === "busy") socket.io.reconnectionDelay(BUSY_RETRY_MS).reconnectionDelayMax(2 * BUSY_RETRY_MS);
      tell(trouble);
      return;
    }
    // socket.io does not try a refused connection again; this page does when the kiosk says
    // waiting helps, when `connectionTrouble` says.
    clearTimeout(retry);
    if (trouble.retryInMs) retry = setTimeout(() => socket.connect(), trouble.retryInMs);
    // A page may show the refusal in its own place.
    if (onRefused && onRefused(trouble)) show("");
    else tell(trouble);
  });
  socket.on("notice", (payload) => {
    if (payload && payload.kind === "restarting") show(payload.message ? say(payload.message) : _("The kiosk is restarting; hold on…"));
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
      tell(connectionTrouble({ reason: "offline" }));
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
      // Said in the page's language already: `say` shows it as it is.
      return { ok: false, error: _("no answer from the kiosk; check the connection"), timeout: true };
    }
  }

  return { socket, clock, call };
}
