// What a lost or refused connection means, decided in one place. Every page's notice line and
// the phone's refusal card show what `connectionTrouble` answers; neither decides by itself.
// Every word is the page's own, in its language: a refusal the kiosk words itself arrives as a
// key with parameters (`data.message`, docs/protocol.md) and is translated here; a refusal
// answered before Socket.IO (a bare HTTP status, meant for programs) gets words of the page's
// own, chosen by its status.

import { _, ngettext, say } from "./i18n.js";

/**
 * What happened to a page's connection, and what to tell the person. Give one of:
 * - `{ reason }`: the connection went away (socket.io's disconnect reason, or "offline" when
 *   the browser says the network is gone);
 * - `{ error, retrying }`: a connect attempt failed; `retrying` is socket.io's `socket.active`,
 *   true when the transport failed (socket.io tries again by itself), false when the kiosk
 *   refused the connection in words (socket.io does not try again: the page may).
 *
 * The answer: `kind` ("lost", "closed", "busy", "misdirected", "ended", "full", "slowed" or
 * "refused", the last refused for good: unknown code, wrong link...), `notice` ({text,
 * problem}: the page's notice line), and for a refusal `card` ({message, next}: the same in a
 * page's own place) and `retryInMs` (when this page connects again by itself; 0: it does not).
 * A refusal that says when to try again is tried after that long and up to as much again at
 * random (`random`), so that a room's phones do not all come back at once.
 */
export function connectionTrouble({ reason = null, error = null, retrying = false }, random = Math.random) {
  if (!error) {
    if (reason === "io server disconnect") {
      const text = _("The session closed this connection. Reload the page to join again.");
      return { kind: "closed", notice: { text, problem: true }, card: null, retryInMs: 0 };
    }
    return lost();
  }
  if (retrying) {
    // The transport failed: the network, a restart, or an HTTP refusal before any upgrade
    // (its body is for programs, in English). socket.io tries again by itself.
    if (error.description === 503) {
      // A kiosk out of connections (transport/descriptors.py): asked less often.
      const text = _("The kiosk has no room for another connection right now; this page tries again by itself.");
      return { kind: "busy", notice: { text, problem: true }, card: null, retryInMs: 0 };
    }
    if (error.description === 421) {
      // This address is not one of the kiosk's names (transport/security.py HostGuard).
      const text = _("This address does not reach the kiosk: open the link or scan the code shown on the screen.");
      return { kind: "misdirected", notice: { text, problem: true }, card: null, retryInMs: 0 };
    }
    return lost();
  }
  // Refused by the kiosk in its own words (unknown code, wrong link, an ended session, a full
  // room, too many wrong codes from this network just now).
  const data = error.data || {};
  const after = Number(data.retry_after_ms) || 0;
  const retryInMs = after > 0 ? after * (1 + random()) : 0;
  const seconds = Math.round(retryInMs / 1000);
  // A kiosk older than the key (or a refusal without one) says it in English only.
  const message = say(data.message ?? error.message);
  let kind = "refused";
  if (data.ended) kind = "ended";
  else if (data.reason === "kiosk" || data.reason === "session") kind = "full";
  else if (after > 0) kind = "slowed";
  const notice = seconds
    ? ngettext("{message}. This page tries again by itself in {n} second.", "{message}. This page tries again by itself in {n} seconds.", seconds, { message })
    : message;
  const next = seconds
    ? ngettext("This page tries again by itself in {n} second: keep it open.", "This page tries again by itself in {n} seconds: keep it open.", seconds)
    : "";
  return { kind, notice: { text: notice, problem: true }, card: { message, next }, retryInMs };
}

function lost() {
  return { kind: "lost", notice: { text: _("Reconnecting…"), problem: false }, card: null, retryInMs: 0 };
}
