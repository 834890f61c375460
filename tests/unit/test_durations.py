"""How the pages write a length of time (static/js/timer.js, templates/durations.html).

A countdown rounds the time left up, so it reaches 0:00 exactly at the end; a reported duration
rounds to the nearest second, halves up. The browser's formatter runs in Node (which `make`
installs the page's dependencies with); the server-drawn home page's macro in Jinja, on the
same values, so the two cannot drift apart.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from jinja2 import Environment
from jinja2 import FileSystemLoader

ROOT = Path(__file__).resolve().parents[2]
TIMER_JS = ROOT / "static" / "js" / "timer.js"


def _page(values: list) -> dict[str, list[str]]:
    """`countdownText` and `durationText` of timer.js on each value, run by Node."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: `make setup` installs the page's dependencies with npm")
    script = (
        f"import({json.dumps(TIMER_JS.as_uri())}).then((d) => {{"
        "  const values = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "  console.log(JSON.stringify({"
        "    countdown: values.map((v) => (v === null ? null : d.countdownText(v))),"
        "    duration: values.map((v) => d.durationText(v)),"
        "  }));"
        "});"
    )
    done = subprocess.run(
        [node, "-e", script], input=json.dumps(values), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _server(values: list) -> list[str]:
    """The home page's `duration` macro (templates/durations.html) on each value."""
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True)
    macro = env.get_template("durations.html").module.duration
    return [str(macro(v)) for v in values]


def test_a_countdown_rounds_up_and_reaches_zero_exactly_at_the_end():
    values = [0, 1, 999, 1000, 1001, 9000, 59_001, 60_000, 65_000, 719_999, 720_000, 4_500_000]
    expected = ["0:00", "0:01", "0:01", "0:01", "0:02", "0:09", "1:00", "1:00", "1:05"]
    expected += ["12:00", "12:00", "75:00"]
    assert _page(values)["countdown"] == expected


def test_a_countdown_past_its_end_stays_at_zero():
    assert _page([-1, -1500])["countdown"] == ["0:00", "0:00"]


def test_a_duration_rounds_to_the_nearest_second_halves_up():
    values = [0, 499, 500, 1499, 1500, 9000, 64_600, 59_500, 720_000, 4_500_000, None]
    expected = ["0:00", "0:00", "0:01", "0:01", "0:02", "0:09", "1:05", "1:00", "12:00"]
    expected += ["75:00", "—"]
    assert _page(values)["duration"] == expected


def test_the_home_page_writes_durations_as_the_browser_does():
    values = [None, 0, 1, 499, 500, 999, 1000, 1499, 1500, 59_499, 59_500, 60_000, 65_000]
    values += [90_500, 599_999, 720_000, 3_599_500, 4_500_000, 86_400_000]
    values += list(range(0, 200_000, 250))
    assert _server(values) == _page(values)["duration"]
