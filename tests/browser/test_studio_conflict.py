"""The same workshop edited in two tabs, or by two facilitators: a save based on an older
version never overwrites a newer one unasked; the editor says what happened and offers to
load the saved version or to overwrite it."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from harness.live import ADMIN_KEY
from tests.browser.conftest import PHONE
from tests.browser.test_studio import LAPTOP
from tests.browser.test_studio import built
from tests.browser.test_studio import fits_the_width
from tests.browser.test_studio import kiosk  # noqa: F401 (the studio's own kiosk, a fixture)
from tests.browser.test_studio import signed_in
from tests.browser.test_studio import wait_checked


@pytest.fixture(autouse=True)
def _refusals_expected_here(pages):
    """Chromium logs every 4xx answer: the draft checks' 400 and the refused saves' 412."""
    yield
    expected = ("status of 400 (BAD REQUEST)", "status of 412 (PRECONDITION FAILED)")
    pages.errors[:] = [e for e in pages.errors if not any(text in e for text in expected)]


def stored(kiosk, workshop_id):  # noqa: F811
    answer = requests.get(
        f"{kiosk.url}/api/workshops/{workshop_id}",
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=10,
    )
    return answer.json()


def open_editor(page, url):
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#save-state")).to_have_text("Saved")


def save_clicked(page):
    page.get_by_role("button", name="Save", exact=True).click()


def test_two_tabs_the_older_save_is_refused_then_the_saved_version_loaded(pages, kiosk):  # noqa: F811
    first = signed_in(pages, kiosk, name="tab-one")
    built(first, "Two tabs", ["Arrive", "Breathe"])
    url = first.url
    second = pages.tab(first.context, "tab-two")
    open_editor(second, url)

    # The first tab saves a new title.
    first.get_by_label("Title", exact=True).first.fill("Two tabs, first edit")
    wait_checked(first)
    save_clicked(first)
    expect(first.locator("#save-state")).to_have_text("Saved")

    # The second tab, opened before that save, changes a step and saves: refused, in words.
    second.locator("#steps .step-select").nth(1).click()
    second.locator("#step-form").get_by_label("Text on phones and the projector").fill(
        "In for four, out for six."
    )
    wait_checked(second)
    save_clicked(second)
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(second.locator("#conflict-text")).to_contain_text(
        "Not saved: this workshop was saved again at"
    )
    expect(second.locator("#conflict-text")).to_contain_text("Your changes are still here")
    expect(second.locator("#status")).to_have_text(
        "Not saved: a newer version of this workshop is on the kiosk. Choose below what to keep."
    )
    expect(second.locator("#save-state")).to_have_text("Unsaved changes")
    expect(second.get_by_role("button", name="Load the saved version")).to_be_focused()
    for viewport in (LAPTOP, PHONE):
        second.set_viewport_size(viewport)
        pages.shot(second, f"studio-conflict-{viewport['width']}x{viewport['height']}", False)
        assert fits_the_width(second), viewport
    second.set_viewport_size(LAPTOP)
    workshop = stored(kiosk, "two-tabs")
    assert workshop["title"] == "Two tabs, first edit"
    assert workshop["steps"][1]["text"] == "Breathe, slowly."

    # Load the saved version: the first tab's title is there, and Undo brings this tab's back.
    second.get_by_role("button", name="Load the saved version").click()
    expect(conflict).to_be_hidden()
    expect(second.get_by_label("Title", exact=True).first).to_have_value("Two tabs, first edit")
    expect(second.locator("#save-state")).to_have_text("Saved")
    expect(second.locator("#status")).to_have_text(
        "This is the version saved on the kiosk. Undo (Ctrl+Z) brings back your changes."
    )
    second.get_by_role("button", name="Undo").click()
    expect(
        second.locator("#step-form").get_by_label("Text on phones and the projector")
    ).to_have_value("In for four, out for six.")
    expect(second.get_by_label("Title", exact=True).first).to_have_value("Two tabs")
    # Saved now on the version it loaded: it lands (this person chose to).
    save_clicked(second)
    expect(second.locator("#save-state")).to_have_text("Saved")
    assert stored(kiosk, "two-tabs")["steps"][1]["text"] == "In for four, out for six."


def test_two_facilitators_the_second_overwrites_only_when_asked(pages, kiosk):  # noqa: F811
    alex = signed_in(pages, kiosk, name="alex")
    built(alex, "Shared workshop", ["Arrive"])
    url = alex.url
    sam = signed_in(pages, kiosk, name="sam")
    open_editor(sam, url)

    alex.get_by_label("Description").fill("Alex's words")
    wait_checked(alex)
    save_clicked(alex)
    expect(alex.locator("#save-state")).to_have_text("Saved")

    sam.get_by_label("Description").fill("Sam's words")
    wait_checked(sam)
    sam.keyboard.press("Control+s")
    expect(sam.locator("#conflict")).to_be_visible()
    assert stored(kiosk, "shared-workshop")["description"] == "Alex's words"

    # Alex saves once more meanwhile: Sam's overwrite named the version Sam was told about,
    # so it is refused again, with the newer time.
    alex.get_by_label("Description").fill("Alex's second words")
    wait_checked(alex)
    save_clicked(alex)
    expect(alex.locator("#save-state")).to_have_text("Saved")
    told = sam.locator("#conflict").get_attribute("data-version")
    sam.get_by_role("button", name="Overwrite it with mine").click()
    expect(sam.locator("#conflict")).not_to_have_attribute("data-version", told)
    expect(sam.locator("#conflict")).to_be_visible()
    expect(sam.locator("#conflict-text")).to_contain_text(
        "Not saved: this workshop was saved again"
    )
    assert stored(kiosk, "shared-workshop")["description"] == "Alex's second words"

    # Asked again, knowingly: Sam's version replaces Alex's.
    sam.get_by_role("button", name="Overwrite it with mine").click()
    expect(sam.locator("#conflict")).to_be_hidden()
    expect(sam.locator("#save-state")).to_have_text("Saved")
    expect(sam.locator("#status")).to_have_text(
        "Saved on the kiosk: your version replaced the other one."
    )
    assert stored(kiosk, "shared-workshop")["description"] == "Sam's words"
    # And Alex, saving on the version Alex had, is now the one told.
    alex.get_by_label("Description").fill("Alex again")
    wait_checked(alex)
    save_clicked(alex)
    expect(alex.locator("#conflict")).to_be_visible()
    expect(alex).to_have_url(re.compile(r"/studio/shared-workshop$"))


def test_a_kept_draft_restored_over_a_newer_version_asks_before_replacing_it(pages, kiosk):  # noqa: F811
    page = signed_in(pages, kiosk, name="kept")
    built(page, "Kept draft", ["Arrive"])
    page.get_by_label("Description").fill("Written before the reload")
    wait_checked(page)
    expect(page.locator("#save-state")).to_have_text("Unsaved changes")
    # Meanwhile someone else saves the workshop (through the API, as a script would).
    newer = stored(kiosk, "kept-draft")
    newer["description"] = "Saved by someone else"
    replaced = requests.put(
        f"{kiosk.url}/api/workshops/kept-draft",
        json=newer,
        headers={"Authorization": f"Bearer {ADMIN_KEY}", "If-Match": f'"{newer["version"]}"'},
        timeout=10,
    )
    assert replaced.status_code == 200, replaced.text

    page.reload()
    expect(page.locator("#draft-offer")).to_contain_text(
        "The kiosk's copy was saved again since then: if you restore them, saving asks"
    )
    expect(page.get_by_label("Description")).to_have_value("Saved by someone else")
    page.get_by_role("button", name="Restore the draft").click()
    expect(page.get_by_label("Description")).to_have_value("Written before the reload")
    save_clicked(page)
    expect(page.locator("#conflict")).to_be_visible()
    assert stored(kiosk, "kept-draft")["description"] == "Saved by someone else"
    page.get_by_role("button", name="Overwrite it with mine").click()
    expect(page.locator("#save-state")).to_have_text("Saved")
    assert stored(kiosk, "kept-draft")["description"] == "Written before the reload"
