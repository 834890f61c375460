"""How many phones fit in an open-file limit, and what the kiosk says at start-up about it."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app import capacity_notice
from transport.descriptors import MESSAGE_QUEUE_CONNECTIONS
from transport.descriptors import MIN_IN_FLIGHT
from transport.descriptors import PAGE_CONNECTIONS
from transport.descriptors import REDIS_POOL
from transport.descriptors import SQLITE_SPARE
from transport.descriptors import STAFF_PAGES
from transport.descriptors import plan
from transport.descriptors import pool_allowance
from workshop.pg_store import POOL_SIZE

ROOT = Path(__file__).resolve().parents[2]


def test_a_desktop_limit_of_1024_with_two_descriptors_a_phone():
    ceiling = plan(1024, per_phone=2, in_use=12, pools=4)
    staff = STAFF_PAGES * (2 + PAGE_CONNECTIONS)
    assert (ceiling.staff, ceiling.in_flight) == (staff, 51)
    assert ceiling.reserved == 12 + 4 + staff + 51
    assert ceiling.phones == (1024 - ceiling.reserved) // 2 == 446
    assert ceiling.reserved + ceiling.phones * 2 <= 1024


def test_one_descriptor_a_phone_fits_twice_as_many():
    two = plan(20_000, per_phone=2, in_use=12, pools=4)
    one = plan(20_000, per_phone=1, in_use=12, pools=4)
    assert one.in_flight == two.in_flight == 1000, "a twentieth of a big limit"
    assert one.phones >= 2 * two.phones
    assert one.phones >= 10_000, "the hall this machine's limit is for"


def test_a_tiny_limit_fits_no_phone_and_never_a_negative_number():
    assert plan(64, per_phone=2, in_use=30).phones == 0
    assert plan(64, per_phone=2, in_use=30).in_flight == MIN_IN_FLIGHT
    with pytest.raises(ValueError):
        plan(1024, per_phone=0, in_use=10)


@pytest.mark.parametrize("wanted", [1, 447, 448, 5000, 10_000, 100_000])
@pytest.mark.parametrize("per_phone", [1, 2])
def test_the_limit_to_ask_for_fits_the_phones_and_is_not_much_more(wanted, per_phone):
    needed = plan(1024, per_phone=per_phone, in_use=12, pools=4).limit_for(wanted)
    assert needed % 1024 == 0
    assert plan(needed, per_phone=per_phone, in_use=12, pools=4).phones >= wanted
    assert plan(needed - 1024, per_phone=per_phone, in_use=12, pools=4).phones < wanted


def test_pools_for_each_kind_of_database_and_a_cluster():
    # The allowance follows the pools' own sizes (one constant each), whatever they are.
    assert pool_allowance("instance/attune.db", clustered=False) == SQLITE_SPARE
    assert pool_allowance("postgresql://db/attune", clustered=False) == POOL_SIZE
    clustered = pool_allowance("postgres://db/attune", clustered=True)
    assert clustered == POOL_SIZE + REDIS_POOL + MESSAGE_QUEUE_CONNECTIONS


def test_start_up_says_how_many_phones_fit_and_what_to_raise_the_limit_to():
    ceiling = plan(1024, per_phone=2, in_use=12, pools=4)
    notice = capacity_notice(ceiling, 5000, hard_limit=1024)
    assert "this machine allows about 446 phones" in notice.lower()
    assert f"raise `ulimit -n` to {ceiling.limit_for(5000):,} for more" in notice
    assert "The hard limit is 1,024: raise it first" in notice
    assert "hard limit" not in capacity_notice(ceiling, 5000, hard_limit=65_536)
    assert capacity_notice(ceiling, 446, hard_limit=1024) == "", "enough: nothing to say"
    assert capacity_notice(None, 5000, hard_limit=None) == ""


def _in_a_fresh_process(script: str) -> None:
    """Run `script` in a Python process of its own: no other thread opens files meanwhile."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_the_count_of_open_descriptors_follows_files_opened_and_closed():
    _in_a_fresh_process(
        """
        import os
        from transport.descriptors import DescriptorCount

        for counter in (DescriptorCount(max_age=0), DescriptorCount(max_age=0, listing_only=True)):
            before = counter.now()
            assert before is not None and before >= 3, before
            files = [os.open(os.devnull, os.O_RDONLY) for _ in range(5)]
            assert counter.now() == before + 5, (counter.now(), before)
            for fd in files:
                os.close(fd)
            assert counter.now() == before, (counter.now(), before)
        """
    )


def test_between_two_listings_the_count_adds_connections_let_in():
    _in_a_fresh_process(
        """
        import os
        from transport.descriptors import DescriptorCount

        now = [0.0]
        counter = DescriptorCount(max_age=10, clock=lambda: now[0], listing_only=True)
        listed = counter.now()
        counter.opened()
        counter.opened()
        assert counter.now() == listed + 2, "a rush between two listings is counted"
        extra = os.open(os.devnull, os.O_RDONLY)
        now[0] += 10
        assert counter.now() == listed + 1, "listed again: the true count"
        """
    )
