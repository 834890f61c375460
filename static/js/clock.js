// Server time, estimated from `clock` round trips, so every device counts down to the same
// second even when its own clock is wrong by an hour.

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

  /**
   * Several round trips; the fastest ones tell the offset best (the least queueing on the way),
   * so the median of the three quickest is kept.
   */
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
      samples.push({ rtt: t1 - t0, offset: reply.server_ms - (t0 + t1) / 2 });
    }
    if (!samples.length) return false;
    samples.sort((a, b) => a.rtt - b.rtt);
    const best = samples.slice(0, 3).map((s) => s.offset).sort((a, b) => a - b);
    this.offset = best[Math.floor(best.length / 2)];
    this.rtt = samples[0].rtt;
    this.synced = true;
    document.documentElement.dataset.clockOffset = String(Math.round(this.offset));
    return true;
  }
}
