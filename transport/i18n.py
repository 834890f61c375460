"""The kiosk in the room's language: gettext catalogues for the server, JSON for the pages.

One set of catalogues, `translations/<lang>/LC_MESSAGES/messages.po`, extracted from the
templates, the Python code and the ES modules (`make i18n`, babel.cfg). The `.po` files are
read once when the kiosk starts, and serve both sides:

- the server translates templates and HTTP answers with Flask-Babel (`_()` in Jinja, `gettext`
  in Python), from translations built in memory from the `.po` files (no compiled `.mo`
  files to keep in step);
- each page gets, inline, a JSON catalogue of the messages its own ES modules use (the modules
  its entry module reaches, found in the `.po` files' locations) and of the messages the server
  sends as keys (marked `N_()` in Python); static/js/i18n.js reads it.

Who sees which language: an explicit choice (`?lang=xx`, remembered in a cookie on that device),
else the language a page asks for (the console and the screen: the workshop's), else the
browser's `Accept-Language`, else English.
"""

from __future__ import annotations

import gettext as gettext_module
import io
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask
from flask import g
from flask import request
from flask import url_for
from flask_babel import Babel
from flask_babel import Domain
from flask_babel import get_locale
from flask_babel import gettext
from flask_socketio import ConnectionRefusedError
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from transport.assets import ModuleGraph

# Every language the kiosk speaks, each named in itself (as a switch shows it).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
}
DEFAULT_LANGUAGE = "en"
RIGHT_TO_LEFT = frozenset({"ar"})
# The cookie that remembers a device's explicit choice of language for a year.
LANGUAGE_COOKIE = "attune_lang"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
# The id of the inline JSON catalogue static/js/i18n.js reads.
CATALOGUE_ELEMENT = "attune-i18n"


def N_(message: str) -> str:
    """Mark a message the server sends as a key (with parameters) for each page to translate.

    Returns `message` unchanged: the English text is the key (gettext's msgid). Extraction
    finds the mark, so the message lands in the catalogues and in every page's JSON catalogue.
    """
    return message


def text_direction(language: str) -> str:
    """`rtl` for a right-to-left language, else `ltr` (for `dir` attributes)."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def known_language(value: object) -> str | None:
    """`value` if it names a language the kiosk speaks, else None."""
    return value if isinstance(value, str) and value in LANGUAGES else None


@dataclass(frozen=True)
class _Entry:
    """One message of a `.po` file: its translation(s) and the files that use it."""

    text: str | dict[str, str]
    files: frozenset[str]


class Catalogues:
    """The `.po` files of one translations folder, read once."""

    def __init__(self, folder: Path, modules: ModuleGraph):
        self.folder = folder
        self.modules = modules
        self._entries: dict[str, dict[str, _Entry]] = {}
        self._translations: dict[str, Translations] = {}
        self._browser: dict[tuple[str, str], dict] = {}
        for language in LANGUAGES:
            if language == DEFAULT_LANGUAGE:
                continue  # English is the messages themselves
            path = folder / language / "LC_MESSAGES" / "messages.po"
            if path.is_file():
                self._load(language, path)

    def _load(self, language: str, path: Path) -> None:
        with path.open("rb") as file:
            catalog = read_po(file, locale=language)
        categories = _form_categories(catalog.plural_expr, Locale.parse(language))
        entries: dict[str, _Entry] = {}
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            files = frozenset(location for location, _line in message.locations)
            if isinstance(message.id, tuple):
                forms = message.string if isinstance(message.string, tuple) else ()
                if not all(forms):
                    continue
                named = {category: forms[index] for category, index in categories.items()}
                entries[message.id[0]] = _Entry(named, files)
            elif message.string:
                entries[message.id] = _Entry(message.string, files)
        self._entries[language] = entries
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        self._translations[language] = Translations(compiled)

    def languages(self) -> list[str]:
        """The languages that have a catalogue (English always, it needs none)."""
        return [DEFAULT_LANGUAGE, *self._entries]

    def translations(self, language: str) -> Translations:
        """gettext translations for `language` (no translation for English or unknown)."""
        return self._translations.get(language) or Translations()

    def browser_catalogue(self, language: str, entry_module: str) -> dict:
        """What a page whose entry module is `entry_module` needs in `language`.

        The messages of the modules it reaches, and every message the server sends as a key
        (those used in Python files). `{msgid: text}`, or `{msgid: {category: text}}` for a
        message with plural forms.
        """
        key = (language, entry_module)
        if key not in self._browser:
            wanted = {"static/" + entry_module} | {
                "static/" + url.removeprefix(self.modules.static_url)
                for url in self.modules.preloads(entry_module)
            }
            messages = {
                msgid: entry.text
                for msgid, entry in self._entries.get(language, {}).items()
                if entry.files & wanted or any(file.endswith(".py") for file in entry.files)
            }
            self._browser[key] = {
                "locale": language,
                "dir": text_direction(language),
                "messages": messages,
            }
        return self._browser[key]


# Counts to try each plural rule on: every form of every language here shows up among them.
_SAMPLE_COUNTS = [*range(0, 220), 1000, 1_000_000, 2_000_000]


def _form_categories(plural_expr: str, locale: Locale) -> dict[str, int]:
    """Which of a `.po` file's plural forms each CLDR category (`one`, `few`, ...) uses.

    A `.po` file numbers its forms by its own `Plural-Forms` rule; the browser picks a form
    by CLDR category (Intl.PluralRules). Both rules are run on the same counts, so the forms
    travel named by category whatever order the file keeps them in.
    """
    form_of = gettext_module.c2py(plural_expr)
    categories: dict[str, int] = {}
    for count in _SAMPLE_COUNTS:
        categories.setdefault(locale.plural_form(count), form_of(count))
    return categories


class _PoDomain(Domain):
    """Flask-Babel's domain, with translations from the catalogues read at start-up."""

    def __init__(self, catalogues: Catalogues):
        super().__init__()
        self.catalogues = catalogues

    def get_translations(self):
        """The current request's language's translations."""
        return self.catalogues.translations(str(get_locale()))


class _PoBabel(Babel):
    def __init__(self, catalogues: Catalogues, **kwargs):
        self.catalogues = catalogues
        super().__init__(**kwargs)

    @cached_property
    def domain_instance(self):
        """The one domain, read from the `.po` files (see `Catalogues`)."""
        return _PoDomain(self.catalogues)


def prefer_language(language: str | None) -> None:
    """Ask for `language` as this request's default (the console and screen: the workshop's).

    A device's explicit choice still wins. Call before anything is translated in the request.
    """
    if known_language(language):
        g.attune_preferred_language = language


def page_language() -> str:
    """The language of the current request (see the module's docstring for the order)."""
    return str(get_locale())


def _select_language() -> str:
    chosen = known_language(request.args.get("lang"))
    if chosen:
        g.attune_chosen_language = chosen  # remembered by the response (see install)
        return chosen
    return (
        known_language(request.cookies.get(LANGUAGE_COOKIE))
        or known_language(g.get("attune_preferred_language"))
        or request.accept_languages.best_match(list(LANGUAGES))
        or DEFAULT_LANGUAGE
    )


def install(app: Flask, folder: Path, modules: ModuleGraph) -> Catalogues:
    """Translate `app`'s pages and answers from the catalogues in `folder`."""
    catalogues = Catalogues(folder, modules)
    _PoBabel(catalogues, app=app, locale_selector=_select_language)
    app.extensions["attune.catalogues"] = catalogues

    inline: dict[tuple[str, str], Markup] = {}

    def browser_catalogue(entry_module: str) -> Markup:
        # Inline, so that a page's first paint already speaks its language (no round trip on
        # a busy Wi-Fi); `htmlsafe_json_dumps` escapes what could close the script element.
        # Made once per language and page: a hall of phones loads the same page at once.
        key = (page_language(), entry_module)
        if key not in inline:
            data = catalogues.browser_catalogue(*key)
            inline[key] = Markup('<script type="application/json" id="{}">{}</script>').format(
                CATALOGUE_ELEMENT, htmlsafe_json_dumps(data)
            )
        return inline[key]

    def language_link(language: str) -> str:
        # This page again, in `language`; its other query parameters kept.
        args = {**request.args.to_dict(), "lang": language}
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    app.jinja_env.globals.update(
        browser_catalogue=browser_catalogue,
        language_link=language_link,
        page_language=page_language,
        text_direction=text_direction,
        languages=LANGUAGES,
    )

    @app.after_request
    def remember_choice(response):
        if response.mimetype == "text/html":
            # A page's words depend on these: no cache may hand one device's language to another.
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        chosen = g.get("attune_chosen_language")
        if chosen:
            response.set_cookie(
                LANGUAGE_COOKIE,
                chosen,
                max_age=LANGUAGE_COOKIE_SECONDS,
                samesite="Lax",
                httponly=True,
                secure=request.is_secure,
            )
        return response

    return catalogues


def translate_message(message: str, params: dict | None = None) -> str:
    """A message marked `N_`, in the current request's language, its `{name}` parameters filled in.

    For answers the server words itself (HTTP errors); Socket.IO messages travel as the key
    and parameters instead, and each page translates them (static/js/i18n.js `say`).
    """
    text = gettext(message)
    return text.format(**params) if params else text


def refused(message: str, data: dict | None = None, **params) -> ConnectionRefusedError:
    """A refused Socket.IO connection, said as `error` says it.

    The `connect_error`'s `message` is the English text; its `data` carries `message`,
    `{key, params}`, for the page to translate, beside what else it says (`retry_after_ms`...).
    """
    text = message.format(**params) if params else message
    return ConnectionRefusedError(
        text, {**(data or {}), "message": {"key": message, "params": params}}
    )
