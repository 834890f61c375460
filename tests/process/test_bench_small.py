"""The load benchmark, small: 50 raw-websocket phones against the real kiosk process.

A correctness check of the benchmark and of delivery, with no timing asserted: every phone
joins, gets every state version of a few steps, and every answer of a burst is acked and
stored once (the database file is read directly). The full comparison is `make bench`.
"""

import pytest

from harness.load import AttuneTarget
from harness.load import Config
from harness.load import Generator
from harness.load import run_target_sync

PHONES = 50


@pytest.mark.parametrize("answer_kind", ["scale", "mood"])
def test_every_phone_gets_every_version_and_no_answer_is_lost(tmp_path, answer_kind):
    cfg = Config(
        answer_kind=answer_kind,
        workers=2,
        steps=3,
        join_window=1.0,
        join_timeout=15.0,
        clock_samples=2,
        settle=0.2,
        step_gap=0.1,
        watch_timeout=10.0,
        workdir=tmp_path,
    )
    generator = Generator(cfg.workers)
    try:
        result = run_target_sync(AttuneTarget(tmp_path, None), PHONES, generator, cfg)
    finally:
        generator.close()

    join = result["join"]
    assert join["failures"] == 0, join["failure_examples"]

    fanout = result["fanout"]
    assert fanout["phones"] == PHONES
    assert fanout["steps"] == 3
    assert fanout["misses"] == 0
    assert [step["received"] for step in fanout["per_step"]] == [PHONES] * 3
    versions = [step["version"] for step in fanout["per_step"]]
    assert versions == sorted(set(versions)), "each step is a new, higher version"
    assert fanout["duplicates"] == 0
    assert fanout["lost"] == 0, fanout["lost_examples"]

    assert result["clock"]["missing"] == 0

    burst = result["burst"]
    assert burst["sent"] == PHONES
    assert burst["acked"] == PHONES, burst["refusal_examples"]
    assert burst["refused"] == 0 and burst["unanswered"] == 0
    assert burst["db_rows"] == burst["acked"]
    assert burst["acked_not_stored"] == 0
