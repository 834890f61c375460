"""How long answers are kept is bounded once: the home's form and the session API agree."""

from __future__ import annotations

import pytest

from workshop.messages import MAX_RETENTION_DAYS
from workshop.messages import BadMessage
from workshop.messages import CreateSession
from workshop.messages import parse
from workshop.messages import retention_days_from_text


def _api_takes(days: int) -> bool:
    try:
        parse(CreateSession, {"workshop": "tiny", "retention_days": days})
    except BadMessage:
        return False
    return True


def _form_takes(days: int) -> bool:
    try:
        retention_days_from_text(str(days))
    except BadMessage:
        return False
    return True


@pytest.mark.parametrize("days", [-1, 0, 1, 30, MAX_RETENTION_DAYS, MAX_RETENTION_DAYS + 1, 10**9])
def test_the_form_takes_what_the_api_takes(days):
    assert _form_takes(days) is _api_takes(days)


def test_the_bounds_are_zero_and_ten_years():
    assert MAX_RETENTION_DAYS == 3650
    assert _api_takes(0) and _api_takes(3650) and not _api_takes(-1) and not _api_takes(3651)


def test_the_form_reads_blank_as_the_default_and_trims_spaces():
    assert retention_days_from_text("") is None
    assert retention_days_from_text("   ") is None
    assert retention_days_from_text(" 7 ") == 7


@pytest.mark.parametrize(
    "typed, words",
    [
        ("x", "Retention is a whole number of days."),
        ("1.5", "Retention is a whole number of days."),
        ("3651", "Retention is between 0 and 3650 days."),
        ("-1", "Retention is between 0 and 3650 days."),
    ],
)
def test_the_form_says_what_is_wrong_in_words(typed, words):
    with pytest.raises(BadMessage) as refused:
        retention_days_from_text(typed)
    assert str(refused.value) == words
