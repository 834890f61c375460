// Server time, estimated from `clock` round trips, so every device counts down to the same
// second even when its own clock is wrong by an hour.

/**
 * The offset (server time minus this device's time, ms) that round trips agree on.
 *
 * The server read its clock between the moment a ping left (t0) and the moment its answer
 * arrived (t1), so each round trip bounds the offset to [server − t1, server − t0], widened
 * by a millisecond on each side because every clock here counts whole milliseconds. The
 * true offset lies in all of them: the middle of where they overlap is the best guess (the
 * idea behind NTP's intersection), at least as tight as the fastest round trip alone. If
 * they do not overlap (a clock was changed during the sync), the fastest one's midpoint.
 *
 * @param {{t0: number, t1: number, server: number}[]} samples at least one
 * @returns {number}
 */
export function estimateOffset(samples) {
  let low = -Infinity;
  let high = Infinity;
  for (const { t0, t1, server } of samples) {
    low = Math.max(low, server - t1 - 1);
    high = Math.min(high, server - t0 + 1);
  }
  if (low <= high) return (low + high) / 2;
  const fastest = samples.reduce((best, s) => (s.t1 - s.t0 < best.t1 - best.t0 ? s : best));
  return fastest.server - (fastest.t0 + fastest.t1) / 2;
}

export class ServerClock {
  constructor() {
    this.offset = 0; // server time minus this device's time, in ms
    this.rtt = null;
    this.synced = false;
    this.serverVersion = null; // the session's version as of the last round trip
  }

  /** Server time now, in ms since the epoch. */
  now() {
    return Date.now() + this.offset;
  }

  /** Several round trips one after the other; see `estimateOffset` for what is kept. */
  async sync(socket, rounds = 6) {
    const samples = [];
    for (let i = 0; i < rounds; i += 1) {
      const t0 = Date.now();
      let reply = null;
      try {
        reply = await socket.timeout(4000).emitWithAck("clock", { t0 });
      } catch {
        continue;
      }
      const t1 = Date.now();
      if (!reply || typeof reply.server_ms !== "number") continue;
      if (typeof reply.version === "number") this.serverVersion = reply.version;
      samples.push({ t0, t1, server: reply.server_ms });
    }
    if (!samples.length) return false;
    this.offset = estimateOffset(samples);
    this.rtt = Math.min(...samples.map((s) => s.t1 - s.t0));
    this.synced = true;
    document.documentElement.dataset.clockOffset = String(Math.round(this.offset));
    return true;
  }
}
