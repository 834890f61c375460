"""Aggregations of answers: every kind, empty, ties, hidden, unicode, pairs."""

import pytest

from workshop.results import HIDDEN
from workshop.results import SHOWN
from workshop.results import Answer
from workshop.results import AnswerError
from workshop.results import characters
from workshop.results import clean_words
from workshop.results import pair_shift
from workshop.results import summarize
from workshop.results import validate_answer
from workshop.results import word_counts
from workshop.stopwords import stop_words


def answers(prompt_id, values, hidden=()):
    return [
        Answer(f"a{i}", prompt_id, f"r{i}", v, 1000 + i, status=HIDDEN if i in hidden else SHOWN)
        for i, v in enumerate(values)
    ]


def prompt_of(tiny, prompt_id):
    return tiny.prompt(prompt_id)[1]


def test_scale_histogram_and_mean(tiny):
    result = summarize(prompt_of(tiny, "mood-before"), answers("mood-before", [1, 4, 4, 5]))
    assert result["count"] == 4
    assert [b["count"] for b in result["histogram"]] == [1, 0, 0, 2, 1]
    assert result["mean"] == 3.5
    assert (result["min_label"], result["max_label"]) == ("Tense", "Calm")


def test_scale_with_no_answers(tiny):
    result = summarize(prompt_of(tiny, "mood-before"), [])
    assert result["count"] == 0 and result["mean"] is None
    assert sum(b["count"] for b in result["histogram"]) == 0


def test_choice_counts_and_percentages_with_a_tie(tiny):
    result = summarize(prompt_of(tiny, "keep"), answers("keep", ["Hug", "Breathing"]))
    assert result["options"] == [
        {"option": "Breathing", "count": 1, "percent": 50},
        {"option": "Hug", "count": 1, "percent": 50},
        {"option": "Head rub", "count": 0, "percent": 0},
    ]


def test_words_leave_hidden_answers_out_for_the_room(tiny):
    prompt = prompt_of(tiny, "symbol")
    given = answers("symbol", ["trust", "🌱 growth", "hidden one"], hidden={2})
    room = summarize(prompt, given)
    assert [a["text"] for a in room["answers"]] == ["trust", "🌱 growth"]
    assert room["count"] == 2
    console = summarize(prompt, given, include_hidden=True)
    assert [a["status"] for a in console["answers"]] == ["shown", "shown", "hidden"]


def test_validate_scale(tiny):
    prompt = prompt_of(tiny, "mood-before")
    assert validate_answer(prompt, 3) == 3
    for bad in (0, 6, "3", True, 2.5):
        with pytest.raises(AnswerError):
            validate_answer(prompt, bad)


def test_validate_choice(tiny):
    prompt = prompt_of(tiny, "keep")
    assert validate_answer(prompt, "Hug") == "Hug"
    for bad in ("hug", 1, ""):
        with pytest.raises(AnswerError):
            validate_answer(prompt, bad)


def test_validate_words_cleans_and_limits(tiny):
    prompt = prompt_of(tiny, "symbol")
    assert validate_answer(prompt, "  a\n\tb\x00c  ") == "a b c"
    sentence = "A warm hand on my shoulder when I did not expect it, on a very cold winter evening."
    assert len(sentence) >= 80
    assert validate_answer(prompt, sentence[:100]) == sentence[:100]
    for bad in ("   ", 5, "x" * 101):
        with pytest.raises(AnswerError):
            validate_answer(prompt, bad)


@pytest.mark.parametrize(
    ("text", "seen"),
    [
        ("🤗💞 hugs 👨‍👩‍👧", 9),  # the family: a man, a woman, a girl and two joiners
        ("🇫🇷🇩🇪", 2),  # a flag is two regional indicators
        ("👍🏽", 1),  # with a skin tone
        ("e\u0301", 1),  # e and a combining accent
        ("नमस्ते", 3),  # Devanagari: न, म and स्ते (a conjunct)
        ("한국어", 3),
        ("calm", 4),
    ],
)
def test_characters_are_what_a_person_sees(text, seen):
    assert characters(text) == seen


def test_an_emoji_counts_as_one_character_against_the_limit(tiny):
    prompt = prompt_of(tiny, "symbol").model_copy(update={"max_length": 80})
    families = "👨‍👩‍👧" * 80  # 80 characters, 400 code points
    assert validate_answer(prompt, families) == families
    with pytest.raises(AnswerError) as refused:
        validate_answer(prompt, families + "!")
    assert str(refused.value) == (
        "Your answer is 81 characters long and the limit is 80:"
        " please shorten it by 1 character and send it again."
    )


def test_a_word_repeated_inside_one_answer_counts_once():
    counts = word_counts(["calm calm calm calm", "Calm and kind", "kind"])
    assert counts == [
        {"word": "calm", "count": 2},
        {"word": "kind", "count": 2},
        {"word": "and", "count": 1},
    ]


def test_markup_and_single_letters_never_fill_the_cloud():
    hostile = "<b>x</b><img src=x onerror=alert(1)>"
    counts = word_counts([hostile, "trust", "trust &amp; ease", "a b c d"])
    assert counts == [{"word": "trust", "count": 2}, {"word": "ease", "count": 1}]


def test_cloud_words_stay_whole_in_every_script():
    counts = word_counts(["नमस्ते दुनिया", "ข้าว", "静", "我很平静", "don’t stop"], frozenset({"stop"}))
    assert {c["word"] for c in counts} == {"नमस्ते", "दुनिया", "ข้าว", "静", "我很平静", "don’t"}


def test_clean_words_keeps_unicode_and_rtl_text_as_text():
    assert clean_words("שלום   עולם") == "שלום עולם"
    assert clean_words("e\u0301") == "é"


def test_pair_shift_matches_by_respondent_and_ignores_the_unpaired():
    before = [
        Answer("b1", "x", "r1", 2, 1),
        Answer("b2", "x", "r2", 4, 1),
        Answer("b3", "x", "r3", 3, 1),
    ]
    after = [
        Answer("a1", "y", "r1", 4, 2),
        Answer("a2", "y", "r2", 4, 2),
        Answer("a4", "y", "r4", 1, 2),
    ]
    assert pair_shift(before, after) == {
        "pairs": 2,
        "up": 1,
        "same": 1,
        "down": 0,
        "mean_change": 1.0,
    }
    assert pair_shift([], after)["mean_change"] is None


def test_an_elided_french_article_is_cut_off_and_other_apostrophes_stay():
    counts = word_counts(
        ["l'amour, c’est tout", "aujourd'hui l’amour", "qu'il reste"], stop_words("fr")
    )
    assert counts == [
        {"word": "amour", "count": 2},
        {"word": "aujourd'hui", "count": 1},
        {"word": "reste", "count": 1},
    ]
    # English lists no elision: a word with an apostrophe stays whole.
    assert word_counts(["we're here"], stop_words("en")) == [{"word": "we're", "count": 1}]
