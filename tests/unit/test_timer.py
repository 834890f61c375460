"""Countdown timers with an injected clock: deadlines, pauses, extra time."""

from workshop.timer import Timer

NOW = 1_800_000_000_000


def test_fresh_timer_is_paused_with_all_its_time():
    timer = Timer.fresh(30_000)
    assert not timer.running
    assert timer.remaining_ms(NOW) == 30_000
    assert timer.view(NOW) == {
        "duration_ms": 30_000,
        "running": False,
        "ends_at_ms": None,
        "remaining_ms": 30_000,
    }


def test_running_timer_travels_as_a_deadline():
    timer = Timer.fresh(30_000).start(NOW)
    assert timer.ends_at_ms == NOW + 30_000
    assert timer.remaining_ms(NOW + 12_345) == 17_655
    assert timer.remaining_ms(NOW + 60_000) == 0
    assert timer.finished(NOW + 30_000)
    assert not timer.finished(NOW + 29_999)


def test_pause_keeps_what_is_left_and_resume_continues():
    timer = Timer.fresh(30_000).start(NOW).pause(NOW + 10_000)
    assert not timer.running
    assert timer.remaining_ms(NOW + 999_999) == 20_000
    resumed = timer.resume(NOW + 50_000)
    assert resumed.ends_at_ms == NOW + 70_000


def test_pause_and_resume_are_idempotent():
    paused = Timer.fresh(5_000)
    assert paused.pause(NOW) == paused
    running = paused.start(NOW)
    assert running.resume(NOW + 1000) == running


def test_add_time_while_running_moves_the_deadline_and_keeps_elapsed():
    timer = Timer.fresh(30_000).start(NOW)
    later = timer.add(30_000, NOW + 10_000)
    assert later.remaining_ms(NOW + 10_000) == 50_000
    # The pacer's phase is the time used, duration minus remaining (docs/protocol.md).
    used = [t.duration_ms - t.remaining_ms(NOW + 10_000) for t in (later, timer)]
    assert used == [10_000, 10_000]


def test_add_time_while_paused():
    timer = Timer.fresh(30_000).add(30_000, NOW)
    assert timer.remaining_ms(NOW) == 60_000
    assert timer.duration_ms == 60_000


def test_add_time_to_a_finished_timer_counts_down_again_from_now():
    timer = Timer.fresh(10_000).start(NOW)
    later = timer.add(30_000, NOW + 20_000)
    assert later.remaining_ms(NOW + 20_000) == 30_000


def test_taking_away_more_than_is_left_stops_at_zero():
    timer = Timer.fresh(10_000).start(NOW).add(-60_000, NOW + 2_000)
    assert timer.remaining_ms(NOW + 2_000) == 0
    assert timer.duration_ms >= 0


def test_restart_starts_from_the_full_duration():
    timer = Timer.fresh(10_000).start(NOW).start(NOW + 4_000)
    assert timer.remaining_ms(NOW + 4_000) == 10_000


def test_record_round_trip():
    for timer in (Timer.fresh(1000), Timer.fresh(1000).start(NOW), Timer.fresh(9).pause(NOW)):
        assert Timer.from_record(timer.to_record()) == timer


def test_status_tells_ready_running_paused_and_finished_apart():
    timer = Timer.fresh(30_000)
    assert timer.status(NOW) == "ready"
    assert timer.add(30_000, NOW).status(NOW) == "ready", "more time before Start still waits"
    running = timer.start(NOW)
    assert running.status(NOW) == "running"
    assert running.status(NOW + 29_999) == "running"
    assert running.status(NOW + 30_000) == "finished"
    paused = running.pause(NOW + 10_000)
    assert paused.status(NOW + 99_000) == "paused"
    assert paused.add(-60_000, NOW).status(NOW) == "finished"
    assert running.add(30_000, NOW + 40_000).status(NOW + 40_000) == "running"
