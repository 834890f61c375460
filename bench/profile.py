"""Optional: sample the server's CPU during chosen phases (`--profile fanout,burst`).

The Python servers (Attune and the Flask floor) are started with `bench/sampler` on
PYTHONPATH, whose `sitecustomize` samples the running stack on SIGPROF between SIGUSR1 and
SIGUSR2 and times every garbage collection. Each profiled phase writes collapsed stacks
(`bench/results/profile-<phase>-<n>-<kind>.txt`, for flame-graph tools) and a summary of the
functions with the most samples, inclusive and own (`...-top.txt`), with the GC pauses.
"""

from __future__ import annotations

import collections
import os
import signal
import time
from pathlib import Path

SAMPLER = Path(__file__).resolve().parent / "sampler"


def summarize(raw: Path, top: int = 45) -> str:
    """Functions by inclusive and own share of samples, from collapsed stacks."""
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    total = 0
    notes = []
    for line in raw.read_text().splitlines():
        if line.startswith("#"):
            notes.append(line[1:])
            continue
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    total = max(total, 1)
    out = [f"{total} samples", *notes, "", "inclusive:"]
    out += [f"{100 * c / total:5.1f}%  {f}" for f, c in inclusive.most_common(top)]
    out += ["", "own:"]
    out += [f"{100 * c / total:5.1f}%  {f}" for f, c in own.most_common(top)]
    return "\n".join(out) + "\n"


class Profiler:
    """An `on_phase` hook: samples the server during the named phases."""

    def __init__(self, phases: set[str], out: Path, n_of):
        self.phases = phases
        self.out = out
        self.n_of = n_of  # () -> the N being run
        self.dump = out / f"sampler-{os.getpid()}.raw"

    def environment(self) -> dict[str, str]:
        """What a Python server needs in its environment to be sampled."""
        path = os.environ.get("PYTHONPATH", "")
        return {
            "PYTHONPATH": f"{SAMPLER}{os.pathsep}{path}" if path else str(SAMPLER),
            "BENCH_SAMPLER_OUT": str(self.dump),
        }

    def __call__(self, phase: str, edge: str, target) -> None:
        if phase not in self.phases or target.kind == "node":
            return
        if edge == "start":
            self.dump.unlink(missing_ok=True)
            os.kill(target.pid, signal.SIGUSR1)
            return
        os.kill(target.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 10
        while not self.dump.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.dump.exists():
            raw = self.out / f"profile-{phase}-{self.n_of()}-{target.kind}.txt"
            self.dump.replace(raw)
            raw.with_name(raw.stem + "-top.txt").write_text(summarize(raw))
