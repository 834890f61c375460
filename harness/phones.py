"""A load-generator process: many phones on one asyncio loop, driven over a pipe.

The coordinator (`harness.load`) starts a few of these and sends each a command at a time
(`setup`, `join`, `clock`, `watch`, `burst`, `report`, `disconnect`, `quit`); every reply
carries the process's CPU time and the worst lateness of its loop since the last reply, so the
coordinator can show that the generator kept up.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
from multiprocessing.connection import Connection

from harness.wire import Conn
from harness.wire import now_ns

POLL_SECONDS = 0.005
LAG_TICK_SECONDS = 0.01


def page_estimate(samples: list[tuple[float, float, float]]) -> float:
    """The offset the phone page keeps from (t0, server_ms, t1) round trips, as it does.

    A copy of `estimateOffset` in static/js/clock.js (tests/unit/test_clock_estimate.py runs
    both on the same samples): the middle of where every round trip's bounds
    [server - t1 - 1, server - t0 + 1] overlap, else the fastest round trip's midpoint.
    """
    low = max(server - t1 - 1 for t0, server, t1 in samples)
    high = min(server - t0 + 1 for t0, server, t1 in samples)
    if low <= high:
        return (low + high) / 2
    t0, server, t1 = min(samples, key=lambda s: s[2] - s[0])
    return server - (t0 + t1) / 2


def cpu_seconds() -> float:
    """User + system CPU time of this process."""
    times = os.times()
    return times.user + times.system


class Phone:
    """What the generator remembers about one phone."""

    __slots__ = (
        "idx",
        "cookie",
        "auth",
        "offset_ms",
        "conn",
        "t_connect",
        "joined_kts",
        "first_state",
        "error",
        "arrivals",
        "dups",
        "clock",
        "burst",
    )

    def __init__(self, idx: int, cookie: str | None, auth: dict, offset_ms: float):
        self.idx = idx
        self.cookie = cookie  # `attune_phone=…`: the id the kiosk issued this phone
        self.auth = auth
        self.offset_ms = offset_ms
        self.conn: Conn | None = None
        self.t_connect = 0
        self.joined_kts = 0
        self.first_state: tuple[int, int] | None = None
        self.error = ""
        self.arrivals: dict[int, tuple[int, int]] = {}
        self.dups = 0
        self.clock: list[tuple[float, float, float, float]] = []
        self.burst: list = []

    @property
    def live(self) -> bool:
        return self.conn is not None and self.conn.joined and not self.conn.closed


class Worker:
    """Runs the phones of one process."""

    def __init__(self, pipe: Connection):
        self.pipe = pipe
        self.loop = asyncio.get_running_loop()
        self.done = self.loop.create_future()
        self.phones: list[Phone] = []
        self.addr = ("127.0.0.1", 0)
        self.namespace = "/participant"
        self.counts: dict[int, int] = {}
        self.state_bytes = 0
        self.lag_max = 0.0
        self.next_tick = 0.0
        self.lost: list[str] = []

    async def serve(self) -> None:
        self.loop.add_reader(self.pipe.fileno(), self._command)
        self.next_tick = self.loop.time() + LAG_TICK_SECONDS
        self.loop.call_at(self.next_tick, self._tick)
        await self.done

    def _tick(self) -> None:
        now = self.loop.time()
        self.lag_max = max(self.lag_max, now - self.next_tick)
        self.next_tick = now + LAG_TICK_SECONDS
        self.loop.call_at(self.next_tick, self._tick)

    def _reply(self, payload: dict) -> None:
        payload["cpu"] = cpu_seconds()
        payload["lag_ms"] = self.lag_max * 1000
        payload["wall_ns"] = now_ns()
        self.lag_max = 0.0
        self.pipe.send(payload)

    def _command(self) -> None:
        try:
            name, args = self.pipe.recv()
        except (EOFError, OSError):
            self._quit()
            return
        handler = getattr(self, "cmd_" + name)
        handler(**args)

    def _at(self, wall_ns: int, callback, *args) -> None:
        """Run `callback` at a wall-clock time (converted to the loop's monotonic clock)."""
        delay = (wall_ns - now_ns()) / 1e9
        self.loop.call_at(self.loop.time() + max(0.0, delay), callback, *args)

    def _until(self, done, timeout: float, finish) -> None:
        """Poll `done()` every few ms; call `finish(timed_out)` when true or at the timeout."""
        deadline = self.loop.time() + timeout

        def poll():
            if done():
                finish(False)
            elif self.loop.time() >= deadline:
                finish(True)
            else:
                self.loop.call_later(POLL_SECONDS, poll)

        poll()

    # -- commands ----------------------------------------------------------------------

    def cmd_ping(self) -> None:
        self._reply({"ok": True})

    def cmd_setup(self, host: str, port: int, namespace: str, phones: list[dict]) -> None:
        self.addr = (host, port)
        self.namespace = namespace
        self.phones = [Phone(p["idx"], p["cookie"], p["auth"], p["offset_ms"]) for p in phones]
        self.counts = {}
        self.lost = []
        self.state_bytes = 0
        gc.collect()
        self._reply({"phones": len(self.phones)})

    def cmd_join(self, slots_ns: list[int], timeout: float) -> None:
        """Open each phone at its slot (wall-clock ns); reply once all have a state or failed."""
        pending = {"n": len(self.phones)}

        def settled(phone: Phone, error: str = "") -> None:
            if phone.first_state is None and not phone.error:
                phone.error = error
                pending["n"] -= 1

        def on_joined(conn: Conn, kts: int) -> None:
            conn.data.joined_kts = kts

        def on_refused(conn: Conn, message: str) -> None:
            settled(conn.data, "refused: " + message)

        def on_state(conn: Conn, version: int, kts: int, uts: int, size: int) -> None:
            phone = conn.data
            if version in phone.arrivals:
                phone.dups += 1
            else:
                phone.arrivals[version] = (kts, uts)
                self.counts[version] = self.counts.get(version, 0) + 1
            if size > self.state_bytes:
                self.state_bytes = size
            if phone.first_state is None and not phone.error:
                phone.first_state = (kts, uts)
                pending["n"] -= 1

        def on_lost(conn: Conn, reason: str) -> None:
            self.lost.append(reason)
            settled(conn.data, reason)

        def start(phone: Phone) -> None:
            conn = Conn(
                self.loop,
                self.addr,
                self.namespace,
                phone.auth,
                on_joined=on_joined,
                on_refused=on_refused,
                on_state=on_state,
                on_lost=on_lost,
                cookie=phone.cookie,
            )
            conn.data = phone
            phone.conn = conn
            self.loop.create_task(conn.open())

        for phone, slot in zip(self.phones, slots_ns, strict=True):
            self._at(slot, start, phone)
        last = max(slots_ns) if slots_ns else now_ns()
        budget = timeout + max(0.0, (last - now_ns()) / 1e9)

        def finish(timed_out: bool) -> None:
            for phone in self.phones:
                if phone.first_state is None and not phone.error:
                    phone.error = f"no state within {timeout:.0f} s of the last slot"
            self._reply(
                {
                    "phones": [
                        (
                            p.idx,
                            p.conn.t_connect if p.conn else 0,
                            p.joined_kts,
                            p.first_state[0] if p.first_state else 0,
                            p.error,
                        )
                        for p in self.phones
                    ],
                    "state_bytes": self.state_bytes,
                }
            )

        self._until(lambda: pending["n"] <= 0, budget, finish)

    def cmd_watch(self, version: int, timeout: float) -> None:
        """Reply when every live phone has this state version, or at the timeout."""
        live = [p for p in self.phones if p.live]

        def done() -> bool:
            return self.counts.get(version, 0) >= len(live)

        def finish(timed_out: bool) -> None:
            self._reply(
                {
                    "version": version,
                    "got": self.counts.get(version, 0),
                    "expected": len(live),
                    "timed_out": timed_out,
                }
            )

        self._until(done, timeout, finish)

    def cmd_clock(self, slots_ns: list[int], samples: int, gap: float, timeout: float) -> None:
        """Each phone syncs its (offset) clock: `samples` round trips, `gap` s apart."""
        left = {"n": 0}
        live = [(p, s) for p, s in zip(self.phones, slots_ns, strict=True) if p.live]
        left["n"] = len(live)

        def send(phone: Phone) -> None:
            if not phone.live:
                left["n"] -= 1
                return
            offset_ns = int(phone.offset_ms * 1e6)
            t0 = (now_ns() + offset_ns) / 1e6  # the phone's own (wrong) clock, in ms

            def on_ack(conn: Conn, reply, kts: int, uts: int) -> None:
                if isinstance(reply, dict) and "server_ms" in reply:
                    t1k = (kts + offset_ns) / 1e6
                    t1u = (uts + offset_ns) / 1e6
                    phone.clock.append((t0, float(reply["server_ms"]), t1k, t1u))
                else:
                    phone.error = f"clock refused: {reply}"
                if len(phone.clock) < samples and not phone.error:
                    self.loop.call_later(gap, send, phone)
                else:
                    left["n"] -= 1

            phone.conn.emit("clock", {"t0": t0}, on_ack)

        for phone, slot in live:
            phone.clock = []
            self._at(slot, send, phone)
        last = max(slots_ns) if slots_ns else now_ns()
        budget = timeout + max(0.0, (last - now_ns()) / 1e9)

        def finish(timed_out: bool) -> None:
            rows = []
            for phone, _slot in live:
                if not phone.clock:
                    rows.append((phone.idx, phone.offset_ms, None, None, None, 0))
                    continue
                # The fastest round trip is the least queued one: its midpoint is the best guess.
                by_rtt = sorted(phone.clock, key=lambda s: s[2] - s[0])
                t0, server, t1k, t1u = by_rtt[0]
                estimate_k = server - (t0 + t1k) / 2  # server clock minus phone clock
                estimate_u = server - (t0 + t1u) / 2
                # The phone page keeps where all the round trips' bounds overlap instead.
                estimate_page = page_estimate([(s[0], s[1], s[2]) for s in phone.clock])
                # The phone clock is the true clock + offset, so the true answer is -offset.
                rows.append(
                    (
                        phone.idx,
                        phone.offset_ms,
                        t1k - t0,
                        estimate_k + phone.offset_ms,
                        estimate_u + phone.offset_ms,
                        len(phone.clock),
                        estimate_page + phone.offset_ms,
                    )
                )
            self._reply({"phones": rows, "timed_out": timed_out})

        self._until(lambda: left["n"] <= 0, budget, finish)

    def cmd_burst(
        self, prompt_id: str, slots_ns: list[int], values: list[int | dict], timeout: float
    ) -> None:
        """Each live phone answers the prompt at its slot; reply once every ack is in."""
        live = [(p, s, v) for p, s, v in zip(self.phones, slots_ns, values, strict=True) if p.live]
        left = {"n": len(live)}

        def send(phone: Phone, value: int) -> None:
            answer_id = f"bench-{phone.idx:06d}-{random.getrandbits(48):012x}"
            record = [answer_id, 0, 0, 0, None]  # id, sent, ack kts, ack uts, reply

            def on_ack(conn: Conn, reply, kts: int, uts: int) -> None:
                record[2], record[3], record[4] = kts, uts, reply
                left["n"] -= 1

            if not phone.live:
                record[4] = {"ok": False, "error": "not connected"}
                left["n"] -= 1
            else:
                record[1] = phone.conn.emit(
                    "respond",
                    {"prompt_id": prompt_id, "value": value, "answer_id": answer_id},
                    on_ack,
                )
            phone.burst = record

        for phone, slot, value in live:
            phone.burst = []
            self._at(slot, send, phone, value)
        last = max(slots_ns) if slots_ns else now_ns()
        budget = timeout + max(0.0, (last - now_ns()) / 1e9)

        def finish(timed_out: bool) -> None:
            rows = [(p.idx, *p.burst) for p, _s, _v in live if p.burst]
            self._reply({"answers": rows, "timed_out": timed_out})

        self._until(lambda: left["n"] <= 0, budget, finish)

    def cmd_report(self) -> None:
        """Every phone's state arrivals: {idx: {version: (kernel ns, read ns)}}."""
        self._reply(
            {
                "arrivals": {p.idx: p.arrivals for p in self.phones},
                "live": [p.idx for p in self.phones if p.live],
                "dups": sum(p.dups for p in self.phones),
                "no_kts": sum(p.conn.no_kts for p in self.phones if p.conn),
                "lost": self.lost[:20],
                "lost_count": len(self.lost),
                "state_bytes": self.state_bytes,
            }
        )

    def cmd_disconnect(self) -> None:
        for phone in self.phones:
            if phone.conn is not None:
                phone.conn.close()
        self.phones = []
        gc.collect()
        self._reply({"ok": True})

    def cmd_quit(self) -> None:
        self._quit()

    def _quit(self) -> None:
        for phone in self.phones:
            if phone.conn is not None:
                phone.conn.close()
        if not self.done.done():
            self.done.set_result(None)


def main_fd(fd: int) -> None:
    """Entry point of a generator process: serve commands on this socket until `quit`."""
    main(Connection(fd))


def main(pipe: Connection) -> None:
    """Serve commands on this pipe until `quit`."""
    # No cyclic GC pauses while measuring; the process lives for one benchmark only.
    gc.disable()

    async def run() -> None:
        await Worker(pipe).serve()

    asyncio.run(run())
