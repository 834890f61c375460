"""The studio's language field in Chromium: the kiosk's languages offered by name, each in its
own language; the choice saved and kept over a reload; a workshop imported in another
language keeps it."""

from __future__ import annotations

import time

import pytest
import requests
from playwright.sync_api import expect

from harness.live import ADMIN_KEY
from harness.live import LiveServer
from tests.browser.conftest import PHONE
from tests.browser.test_studio import LAPTOP
from tests.browser.test_studio import SMALL_LAPTOP
from tests.browser.test_studio import built
from tests.browser.test_studio import save
from tests.browser.test_studio import signed_in
from tests.conftest import TINY

NAMES = ["English", "Deutsch", "Français", "Español", "العربية"]
KEY = {"Authorization": f"Bearer {ADMIN_KEY}"}


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    """A kiosk of these tests alone: the workshops they store stay out of other pages."""
    server = LiveServer(tmp_path_factory.mktemp("studio-language") / "kiosk.db", workshop=TINY)
    server.start()
    yield server
    server.kill()


@pytest.fixture(autouse=True)
def drafts_refused_while_typed(pages):
    """The editor checks each draft as it is typed; the kiosk answers a half-typed one with a
    400 that Chromium reports on the console. Any other console error still fails the test."""
    yield
    refused = "the server responded with a status of 400 (BAD REQUEST)"
    pages.errors[:] = [e for e in pages.errors if refused not in e]


def stored_language(kiosk, workshop_id: str) -> str:
    response = requests.get(f"{kiosk.url}/api/workshops/{workshop_id}", headers=KEY, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["language"]


def test_choose_deutsch_save_reload_and_it_stays(pages, kiosk):
    page = signed_in(pages, kiosk)
    built(page, "Sprachwahl", ["Ankommen"])
    language = page.get_by_label("Language", exact=True)
    expect(language.locator("option")).to_have_text(NAMES)
    expect(language).to_have_value("en")
    # Each name is marked as its own language, for screen readers.
    assert language.locator("option").evaluate_all("options => options.map(o => o.lang)") == [
        "en",
        "de",
        "fr",
        "es",
        "ar",
    ]
    language.select_option(label="Deutsch")
    expect(page.locator("#save-state")).to_have_text("Unsaved changes")
    save(page)
    assert stored_language(kiosk, "sprachwahl") == "de"

    page.reload()
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    expect(page.get_by_label("Language", exact=True)).to_have_value("de")
    for viewport in (PHONE, SMALL_LAPTOP, LAPTOP):
        page.set_viewport_size(viewport)
        time.sleep(0.5)  # the preview frames rescale
        page.get_by_label("Language", exact=True).scroll_into_view_if_needed()
        pages.shot(page, f"studio-language-{viewport['width']}x{viewport['height']}", False)


def test_a_workshop_in_another_language_keeps_it(pages, kiosk):
    # Imported with a language the kiosk has no name for: the schema takes any two letters.
    yaml_text = "id: dutch\ntitle: Rustig aan\nlanguage: nl\nsteps:\n  - {id: a, title: Aankomen}\n"
    made = requests.post(
        f"{kiosk.url}/api/workshops",
        data=yaml_text.encode("utf-8"),
        headers={**KEY, "Content-Type": "application/yaml"},
        timeout=5,
    )
    assert made.status_code == 201, made.text
    page = signed_in(pages, kiosk, name="studio-nl")
    page.goto(f"{kiosk.url}/studio/dutch")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    language = page.get_by_label("Language", exact=True)
    expect(language).to_have_value("nl")
    expect(language.locator("option")).to_have_text([*NAMES, "nl"])
    page.get_by_label("Title", exact=True).first.fill("Rustig aan, samen")
    save(page)
    assert stored_language(kiosk, "dutch") == "nl"
