"""Presence and signals shared through a real Redis: the room's counts, not one process's."""

import time

from workshop.shared_room import RedisCare
from workshop.shared_room import RedisPresence


def test_two_processes_count_the_same_room(redis_client):
    first, second = RedisPresence(redis_client), RedisPresence(redis_client)
    first.join("ROOM22", "c1", "phone-a")
    second.join("ROOM22", "c2", "phone-b")
    second.join("ROOM22", "c3", "phone-a")  # the same phone through another process
    time.sleep(0.6)  # past the count cache
    assert first.count("ROOM22") == second.count("ROOM22") == 2
    assert first.has("ROOM22", "phone-b")
    first.leave("ROOM22", "c1")
    time.sleep(0.6)
    assert second.phones("ROOM22") == {"phone-a", "phone-b"}
    second.leave("ROOM22", "c3")
    assert first.phones("ROOM22") == {"phone-b"}


def test_a_dead_process_stops_counting_when_its_heartbeat_runs_out(redis_client):
    survivor = RedisPresence(redis_client)
    doomed = RedisPresence(redis_client, alive_seconds=1)
    survivor.join("ROOM22", "c1", "phone-a")
    doomed.join("ROOM22", "c2", "phone-b")
    assert survivor.phones("ROOM22") == {"phone-a", "phone-b"}
    time.sleep(1.3)  # the doomed process never heartbeats again, as after kill -9
    assert survivor.phones("ROOM22") == {"phone-a"}


def test_signals_are_shared_and_clear_themselves(redis_client):
    one, two = RedisCare(redis_client, need_moment_ms=1000), RedisCare(redis_client)
    one.need_moment("ROOM22", "phone-a", now_ms=0)
    two.need_moment("ROOM22", "phone-b", now_ms=0)
    two.set_done("ROOM22", "reflect", "phone-a", True)
    counts = one.counts("ROOM22", "reflect", {"phone-a", "phone-b"}, now_ms=500)
    assert (counts.need_moment, counts.done, counts.connected) == (2, 1, 2)
    assert two.counts("ROOM22", "reflect", {"phone-a"}, now_ms=2_000).need_moment == 1
    assert one.counts("ROOM22", "reflect", {"phone-b"}, now_ms=2_000).done == 0
    two.need_moment("ROOM22", "phone-b", now_ms=2_000)
    one.ok_again("ROOM22", "phone-b")
    assert not two.needs_moment("ROOM22", "phone-b", now_ms=0)
    one.forget_phone("ROOM22", "phone-a")
    assert "reflect" not in two.done_steps("ROOM22", "phone-a")
    one.forget_session("ROOM22")
    assert one.next_expiry("ROOM22") is None


def test_done_is_kept_per_step_across_processes(redis_client):
    one, two = RedisCare(redis_client), RedisCare(redis_client)
    assert one.done_steps("ROOM23", "phone-a") == set()
    one.set_done("ROOM23", "settle", "phone-a", True)
    two.set_done("ROOM23", "listen", "phone-a", True)
    two.set_done("ROOM23", "listen", "phone-b", True)
    assert two.done_steps("ROOM23", "phone-a") == {"settle", "listen"}
    one.set_done("ROOM23", "listen", "phone-a", False)
    assert two.done_steps("ROOM23", "phone-a") == {"settle"}
    assert one.done_steps("ROOM23", "phone-b") == {"listen"}
