"""Rate limits and the guessing brake, on a fake monotonic clock."""

from transport.limits import GuessBrake
from transport.limits import RateLimiter


class Seconds:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_bucket_allows_a_burst_then_the_rate():
    clock = Seconds()
    limiter = RateLimiter(burst=3, per_second=2, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b"), "keys are independent"
    clock.now += 0.5
    assert limiter.allow("a") and not limiter.allow("a")
    clock.now += 100
    assert sum(limiter.allow("a") for _ in range(10)) == 3, "refill stops at the burst"


def test_forget_and_bounded_memory():
    clock = Seconds()
    limiter = RateLimiter(burst=1, per_second=1, clock=clock, max_keys=10)
    for i in range(10):
        limiter.allow(f"k{i}")
    clock.now += 5
    limiter.allow("new")
    assert len(limiter) == 1
    limiter.forget("new")
    assert len(limiter) == 0


def test_guess_brake_blocks_after_too_many_misses_and_forgets_with_time():
    clock = Seconds()
    brake = GuessBrake(allowed=3, window=60, clock=clock)
    for _ in range(3):
        assert brake.wait("addr") == 0
        brake.miss("addr")
    assert brake.wait("addr") > 0 and brake.wait("other") == 0
    clock.now += 61
    assert brake.wait("addr") == 0


def test_guess_brake_forgives_one_miss_every_window_over_allowed():
    clock = Seconds()
    brake = GuessBrake(allowed=20, window=60, clock=clock)
    for _ in range(20):
        assert brake.wait("addr") == 0
        brake.miss("addr")
    assert brake.wait("addr") == 3.0, "one more try every 60 / 20 seconds"
    clock.now += 2
    assert brake.wait("addr") > 0
    clock.now += 1
    assert brake.wait("addr") == 0
    brake.miss("addr")
    assert brake.wait("addr") == 3.0, "each miss past the budget costs another 3 s"


def test_guess_brake_memory_is_bounded():
    clock = Seconds()
    brake = GuessBrake(allowed=2, window=10, clock=clock, max_keys=50)
    for i in range(500):
        brake.miss(f"addr-{i}")
    assert len(brake) <= 50
    clock.now += 11
    brake.miss("late")
    assert len(brake) == 1, "drained keys carry nothing and go first"


def test_guess_brake_forgets_an_address_once_its_misses_are_forgiven():
    clock = Seconds()
    brake = GuessBrake(allowed=20, window=60, clock=clock)
    for _ in range(20):
        brake.miss("addr")
    clock.now += 61
    brake.miss("other")
    assert len(brake) == 1, "addr is no longer held"
