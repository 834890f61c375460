"""Aggregating answers into the figures each prompt kind shows.

Answers are anonymous: they carry a keyed hash of the phone's id (`respondent`) so a phone's
answer can be replaced and a before/after pair matched, and that hash never leaves here.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from workshop.script import ChoicePrompt
from workshop.script import ScalePrompt
from workshop.script import WordsPrompt


class AnswerError(ValueError):
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
    value: int | str
    answered_ms: int
    status: str = SHOWN

    @property
    def hidden(self) -> bool:
        """Whether the room must not see this answer (hidden, or not yet approved)."""
        return self.status != SHOWN


_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f]")
_SPACES = re.compile(r"\s+")


def clean_words(text: str) -> str:
    """Fold a typed answer to one line: NFC, control characters dropped, spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def validate_answer(
    prompt: ScalePrompt | WordsPrompt | ChoicePrompt, value: int | str
) -> int | str:
    """Check a value against its prompt and return it in stored form.

    :raise AnswerError: the value is of the wrong type or out of range.
    """
    if isinstance(prompt, ScalePrompt):
        if not isinstance(value, int) or isinstance(value, bool):
            raise AnswerError(f"a scale answer is a whole number from {prompt.min} to {prompt.max}")
        if not prompt.min <= value <= prompt.max:
            raise AnswerError(f"choose a number from {prompt.min} to {prompt.max}")
        return value
    if isinstance(prompt, ChoicePrompt):
        if not isinstance(value, str) or value not in prompt.options:
            raise AnswerError("choose one of the options shown")
        return value
    if not isinstance(value, str):
        raise AnswerError("a words answer is text")
    text = clean_words(value)
    if not text:
        raise AnswerError("the answer is empty; type a word or two")
    if len(text) > prompt.max_length:
        raise AnswerError(f"keep it to {prompt.max_length} characters (this is {len(text)})")
    return text


def summarize(
    prompt: ScalePrompt | WordsPrompt | ChoicePrompt,
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
    ordered = sorted(shown, key=lambda a: (a.answered_ms, a.answer_id))
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
    """Words of the answers with how often they occur, most frequent first.

    Case and whitespace are folded, stop words dropped; ties are broken alphabetically so the
    cloud does not reshuffle between updates.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(clean_words(text).casefold()):
            word = word.strip("'’-")
            if word and word not in stop and not word.isdigit():
                counts[word] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"word": word, "count": count} for word, count in ranked[:MAX_CLOUD_WORDS]]


def below_threshold(summary: dict, threshold: int) -> dict:
    """What the room sees of results with too few answers: the count and how many more."""
    return {
        "prompt_id": summary["prompt_id"],
        "kind": summary["kind"],
        "count": summary["count"],
        "below_threshold": True,
        "needed": max(0, threshold - summary["count"]),
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
