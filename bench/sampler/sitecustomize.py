"""A CPU sampler for the kiosk process, loaded only by `python -m bench --profile ...`.

The benchmark puts this folder on PYTHONPATH when it starts Attune for profiling; Python then
imports it at start-up. SIGUSR1 starts sampling (ITIMER_PROF, so samples follow CPU time) and
resets the figures; SIGUSR2 stops and writes collapsed stacks plus garbage-collector pauses to
$BENCH_SAMPLER_OUT. py-spy cannot attach on every machine (it could not on the one this
benchmark was written on); this needs nothing but the standard library.
"""

import collections
import gc
import os
import signal
import time

_OUT = os.environ.get("BENCH_SAMPLER_OUT")
_PERIOD = float(os.environ.get("BENCH_SAMPLER_PERIOD", "0.002"))
# An experiment, not a measurement: freeze the heap (gc.freeze) when a phase starts, to show
# what the collector's full passes cost. Off unless BENCH_SAMPLER_FREEZE=1.
_FREEZE = os.environ.get("BENCH_SAMPLER_FREEZE") == "1"

if _OUT:
    _stacks: collections.Counter = collections.Counter()
    _gc = {"started": 0.0, "pauses": collections.defaultdict(list)}

    def _label(code) -> str:
        return f"{code.co_name} ({os.path.basename(code.co_filename)}:{code.co_firstlineno})"

    def _sample(_signum, frame) -> None:
        names = []
        while frame is not None:
            names.append(_label(frame.f_code))
            frame = frame.f_back
        _stacks[";".join(reversed(names))] += 1

    def _on_gc(phase, info) -> None:
        if phase == "start":
            _gc["started"] = time.perf_counter()
        else:
            _gc["pauses"][info["generation"]].append(time.perf_counter() - _gc["started"])

    def _start(_signum, _frame) -> None:
        _stacks.clear()
        _gc["pauses"].clear()
        _gc["objects"] = len(gc.get_objects())
        if _FREEZE:
            gc.freeze()
        signal.signal(signal.SIGPROF, _sample)
        signal.setitimer(signal.ITIMER_PROF, _PERIOD, _PERIOD)

    def _stop(_signum, _frame) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        with open(_OUT + ".tmp", "w") as out:
            for stack, count in _stacks.items():
                out.write(f"{stack} {count}\n")
            out.write(
                f"#gc tracked objects at start {_gc['objects']}, now {len(gc.get_objects())},"
                f" frozen {gc.get_freeze_count()}\n"
            )
            for generation, pauses in sorted(_gc["pauses"].items()):
                out.write(
                    f"#gc gen{generation} count={len(pauses)} total_ms={1000 * sum(pauses):.1f}"
                    f" max_ms={1000 * max(pauses):.1f}\n"
                )
        os.replace(_OUT + ".tmp", _OUT)

    gc.callbacks.append(_on_gc)
    signal.signal(signal.SIGUSR1, _start)
    signal.signal(signal.SIGUSR2, _stop)
