"""Aggregating answers into the figures each prompt kind shows.

Answers are anonymous: they carry a keyed hash of the phone's id (`respondent`) so a phone's
answer can be replaced and a before/after pair matched, and that hash never leaves here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import regex

from workshop.errors import N_
from workshop.errors import AttuneError
from workshop.script import MOOD_LIMIT
from workshop.script import AnyPrompt
from workshop.script import ChoicePrompt
from workshop.script import FeelingsPrompt
from workshop.script import MoodPrompt
from workshop.script import ScalePrompt


class AnswerError(AttuneError, ValueError):
    """An answer that does not fit its prompt; the message tells the participant why."""


SHOWN = "shown"
PENDING = "pending"  # a words answer waiting for the facilitator's approval
HIDDEN = "hidden"  # hidden by the facilitator


@dataclass(frozen=True)
class Answer:
    """One stored answer."""

    answer_id: str
    prompt_id: str
    respondent: str
    value: int | str | dict | list
    answered_ms: int
    status: str = SHOWN

    @property
    def hidden(self) -> bool:
        """Whether the room must not see this answer (hidden, or not yet approved)."""
        return self.status != SHOWN

    @property
    def given_order(self) -> tuple[int, str]:
        """Where this answer stands among others in the order they were given: by the
        millisecond it was stored, then by id, so two answers of one millisecond keep one
        order between updates."""
        return (self.answered_ms, self.answer_id)


# `regex`, not `re`: its \w is Unicode's word class, which includes combining marks, so a
# Hindi or Thai word stays one word (`re` cuts "नमस्ते" into "नमस" and "त").
_WORD = regex.compile(r"[\w'’-]+")
# Markup typed as text (`<b>x</b><img src=x>`, `&amp;`) is shown as typed, but its tag
# names and attributes are not words anybody said.
_MARKUP = regex.compile(r"<[^<>]*>|&#?\w+;")
# An extended grapheme cluster (Unicode UAX #29): what a person sees as one character.
# The phone counts with `Intl.Segmenter`, which implements the same rule.
_GRAPHEME = regex.compile(r"\X")
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f]")
_SPACES = re.compile(r"\s+")


def characters(text: str) -> int:
    """How many characters a person sees in `text`: grapheme clusters, not code points.

    "🤗💞 hugs 👨‍👩‍👧" is 9 (the family is five code points, one character), as the phone's
    counter shows it.
    """
    return len(_GRAPHEME.findall(text))


def clean_words(text: str) -> str:
    """Fold a typed answer to one line: NFC, control characters dropped, spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


MOOD_AXES = ("pleasantness", "energy")


def _whole(value: object) -> bool:
    """An integer that is not a boolean (JSON `true` is not 1 here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def validate_mood(value: object) -> dict:
    """A mood grid answer in stored form: `{"pleasantness": p, "energy": e}`, -3..3 each.

    :raise AnswerError: not that shape, a key too many or missing, or a number off the grid.
    """
    shape = (
        'a mood answer is {"pleasantness": p, "energy": e} with whole numbers'
        f" from -{MOOD_LIMIT} to {MOOD_LIMIT}"
    )
    if not isinstance(value, dict):
        raise AnswerError(shape)
    extra = sorted(str(key) for key in value if key not in MOOD_AXES)
    if extra:
        raise AnswerError(f"{shape}; remove {', '.join(extra)[:60]}")
    missing = [axis for axis in MOOD_AXES if axis not in value]
    if missing:
        raise AnswerError(f"{shape}; {' and '.join(missing)} is missing")
    for axis in MOOD_AXES:
        if not _whole(value[axis]):
            raise AnswerError(shape)
        if not -MOOD_LIMIT <= value[axis] <= MOOD_LIMIT:
            raise AnswerError(
                f"choose a cell of the grid: {axis} from -{MOOD_LIMIT} to {MOOD_LIMIT}"
            )
    return {axis: value[axis] for axis in MOOD_AXES}


def validate_feelings(prompt: FeelingsPrompt, value: object) -> list[str]:
    """The feelings a person chose, in the order they are offered.

    :raise AnswerError: not a list of names, empty, a name not offered, one chosen twice, or
        more than `max_choices`.
    """
    most = prompt.most
    up_to = f"1 to {most}" if most > 1 else "1"
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise AnswerError(
            N_("a feelings answer is a list of {up_to} of the feelings shown"), up_to=up_to
        )
    if not value:
        raise AnswerError(N_("choose at least one feeling (up to {most})"), most=most)
    if any(name not in prompt.options for name in value):
        raise AnswerError(N_("choose only among the feelings shown"))
    if len(set(value)) != len(value):
        raise AnswerError(N_("each feeling can be chosen once"))
    if len(value) > most:
        raise AnswerError(
            N_("choose at most {most} feeling ({sent} were sent)")
            if most == 1
            else N_("choose at most {most} feelings ({sent} were sent)"),
            most=most,
            sent=len(value),
        )
    return [name for name in prompt.options if name in value]


def validate_answer(prompt: AnyPrompt, value: object) -> int | str | dict | list:
    """Check a value against its prompt and return it in stored form.

    :raise AnswerError: the value is of the wrong type or out of range.
    """
    if isinstance(prompt, MoodPrompt):
        return validate_mood(value)
    if isinstance(prompt, FeelingsPrompt):
        return validate_feelings(prompt, value)
    if isinstance(prompt, ScalePrompt):
        if not isinstance(value, int) or isinstance(value, bool):
            raise AnswerError(
                N_("a scale answer is a whole number from {min} to {max}"),
                min=prompt.min,
                max=prompt.max,
            )
        if not prompt.min <= value <= prompt.max:
            raise AnswerError(
                N_("choose a number from {min} to {max}"), min=prompt.min, max=prompt.max
            )
        return value
    if isinstance(prompt, ChoicePrompt):
        if not isinstance(value, str) or value not in prompt.options:
            raise AnswerError(N_("choose one of the options shown"))
        return value
    if not isinstance(value, str):
        raise AnswerError(N_("a words answer is text"))
    text = clean_words(value)
    if not text:
        raise AnswerError(N_("the answer is empty; type a word or two"))
    length = characters(text)
    if length > prompt.max_length:
        over = length - prompt.max_length
        raise AnswerError(
            N_(
                "Your answer is {length} characters long and the limit is {limit}:"
                " please shorten it by {over} character and send it again."
            )
            if over == 1
            else N_(
                "Your answer is {length} characters long and the limit is {limit}:"
                " please shorten it by {over} characters and send it again."
            ),
            length=length,
            limit=prompt.max_length,
            over=over,
        )
    return text


def summarize(
    prompt: AnyPrompt,
    answers: list[Answer],
    include_hidden: bool = False,
    stop: frozenset[str] = frozenset(),
) -> dict:
    """The figures of one prompt: `{prompt_id, kind, count, ...}` plus the kind's own.

    Hidden answers are left out of what the room sees; the console asks for them too
    (`include_hidden`), marked, so it can show them again.
    """
    visible = [a for a in answers if not a.hidden]
    base = {"prompt_id": prompt.id, "kind": prompt.kind, "count": len(answers)}
    if isinstance(prompt, ScalePrompt):
        counts = Counter(a.value for a in answers)
        values = [a.value for a in answers]
        return {
            **base,
            "min": prompt.min,
            "max": prompt.max,
            "min_label": prompt.min_label,
            "max_label": prompt.max_label,
            "histogram": [
                {"value": v, "count": counts.get(v, 0)} for v in range(prompt.min, prompt.max + 1)
            ],
            "mean": round(sum(values) / len(values), 2) if values else None,
        }
    if isinstance(prompt, MoodPrompt):
        return {**base, **mood_figures(prompt, [a.value for a in answers])}
    if isinstance(prompt, FeelingsPrompt):
        return {**base, "options": feeling_counts(prompt, [a.value for a in answers])}
    if isinstance(prompt, ChoicePrompt):
        counts = Counter(a.value for a in answers)
        total = len(answers)
        return {
            **base,
            "options": [
                {
                    "option": option,
                    "count": counts.get(option, 0),
                    "percent": round(100 * counts.get(option, 0) / total) if total else 0,
                }
                for option in prompt.options
            ],
        }
    shown = answers if include_hidden else visible
    ordered = sorted(shown, key=lambda a: a.given_order)
    entries = [{"id": a.answer_id, "text": a.value} for a in ordered]
    if include_hidden:
        for entry, answer in zip(entries, ordered, strict=True):
            entry["status"] = answer.status
    return {
        **base,
        "count": len(visible),
        "answers": entries,
        "words": word_counts([str(a.value) for a in visible], stop),
    }


MAX_CLOUD_WORDS = 60


def word_counts(texts: list[str], stop: frozenset[str] = frozenset()) -> list[dict]:
    """Words of the answers with how many answers use each, most used first.

    A word counts once per answer however often that answer repeats it, so one person
    cannot fill the cloud. Case and whitespace are folded; stop words, numbers, markup
    (`<tags>`, `&entities;`) and single letters are left out. Ties are broken
    alphabetically so the cloud does not reshuffle between updates.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words_of(text, stop))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"word": word, "count": count} for word, count in ranked[:MAX_CLOUD_WORDS]]


def words_of(text: str, stop: frozenset[str] = frozenset()) -> set[str]:
    """The distinct cloud words of one answer (see `word_counts` for what is left out)."""
    words = set()
    for word in _WORD.findall(_MARKUP.sub(" ", clean_words(text)).casefold()):
        word = _without_elision(word.strip("'’-"), stop)
        if not word or word in stop or word.isdigit() or _single_letter(word):
            continue
        words.add(word)
    return words


def _without_elision(word: str, stop: frozenset[str]) -> str:
    """The word after an elided article or pronoun that is a stop word: "l'amour" is "amour".

    Only elisions the language lists (`l'`, `qu'` in French) are cut, so "aujourd'hui" and
    "don't" stay whole.
    """
    head, apostrophe, rest = word.replace("’", "'").partition("'")
    if apostrophe and rest and head + apostrophe in stop:
        return rest.strip("'-")
    return word


def _single_letter(word: str) -> bool:
    """A one-letter token ("b", "x"): no word, except where one character is one.

    Chinese and Japanese characters and Hangul syllables (East Asian wide) carry a meaning
    of their own: "静" (calm) stays.
    """
    return characters(word) == 1 and unicodedata.east_asian_width(word[0]) != "W"


def below_threshold(summary: dict, threshold: int) -> dict:
    """What the room sees of results with too few answers: the count and how many more."""
    return {
        "prompt_id": summary["prompt_id"],
        "kind": summary["kind"],
        "count": summary["count"],
        "below_threshold": True,
        "needed": max(0, threshold - summary["count"]),
    }


def feeling_counts(prompt: FeelingsPrompt, chosen: list[list[str]]) -> list[dict]:
    """Each feeling offered with how many people chose it, most chosen first.

    Ties keep the order the feelings are offered in, so bars do not reshuffle between updates.
    `percent` is the share of the people who answered, not of all the choices made.
    """
    counts = Counter(name for names in chosen for name in names)
    people = len(chosen)
    offered = sorted(enumerate(prompt.options), key=lambda item: (-counts[item[1]], item[0]))
    return [
        {
            "option": name,
            "count": counts[name],
            "percent": round(100 * counts[name] / people) if people else 0,
        }
        for _, name in offered
    ]


def mood_labels(prompt: MoodPrompt) -> dict:
    """The words of a mood grid's four ends, as the phone, screen and report show them."""
    return {
        "pleasant": prompt.pleasant_label,
        "unpleasant": prompt.unpleasant_label,
        "high": prompt.high_label,
        "low": prompt.low_label,
    }


def _mean_point(values: list[dict]) -> dict | None:
    """The mean of mood answers on both axes, to two decimals; None without answers."""
    if not values:
        return None
    return {axis: round(sum(v[axis] for v in values) / len(values), 2) for axis in MOOD_AXES}


def mood_figures(prompt: MoodPrompt, values: list[dict]) -> dict:
    """A mood grid's figures: counts per cell, the mean point and the axes' words.

    `cells` is a 7x7 list of rows, from the highest energy (+3) down to the lowest (-3), each
    row from the most unpleasant (-3) to the most pleasant (+3): the grid as it is drawn.
    """
    counts = Counter((v["pleasantness"], v["energy"]) for v in values)
    span = range(-MOOD_LIMIT, MOOD_LIMIT + 1)
    return {
        "labels": mood_labels(prompt),
        "cells": [[counts.get((p, e), 0) for p in span] for e in reversed(span)],
        "mean": _mean_point(values),
    }


def shift_for(prompt: AnyPrompt, before: list[Answer], after: list[Answer]) -> dict | None:
    """How phones moved from a prompt's `pairs_with` to it (None for a prompt with no pair)."""
    if getattr(prompt, "pairs_with", None) is None:
        return None
    if isinstance(prompt, MoodPrompt):
        return mood_shift(before, after)
    if isinstance(prompt, FeelingsPrompt):
        return feelings_shift(prompt, before, after)
    return pair_shift(before, after)


def feelings_shift(prompt: FeelingsPrompt, before: list[Answer], after: list[Answer]) -> dict:
    """Which feelings grew and which shrank between two paired feelings prompts.

    Only phones that answered both count (matched by respondent hash, as for scales). Returns
    `{pairs, feelings: [{option, before, after, change}], grew: [...], shrank: [...]}`: each
    feeling's count among the pairs before and after, in the order offered; `grew` and
    `shrank` name the feelings that changed, the largest change first (ties in offered order).
    """
    before_by = {a.respondent: a.value for a in before}
    pairs = [(before_by[a.respondent], a.value) for a in after if a.respondent in before_by]
    was = Counter(name for names, _ in pairs for name in names)
    now = Counter(name for _, names in pairs for name in names)
    feelings = [
        {"option": name, "before": was[name], "after": now[name], "change": now[name] - was[name]}
        for name in prompt.options
    ]
    by_change = sorted(enumerate(feelings), key=lambda item: (-abs(item[1]["change"]), item[0]))
    return {
        "pairs": len(pairs),
        "feelings": feelings,
        "grew": [f["option"] for _, f in by_change if f["change"] > 0],
        "shrank": [f["option"] for _, f in by_change if f["change"] < 0],
    }


def mood_shift(before: list[Answer], after: list[Answer]) -> dict:
    """How the room moved between two paired mood grids, phone by phone.

    Pairs are matched by respondent hash, as for scales. Returns `{pairs, before, after,
    toward_pleasant, toward_calm}`: the mean points of the paired answers before and after
    (the arrow drawn on the grid) and how many phones moved toward pleasant (pleasantness
    went up) and toward calm (energy went down).
    """
    before_by = {a.respondent: a.value for a in before}
    pairs = [(before_by[a.respondent], a.value) for a in after if a.respondent in before_by]
    return {
        "pairs": len(pairs),
        "before": _mean_point([b for b, _ in pairs]),
        "after": _mean_point([a for _, a in pairs]),
        "toward_pleasant": sum(1 for b, a in pairs if a["pleasantness"] > b["pleasantness"]),
        "toward_calm": sum(1 for b, a in pairs if a["energy"] < b["energy"]),
    }


def pair_shift(before: list[Answer], after: list[Answer]) -> dict:
    """How each phone moved between a 'before' and an 'after' scale.

    Pairs are matched by respondent hash; phones with only one of the two answers do not
    count. Returns `{pairs, up, same, down, mean_change}`.
    """
    before_by = {a.respondent: a.value for a in before}
    changes = [a.value - before_by[a.respondent] for a in after if a.respondent in before_by]
    return {
        "pairs": len(changes),
        "up": sum(1 for c in changes if c > 0),
        "same": sum(1 for c in changes if c == 0),
        "down": sum(1 for c in changes if c < 0),
        "mean_change": round(sum(changes) / len(changes), 2) if changes else None,
    }
