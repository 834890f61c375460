"""The mood grid: its schema, answers, figures (empty, one, one cell, ties) and pairs."""

import pytest

from workshop.csv_export import COLUMNS
from workshop.csv_export import answers_csv
from workshop.results import Answer
from workshop.results import AnswerError
from workshop.results import mood_shift
from workshop.results import shift_for
from workshop.results import summarize
from workshop.results import validate_answer
from workshop.script import MoodPrompt
from workshop.script import WorkshopError
from workshop.script import parse_workshop

GRID = MoodPrompt(id="now", question="How do you feel?", kind="mood")


def moods(prompt_id, points, first=0):
    return [
        Answer(f"{prompt_id}{i}", prompt_id, f"r{first + i}", {"pleasantness": p, "energy": e}, i)
        for i, (p, e) in enumerate(points)
    ]


def cell(result, pleasantness, energy):
    """The count in the cell at (pleasantness, energy): rows run from energy +3 down."""
    return result["cells"][3 - energy][pleasantness + 3]


def test_the_axes_have_words_by_default_and_per_prompt():
    assert (GRID.pleasant_label, GRID.unpleasant_label) == ("pleasant", "unpleasant")
    assert (GRID.high_label, GRID.low_label) == ("high energy", "low energy")
    own = MoodPrompt(id="x", question="?", kind="mood", pleasant_label="bright")
    assert summarize(own, [])["labels"]["pleasant"] == "bright"


@pytest.mark.parametrize("p", [-3, 0, 3])
@pytest.mark.parametrize("e", [-3, 1, 3])
def test_every_cell_of_the_grid_is_an_answer(p, e):
    assert validate_answer(GRID, {"energy": e, "pleasantness": p}) == {
        "pleasantness": p,
        "energy": e,
    }


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"pleasantness": 4, "energy": 0}, "pleasantness from -3 to 3"),
        ({"pleasantness": 0, "energy": -4}, "energy from -3 to 3"),
        ({"pleasantness": 0}, "energy is missing"),
        ({"pleasantness": 0, "energy": 0, "mood": 1}, "remove mood"),
        ({"pleasantness": 1.5, "energy": 0}, "whole numbers from -3 to 3"),
        ({"pleasantness": True, "energy": 0}, "whole numbers from -3 to 3"),
        ({"pleasantness": "1", "energy": 0}, "whole numbers from -3 to 3"),
        (3, "a mood answer is"),
        ("calm", "a mood answer is"),
        ([1, 2], "a mood answer is"),
    ],
)
def test_an_answer_off_the_grid_is_refused_in_words(value, words):
    with pytest.raises(AnswerError, match=words):
        validate_answer(GRID, value)


def test_no_answers_give_an_empty_grid_and_no_mean():
    result = summarize(GRID, [])
    assert result["count"] == 0 and result["mean"] is None
    assert len(result["cells"]) == 7 and all(len(row) == 7 for row in result["cells"])
    assert sum(map(sum, result["cells"])) == 0


def test_one_answer_fills_its_cell_and_is_the_mean():
    result = summarize(GRID, moods("now", [(2, -1)]))
    assert result["count"] == 1 and cell(result, 2, -1) == 1
    assert sum(map(sum, result["cells"])) == 1
    assert result["mean"] == {"pleasantness": 2, "energy": -1}


def test_all_answers_in_one_cell():
    result = summarize(GRID, moods("now", [(-3, 3)] * 5))
    assert cell(result, -3, 3) == 5 and result["cells"][0][0] == 5
    assert result["mean"] == {"pleasantness": -3, "energy": 3}


def test_tied_cells_both_count_and_the_mean_falls_between():
    result = summarize(GRID, moods("now", [(1, 1), (1, 1), (-1, -2), (-1, -2), (0, 0)]))
    assert cell(result, 1, 1) == cell(result, -1, -2) == 2 and cell(result, 0, 0) == 1
    assert result["mean"] == {"pleasantness": 0, "energy": -0.4}


def test_mood_shift_pairs_phones_and_counts_who_moved_toward_pleasant_and_calm():
    before = moods("b", [(-2, 2), (0, 0), (1, -1), (3, 3)])
    # r0 calmer and brighter, r1 only brighter, r2 the same, r4 has no "before"
    after = moods("a", [(1, -1), (2, 0), (1, -1)]) + moods("a", [(-3, 3)], first=4)
    shift = mood_shift(before, after)
    assert shift["pairs"] == 3
    assert shift["toward_pleasant"] == 2 and shift["toward_calm"] == 1
    assert shift["before"] == {"pleasantness": -0.33, "energy": 0.33}
    assert shift["after"] == {"pleasantness": 1.33, "energy": -0.67}


def test_mood_shift_with_no_pairs():
    assert mood_shift(moods("b", [(0, 0)]), moods("a", [(1, 1)], first=9)) == {
        "pairs": 0,
        "before": None,
        "after": None,
        "toward_pleasant": 0,
        "toward_calm": 0,
    }


def test_shift_for_picks_the_kind_and_none_without_a_pair():
    paired = MoodPrompt(id="after", question="?", kind="mood", pairs_with="now")
    assert shift_for(GRID, [], []) is None
    assert "toward_calm" in shift_for(paired, [], [])


def workshop(*prompts):
    steps = [{"id": f"s{i}", "title": "T", "prompt": p} for i, p in enumerate(prompts)]
    return {"id": "w", "title": "W", "steps": steps}


def test_a_mood_pair_must_name_an_earlier_mood_grid():
    grid = {"id": "before", "question": "?", "kind": "mood"}
    after = {"id": "after", "question": "?", "kind": "mood", "pairs_with": "before"}
    assert parse_workshop(workshop(grid, after)).prompt("after")[1].pairs_with == "before"
    scale = {"id": "before", "question": "?", "kind": "scale"}
    with pytest.raises(WorkshopError, match="must name a mood prompt of an earlier step"):
        parse_workshop(workshop(scale, after))
    with pytest.raises(WorkshopError, match="must name a mood prompt of an earlier step"):
        parse_workshop(workshop(after, grid))


def test_a_scale_cannot_pair_with_a_mood_grid():
    grid = {"id": "before", "question": "?", "kind": "mood"}
    scale = {"id": "after", "question": "?", "kind": "scale", "pairs_with": "before"}
    with pytest.raises(WorkshopError, match="must name a scale prompt"):
        parse_workshop(workshop(grid, scale))


def test_an_empty_axis_word_is_refused_where_it_is():
    grid = {"id": "before", "question": "?", "kind": "mood", "low_label": ""}
    with pytest.raises(WorkshopError, match=r"step 1 \('s0'\) → prompt.low_label"):
        parse_workshop(workshop(grid))


def test_the_csv_gives_a_mood_answer_a_column_per_axis():
    row = {
        "respondent": "r1",
        "prompt_id": "now",
        "question": "How?",
        "kind": "mood",
        "value": {"pleasantness": -2, "energy": 3},
        "seconds": 2.0,
        "hidden": False,
    }
    lines = answers_csv([row]).removeprefix("\ufeff").splitlines()
    assert COLUMNS[-2:] == ["pleasantness", "energy"]
    assert lines[1] == '"r1","now","How?","mood","","2.0","false","-2","3"'
