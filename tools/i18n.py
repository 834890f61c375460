"""Keep the catalogues in step with the code: `make i18n` (python -m tools.i18n).

Extracts every message of the templates, the Python code and the ES modules (babel.cfg) and
merges them into `translations/<lang>/LC_MESSAGES/messages.po` for each language the kiosk
speaks (transport/i18n.py LANGUAGES): new messages appear untranslated, changed ones are marked
fuzzy, removed ones are dropped. Then translate what is empty or fuzzy; the completeness test
(tests/unit/test_catalogues.py) fails until every message of every language is translated.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transport.i18n import DEFAULT_LANGUAGE  # noqa: E402
from transport.i18n import LANGUAGES  # noqa: E402

TRANSLATIONS = ROOT / "translations"
# gettext's own words plus `N_`, the mark of a message the server sends as a key.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted() -> Catalog:
    """Every message the code uses now, with where each is used (files relative to the root)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(project="Attune", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(language: str) -> Path:
    """Where `language`'s catalogue lives."""
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def read(language: str) -> Catalog:
    """`language`'s catalogue as committed."""
    with po_path(language).open("rb") as file:
        return read_po(file, locale=language)


def update() -> None:
    """Merge the extracted messages into every language's catalogue (creating missing ones)."""
    template = extracted()
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue  # the messages are English
        path = po_path(language)
        if path.is_file():
            catalog = read(language)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(
                locale=language,
                project="Attune",
                version="1",
                copyright_holder="Attune contributors",
                last_translator="Attune contributors",
                language_team=f"{LANGUAGES[language]} <{language}>",
                fuzzy=False,
            )
        # Keep the header's dates, so that a catalogue changes only where its messages do.
        template.creation_date = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as file:
            write_po(file, catalog, width=100, sort_by_file=False, omit_header=False)
        missing = sum(1 for message in catalog if message.id and not _translated(message))
        print(f"{language}: {len(catalog)} messages, {missing} to translate")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)


if __name__ == "__main__":
    update()
