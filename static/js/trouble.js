// What a lost or refused connection means, decided in one place. Every page's notice line and
// the phone's refusal card show what `connectionTrouble` answers; neither decides by itself.

const RECONNECTING = "Reconnecting…";

/**
 * What happened to a page's connection, and what to tell the person. Give one of:
 * - `{ reason }`: the connection went away (socket.io's disconnect reason, or "offline" when
 *   the browser says the network is gone);
 * - `{ error, retrying }`: a connect attempt failed; `retrying` is socket.io's `socket.active`,
 *   true when the transport failed (socket.io tries again by itself), false when the kiosk
 *   refused the connection in words (socket.io does not try again: the page may).
 *
 * The answer: `kind` ("lost", "closed", "busy", "ended", "full", "slowed" or "refused", the
 * last refused for good: unknown code, wrong link...), `notice` ({text, problem}: the page's
 * notice line), and for a refusal `card` ({message, next}: the same in a page's own place) and
 * `retryInMs` (when this page connects again by itself; 0: it does not). A refusal that says
 * when to try again is tried after that long and up to as much again at random (`random`), so
 * that a room's phones do not all come back at once.
 */
export function connectionTrouble({ reason = null, error = null, retrying = false }, random = Math.random) {
  if (!error) {
    if (reason === "io server disconnect") {
      const text = "The session closed this connection. Reload the page to join again.";
      return { kind: "closed", notice: { text, problem: true }, card: null, retryInMs: 0 };
    }
    return lost();
  }
  if (retrying) {
    // The transport failed: the network, a restart, or a kiosk out of connections (503, before
    // any upgrade). socket.io tries again by itself; a full kiosk is asked less often.
    if (error.description !== 503) return lost();
    const text = "The kiosk has no room for another connection right now; this page tries again by itself.";
    return { kind: "busy", notice: { text, problem: true }, card: null, retryInMs: 0 };
  }
  // Refused by the kiosk in its own words (unknown code, wrong link, an ended session, a full
  // room, too many wrong codes from this network just now).
  const data = error.data || {};
  const after = Number(data.retry_after_ms) || 0;
  const retryInMs = after > 0 ? after * (1 + random()) : 0;
  const seconds = Math.round(retryInMs / 1000);
  const message = error.message;
  let kind = "refused";
  if (data.ended) kind = "ended";
  else if (data.reason === "kiosk" || data.reason === "session") kind = "full";
  else if (after > 0) kind = "slowed";
  return {
    kind,
    notice: { text: retryInMs ? `${message}. This page tries again by itself in ${seconds} seconds.` : message, problem: true },
    card: { message, next: seconds ? `This page tries again by itself in ${seconds} seconds: keep it open.` : "" },
    retryInMs,
  };
}

function lost() {
  return { kind: "lost", notice: { text: RECONNECTING, problem: false }, card: null, retryInMs: 0 };
}
