"""The built-in Calm and Connect in German, French and Spanish: the English workshop's twins.

Each translation is compared with the English file field by field, so an edit to one of them
that changes a timing, a pacer, a kind of question, a pairing or the steps' order fails here
until the others follow. Words differ; everything else must not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workshop.script import BUILTIN_DIR
from workshop.script import load_library
from workshop.script import load_workshop
from workshop.stopwords import stop_words

ENGLISH = BUILTIN_DIR / "calm-and-connect.yaml"
LANGUAGES = ("de", "fr", "es")
# Strings that name things rather than say them: the same in every language.
STRUCTURAL = {"id", "kind", "pairs_with"}


def translation(language: str) -> Path:
    return BUILTIN_DIR / f"calm-and-connect.{language}.yaml"


def differences(english, translated, path: str = "") -> list[str]:
    """Where `translated` (a workshop's dump) is not the English one's structural twin.

    Numbers, flags, ids, kinds and pairings must be equal; lists as long; a text present in
    English must be present and translated (a text of one word may be the same, as "warm" is
    in German), and a text absent in English absent too.
    """
    if isinstance(english, dict):
        if set(english) != set(translated):
            return [f"{path}: fields {sorted(set(english) ^ set(translated))} differ"]
        found = []
        for key in english:
            found += differences(english[key], translated[key], f"{path}.{key}" if path else key)
        return found
    if isinstance(english, list):
        if not isinstance(translated, list) or len(english) != len(translated):
            return [f"{path}: {len(english)} items in English, not {translated!r}"]
        found = []
        for index, (one, other) in enumerate(zip(english, translated, strict=True)):
            found += differences(one, other, f"{path}[{index}]")
        return found
    if isinstance(english, str) and path.rsplit(".", 1)[-1] not in STRUCTURAL:
        if not isinstance(translated, str) or bool(english) != bool(translated):
            return [f"{path}: {english!r} in English, {translated!r} here"]
        if len(english.split()) > 1 and english == translated:
            return [f"{path}: still in English: {english!r}"]
        return []
    if english != translated:
        return [f"{path}: {english!r} in English, {translated!r} here"]
    return []


def texts(value, path: str = ""):
    """Every text of a workshop's dump with its path (ids, kinds and pairings left out)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key not in STRUCTURAL:
                yield from texts(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from texts(inner, f"{path}[{index}]")
    elif isinstance(value, str) and value:
        yield path, value


@pytest.fixture(scope="module")
def english():
    return load_workshop(ENGLISH)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_translation_has_the_english_steps_timings_kinds_and_pairings(english, language):
    translated = load_workshop(translation(language))
    assert (translated.id, translated.language) == (f"calm-and-connect-{language}", language)
    mine = translated.model_dump(exclude={"id", "language"})
    assert differences(english.model_dump(exclude={"id", "language"}), mine) == []
    # Spelled out, what the comparison above covers: the room's experience in time and kind.
    assert [s.id for s in translated.steps] == [s.id for s in english.steps]
    assert [s.timer_ms for s in translated.steps] == [s.timer_ms for s in english.steps]
    assert [s.breathing for s in translated.steps] == [s.breathing for s in english.steps]
    assert [
        (s.prompt.kind, getattr(s.prompt, "pairs_with", None)) for s in translated.steps if s.prompt
    ] == [(s.prompt.kind, getattr(s.prompt, "pairs_with", None)) for s in english.steps if s.prompt]
    assert translated.planned_ms == english.planned_ms


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sentence_of_a_translation_is_in_its_language(language):
    """A sentence left in English (or pasted from another translation) is found by its words."""
    dump = load_workshop(translation(language)).model_dump()
    own = stop_words(language)
    others = {code: stop_words(code) for code in ("en", *LANGUAGES) if code != language}
    for path, text in texts(dump):
        words = {word.strip(".,:;!?¿¡«»“„()\u00a0").casefold() for word in text.split()}
        # Titles, labels and short questions hold too few function words to tell one language
        # from another; every text, note and longer question is checked.
        if len(words) < 8:
            continue
        for code, theirs in others.items():
            # Words only one of the two lists has ("de" is French and Spanish) tell them apart.
            # A short French and Spanish sentence may hold only the words both share: a tie.
            mine, yours = len(words & (own - theirs)), len(words & (theirs - own))
            assert mine > yours or (mine == yours and code != "en"), (
                f"{language} {path} reads as {code}: {text!r}"
            )


def test_the_differences_catch_a_drifted_timing_and_an_untranslated_text(english):
    """The comparison itself can fail: a changed countdown, pacer, pairing or text is named."""
    german = load_workshop(translation("de")).model_dump(exclude={"id", "language"})
    original = english.model_dump(exclude={"id", "language"})
    german["steps"][5]["countdown"] = 50
    german["steps"][3]["breathing"]["exhale"] = 7
    german["steps"][-2]["prompt"]["pairs_with"] = None
    german["steps"][0]["text"] = original["steps"][0]["text"]
    german["steps"][-1]["done"] = False
    found = differences(original, german)
    assert found == [
        "steps[0].text: still in English: " + repr(original["steps"][0]["text"]),
        "steps[3].breathing.exhale: 6.0 in English, 7 here",
        "steps[5].countdown: 45 in English, 50 here",
        "steps[17].prompt.pairs_with: 'mood-before' in English, None here",
        "steps[18].done: True in English, False here",
    ]
    shorter = load_workshop(translation("de")).model_dump(exclude={"id", "language"})
    del shorter["steps"][4]
    assert differences(original, shorter)[0].startswith("steps: 19 items in English")


def test_the_translations_are_built_in_workshops_of_the_library():
    library = load_library()
    for language in LANGUAGES:
        workshop = library[f"calm-and-connect-{language}"]
        assert workshop == load_workshop(translation(language))
        assert workshop.language == language
    # The ids are distinct, so the English workshop is still the one called calm-and-connect.
    assert library["calm-and-connect"].language == "en"
