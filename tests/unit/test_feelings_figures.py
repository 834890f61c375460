"""Naming feelings: the schema and its defaults, answers, counts (empty, one, ties) and pairs."""

import pytest

from workshop.csv_export import answers_csv
from workshop.results import Answer
from workshop.results import AnswerError
from workshop.results import feelings_shift
from workshop.results import shift_for
from workshop.results import summarize
from workshop.results import validate_answer
from workshop.script import DEFAULT_FEELINGS
from workshop.script import FeelingsPrompt
from workshop.script import WorkshopError
from workshop.script import parse_workshop

FEW = FeelingsPrompt(id="f", question="?", kind="feelings", options=["calm", "warm", "tense"])


def workshop(*prompts, **fields):
    steps = [{"id": f"s{i}", "title": "T", "prompt": p} for i, p in enumerate(prompts)]
    return parse_workshop({"id": "w", "title": "W", "steps": steps, **fields})


def chose(prompt_id, lists, first=0):
    return [
        Answer(f"{prompt_id}{i}", prompt_id, f"r{first + i}", v, i) for i, v in enumerate(lists)
    ]


def counts(result):
    return [(o["option"], o["count"]) for o in result["options"]]


def test_a_prompt_without_options_offers_the_languages_defaults_or_the_workshops():
    plain = {"id": "f", "question": "?", "kind": "feelings"}
    assert workshop(plain).prompt("f")[1].options == DEFAULT_FEELINGS["en"]
    assert DEFAULT_FEELINGS["en"] == [
        "calm",
        "safe",
        "warm",
        "tired",
        "tense",
        "restless",
        "sad",
        "grateful",
        "connected",
        "hopeful",
    ]
    assert workshop(plain, language="de").prompt("f")[1].options[0] == "ruhig"
    own = workshop(plain, feelings=["open", "soft", "awake"]).prompt("f")[1]
    assert own.options == ["open", "soft", "awake"] and own.max_choices == 3
    mine = workshop({**plain, "options": ["a", "b"], "max_choices": 1}).prompt("f")[1]
    assert mine.options == ["a", "b"]


def test_a_language_without_defaults_must_list_its_feelings():
    with pytest.raises(WorkshopError, match=r"step 1 \('s0'\) → prompt: list the feelings"):
        workshop({"id": "f", "question": "?", "kind": "feelings"}, language="xx")


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"options": ["calm", "Calm "]}, "options must be distinct"),
        ({"options": ["calm"]}, "at least 2 items"),
        ({"max_choices": 0}, "greater than or equal to 1"),
    ],
)
def test_a_feelings_prompt_that_cannot_work_is_refused_where_it_is(fields, words):
    with pytest.raises(WorkshopError, match=words):
        workshop({"id": "f", "question": "?", "kind": "feelings", **fields})


def test_a_pair_needs_an_earlier_feelings_prompt_with_the_same_feelings():
    first = {"id": "a", "question": "?", "kind": "feelings"}
    second = {"id": "b", "question": "?", "kind": "feelings", "pairs_with": "a"}
    assert workshop(first, second).prompt("b")[1].pairs_with == "a"
    with pytest.raises(WorkshopError, match="must name a feelings prompt of an earlier step"):
        workshop(second, first)
    with pytest.raises(WorkshopError, match="offers other feelings"):
        workshop(first, {**second, "options": ["calm", "warm"]})


def test_max_choices_above_the_feelings_offered_allows_them_all():
    two = FeelingsPrompt(id="f", question="?", kind="feelings", options=["a", "b"])
    assert two.max_choices == 3 and two.most == 2
    assert validate_answer(two, ["b", "a"]) == ["a", "b"]


def test_chosen_feelings_are_kept_in_the_order_offered():
    assert validate_answer(FEW, ["tense", "calm"]) == ["calm", "tense"]
    assert validate_answer(FEW, ["warm"]) == ["warm"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ([], "choose at least one feeling (up to 3)"),
        (["calm", "joyful"], "choose only among the feelings shown"),
        (["calm", "calm"], "each feeling can be chosen once"),
        (["Calm"], "choose only among the feelings shown"),
        ("calm", "a feelings answer is a list of 1 to 3 of the feelings shown"),
        ([1, 2], "a feelings answer is a list"),
        ({"calm": 1}, "a feelings answer is a list"),
    ],
)
def test_a_feelings_answer_that_does_not_fit_is_refused_in_words(value, words):
    with pytest.raises(AnswerError, match=words.replace("(", r"\(").replace(")", r"\)")):
        validate_answer(FEW, value)


def test_too_many_feelings_say_the_limit():
    one = FeelingsPrompt(id="f", question="?", kind="feelings", options=["a", "b"], max_choices=1)
    with pytest.raises(AnswerError, match=r"choose at most 1 feeling \(2 were sent\)"):
        validate_answer(one, ["a", "b"])
    with pytest.raises(AnswerError, match="at most 3 feelings"):
        validate_answer(
            FeelingsPrompt(id="f", question="?", kind="feelings", options=list("abcd")),
            list("abcd"),
        )


def test_no_answers_list_every_feeling_at_zero_in_the_offered_order():
    result = summarize(FEW, [])
    assert result["count"] == 0 and counts(result) == [("calm", 0), ("warm", 0), ("tense", 0)]


def test_one_answer():
    result = summarize(FEW, chose("f", [["warm", "tense"]]))
    assert counts(result) == [("warm", 1), ("tense", 1), ("calm", 0)]
    assert [o["percent"] for o in result["options"]] == [100, 100, 0]


def test_most_chosen_first_and_ties_in_the_offered_order():
    result = summarize(FEW, chose("f", [["tense"], ["warm", "tense"], ["calm"], ["warm"]]))
    assert result["count"] == 4
    assert counts(result) == [("warm", 2), ("tense", 2), ("calm", 1)]
    assert result["options"][0]["percent"] == 50  # of the people, not of the choices


def test_everyone_chose_the_same():
    result = summarize(FEW, chose("f", [["tense"]] * 4))
    assert counts(result) == [("tense", 4), ("calm", 0), ("warm", 0)]


def test_feelings_shift_counts_pairs_only_and_names_what_grew_and_shrank():
    before = chose("b", [["tense"], ["tense", "warm"], ["calm"]])
    after = chose("a", [["calm"], ["calm", "warm"]]) + chose("a", [["tense"]], first=7)
    shift = feelings_shift(FEW, before, after)
    assert shift["pairs"] == 2
    assert shift["feelings"] == [
        {"option": "calm", "before": 0, "after": 2, "change": 2},
        {"option": "warm", "before": 1, "after": 1, "change": 0},
        {"option": "tense", "before": 2, "after": 0, "change": -2},
    ]
    assert shift["grew"] == ["calm"] and shift["shrank"] == ["tense"]


def test_feelings_shift_ties_keep_the_offered_order_and_no_pairs_is_empty():
    before = chose("b", [["tense", "warm"]])
    after = chose("a", [["calm"]])
    shift = feelings_shift(FEW, before, after)
    assert shift["grew"] == ["calm"] and shift["shrank"] == ["warm", "tense"]
    assert feelings_shift(FEW, [], after)["pairs"] == 0
    paired = FeelingsPrompt(
        id="x", question="?", kind="feelings", options=["a", "b"], pairs_with="f"
    )
    assert shift_for(paired, [], [])["grew"] == []


def test_the_csv_gives_each_chosen_feeling_its_row():
    row = {
        "respondent": "r1",
        "prompt_id": "f",
        "question": "?",
        "kind": "feelings",
        "value": ["calm", "warm"],
        "seconds": 1.0,
        "hidden": False,
    }
    lines = answers_csv([row]).removeprefix("\ufeff").splitlines()
    assert lines[1:] == [
        '"r1","f","?","feelings","calm","1.0","false","",""',
        '"r1","f","?","feelings","warm","1.0","false","",""',
    ]
