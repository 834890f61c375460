"""Which language a page speaks, and the catalogue it gets (transport/i18n.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from tests.conftest import ADMIN_KEY
from transport.assets import ModuleGraph
from transport.i18n import LANGUAGE_COOKIE
from transport.i18n import Catalogues

BEARER = {"Authorization": f"Bearer {ADMIN_KEY}"}


def _session(client) -> str:
    response = client.post("/api/sessions", json={"workshop": "tiny"}, headers=BEARER)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["code"]


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


def _catalogue(response) -> dict:
    found = re.search(
        r'<script type="application/json" id="attune-i18n">(.*?)</script>',
        response.get_data(as_text=True),
    )
    assert found, "the page carries no catalogue"
    return json.loads(found.group(1))


def test_a_phone_follows_its_browser(app):
    client = app.test_client()
    code = _session(client)
    german = client.get(f"/j/{code}", headers={"Accept-Language": "de-CH,de;q=0.9,en;q=0.5"})
    assert _html_tag(german) == '<html lang="de" dir="ltr">'
    assert _catalogue(german)["locale"] == "de"
    arabic = app.test_client().get(f"/j/{code}", headers={"Accept-Language": "ar-EG"})
    assert _html_tag(arabic) == '<html lang="ar" dir="rtl">'
    assert _catalogue(arabic)["dir"] == "rtl"
    unknown = app.test_client().get(f"/j/{code}", headers={"Accept-Language": "ja, zh;q=0.8"})
    assert _html_tag(unknown) == '<html lang="en" dir="ltr">'


def test_a_chosen_language_is_remembered_on_that_device(app):
    client = app.test_client()
    code = _session(client)
    chosen = client.get(f"/j/{code}?lang=fr", headers={"Accept-Language": "de"})
    assert _html_tag(chosen) == '<html lang="fr" dir="ltr">'
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    assert cookie is not None and cookie.value == "fr"
    again = client.get(f"/j/{code}", headers={"Accept-Language": "de"})
    assert _html_tag(again) == '<html lang="fr" dir="ltr">'
    # A language the kiosk does not speak changes nothing.
    ignored = client.get(f"/j/{code}?lang=xx", headers={"Accept-Language": "de"})
    assert _html_tag(ignored) == '<html lang="fr" dir="ltr">'


def test_the_switch_links_keep_the_page(app):
    client = app.test_client()
    code = _session(client)
    page = client.get(f"/j/{code}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert 'class="language-switch' in page
    assert f'href="/j/{code}?lang=ar"' in page


def _po(folder: Path, language: str, messages: list[tuple]) -> None:
    catalog = Catalog(locale=language)
    for message_id, string, locations in messages:
        catalog.add(message_id, string, locations)
    path = folder / language / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        write_po(file, catalog)


def test_each_page_gets_its_modules_messages_and_the_servers_keys(tmp_path):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "page.js").write_text('import { x } from "./used.js";\n')
    (static / "js" / "used.js").write_text("export const x = 1;\n")
    (static / "js" / "other.js").write_text("export const y = 2;\n")
    _po(
        tmp_path / "translations",
        "de",
        [
            ("Used", "Benutzt", [("static/js/used.js", 3)]),
            ("Elsewhere", "Anderswo", [("static/js/other.js", 3)]),
            ("Room full", "Raum voll", [("participant/events.py", 9)]),
            ("Only the page", "Nur die Seite", [("templates/phone.html", 9)]),
            ("Untranslated", "", [("static/js/used.js", 4)]),
        ],
    )
    catalogues = Catalogues(tmp_path / "translations", ModuleGraph(static))
    assert catalogues.browser_catalogue("de", "js/page.js")["messages"] == {
        "Used": "Benutzt",
        "Room full": "Raum voll",
    }
    assert catalogues.translations("de").gettext("Only the page") == "Nur die Seite"
    assert catalogues.browser_catalogue("en", "js/page.js")["messages"] == {}


def test_plural_forms_travel_named_by_cldr_category(tmp_path):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "page.js").write_text("")
    where = [("static/js/page.js", 1)]
    arabic_forms = ("صفر", "واحد", "اثنان", "قليل", "كثير", "آخر")
    _po(tmp_path / "translations", "ar", [(("{n} person", "{n} people"), arabic_forms, where)])
    _po(
        tmp_path / "translations",
        "fr",
        [
            (
                ("{n} person", "{n} people"),
                ("{n} personne", "{n} de personnes", "{n} personnes"),
                where,
            )
        ],
    )
    catalogues = Catalogues(tmp_path / "translations", ModuleGraph(static))
    arabic = catalogues.browser_catalogue("ar", "js/page.js")["messages"]["{n} person"]
    assert arabic == dict(
        zip(["zero", "one", "two", "few", "many", "other"], arabic_forms, strict=True)
    )
    french = catalogues.browser_catalogue("fr", "js/page.js")["messages"]["{n} person"]
    assert french == {"one": "{n} personne", "many": "{n} de personnes", "other": "{n} personnes"}
    assert catalogues.translations("ar").ngettext("{n} person", "{n} people", 3) == "قليل"
