"""Every language is complete: each catalogue has every message the code uses, translated.

The messages are extracted afresh from the templates, the Python code and the ES modules
(tools/i18n.py, as `make i18n` does), so a message added to the code without `make i18n` and a
translation fails here, in the language that misses it.
"""

from __future__ import annotations

import re

import pytest

from tools.i18n import extracted
from tools.i18n import read
from transport.i18n import DEFAULT_LANGUAGE
from transport.i18n import LANGUAGES

TRANSLATED = [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]
# `{name}` (ES modules, server keys) and `%(name)s` (templates) placeholders.
_PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def source():
    return extracted()


def _ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_has_every_message_and_no_other(source, language):
    catalog = read(language)
    missing = _ids(source) - _ids(catalog)
    stale = _ids(catalog) - _ids(source)
    first = sorted(missing, key=str)[:10]
    assert not missing, f"{language}: {len(missing)} messages missing (make i18n): {first}"
    unused = sorted(stale, key=str)[:10]
    assert not stale, f"{language}: {len(stale)} messages no longer used (make i18n): {unused}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_with_its_placeholders(language):
    catalog = read(language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{len(strings)} plural forms, not {catalog.num_plurals}: {ids[0]!r}")
        wanted = _placeholders(ids[-1]) | _placeholders(ids[0])
        for string in strings:
            # A plural form may leave the count out ("one person"), never add a placeholder.
            extra = _placeholders(string) - wanted
            lost = _placeholders(ids[0]) - _placeholders(string) - {"{n}", "%(num)d", "%(num)s"}
            if extra or lost:
                problems.append(
                    f"placeholders {sorted(extra)} added, {sorted(lost)} lost: {string!r}"
                )
    assert not problems, f"{language}: {len(problems)} problems:\n" + "\n".join(problems[:20])
