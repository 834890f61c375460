"""How the phone page turns clock round trips into an offset (static/js/clock.js).

The benchmark copies the page's estimate in Python (harness/phones.py `page_estimate`) to
report it; both are run here on the same round trips, the page's in Node (which `make`
installs the page's dependencies with).
"""

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.phones import page_estimate

CLOCK_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "clock.js"
TRUE_OFFSET = -3_600_000.0  # the phone is an hour fast


def _round_trip(t0: float, waited_out: float, waited_in: float, true=TRUE_OFFSET):
    """(t0, server_ms, t1) of a round trip whose server read its clock at the midpoint of
    its stay, `waited_out` ms after t0 and `waited_in` ms before t1 (whole ms, as a server
    and a browser count)."""
    t0 = float(int(t0))
    server = float(int(t0 + waited_out + true))
    t1 = float(int(t0 + waited_out + waited_in) + 1)
    return t0, server, t1


def _page(cases: list[list[tuple[float, float, float]]]) -> list[float]:
    """`estimateOffset` of clock.js on each case, run by Node."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: `make setup` installs the page's dependencies with npm")
    samples = [[{"t0": t0, "server": s, "t1": t1} for t0, s, t1 in case] for case in cases]
    script = (
        f"import({json.dumps(CLOCK_JS.as_uri())}).then((clock) => {{"
        "  const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "  console.log(JSON.stringify(cases.map((c) => clock.estimateOffset(c))));"
        "});"
    )
    done = subprocess.run(
        [node, "-e", script], input=json.dumps(samples), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_page_and_the_benchmark_estimate_alike():
    rng = random.Random(7)
    cases = []
    for _ in range(300):
        t = 1_796_000_000_000.0 + rng.uniform(0, 1e6)
        case = []
        for _ in range(rng.randint(1, 6)):
            case.append(_round_trip(t, rng.expovariate(1 / 20), rng.expovariate(1 / 20)))
            t = case[-1][2] + rng.uniform(0, 5)
        cases.append(case)
    cases.append([(0.0, 100.0, 10.0), (1000.0, 50.0, 1010.0)])  # they cannot both be right
    page = _page(cases)
    assert page == pytest.approx([page_estimate(case) for case in cases], abs=1e-6)


def test_the_estimate_is_where_the_round_trips_agree_not_only_the_fastest():
    # The fastest round trip waited on its way back, another one on its way there: each
    # alone is off by a quarter of its round trip; together they pin the offset down.
    slow_back = _round_trip(1_796_000_000_000, 2, 38)
    slow_there = _round_trip(1_796_000_001_000, 40, 2)
    fastest_alone = page_estimate([slow_back])
    assert abs(fastest_alone - TRUE_OFFSET) >= 17
    both = [slow_back, slow_there]
    assert abs(page_estimate(both) - TRUE_OFFSET) <= 2
    assert _page([both]) == [page_estimate(both)]


def test_round_trips_that_cannot_all_be_right_fall_back_to_the_fastest():
    # The phone's clock was set back by a second between two round trips.
    first = _round_trip(1_796_000_000_000, 5, 5)
    after_the_change = _round_trip(1_796_000_000_000, 10, 10, true=TRUE_OFFSET + 1000)
    assert page_estimate([first, after_the_change]) == first[1] - (first[0] + first[2]) / 2
    assert _page([[first, after_the_change]]) == [page_estimate([first, after_the_change])]
