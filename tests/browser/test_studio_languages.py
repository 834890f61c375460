"""The studio in the facilitator's language, with nothing left untranslated (#17).

A kiosk speaking the pseudo-language of harness/pseudo.py as German (every marked message shows
as ⟦message⟧) is used by a German-speaking browser. The studio's list (with an import refused),
the editor (a step of each prompt kind selected, an inline error, undo and redo, a reordered
step, a save that meets a newer version, a kept draft offered back, a built-in workshop, a new
one) and a workshop's history are walked; on each, `unmarked_texts` lists what a person would
still read in English. The kiosk's worded errors arrive as keys and are said in the page's
language (`reason` of each problem, `message` of a refusal).
"""

from __future__ import annotations

import copy
import re

import pytest
import requests
from playwright.sync_api import expect

from harness.live import ADMIN_KEY
from harness.pseudo import OPEN
from harness.pseudo import start_pseudo_kiosk
from harness.pseudo import unmarked_texts
from tests.browser.conftest import PHONE
from tests.browser.conftest import Pages
from tests.browser.test_layout_details import room
from tests.browser.test_studio import LAPTOP
from tests.browser.test_studio import fits_the_width
from tests.browser.test_studio_kinds import EVENING
from tests.conftest import TINY

GERMAN_BROWSER = {"locale": "de-DE"}
API = {"Authorization": f"Bearer {ADMIN_KEY}"}
# Chromium logs each 4xx answer: the draft checks' 400, the refused save's 412, the import's 400.
EXPECTED_REFUSALS = ("status of 400 (BAD REQUEST)", "status of 412 (PRECONDITION FAILED)")

EVERY_KIND = {
    "id": "alle-arten",
    "title": "Alle Arten",
    "language": "de",
    "feelings": ["ruhig", "angespannt", "müde"],
    "steps": [
        {
            "id": "ankommen",
            "title": "Ankommen",
            "text": "Setz dich.",
            "countdown": 60,
            "consent": {"question": "Magst du?", "alternative": {"title": "Allein"}},
            "done": True,
            "done_advance": 0.8,
        },
        {
            "id": "skala-vorher",
            "title": "Skala vorher",
            "breathing": {"inhale": 4, "exhale": 6, "cycles": 2},
            "prompt": {"id": "ruhe-vorher", "kind": "scale", "question": "Wie ruhig?"},
        },
        {
            "id": "worte",
            "title": "Worte",
            "prompt": {"id": "ein-wort", "kind": "words", "question": "Ein Wort?"},
        },
        {
            "id": "wahl",
            "title": "Wahl",
            "prompt": {
                "id": "wahl",
                "kind": "choice",
                "question": "Tee?",
                "options": ["Ja", "Nein"],
            },
        },
        {
            "id": "stimmung",
            "title": "Stimmung",
            "prompt": {"id": "stimmung", "kind": "mood", "question": "Wo bist du?"},
        },
        {
            "id": "gefuehle",
            "title": "Gefühle",
            "prompt": {"id": "gefuehle", "kind": "feelings", "question": "Was fühlst du?"},
        },
        {
            "id": "skala-nachher",
            "title": "Skala nachher",
            "prompt": {
                "id": "ruhe-nachher",
                "kind": "scale",
                "question": "Und jetzt?",
                "pairs_with": "ruhe-vorher",
            },
        },
    ],
}


@pytest.fixture(scope="module")
def pseudo_kiosk(tmp_path_factory):
    server = start_pseudo_kiosk(tmp_path_factory.mktemp("studio-languages"), TINY)
    for workshop in (EVERY_KIND, EVENING):
        added = requests.post(f"{server.url}/api/workshops", json=workshop, headers=API, timeout=10)
        assert added.status_code == 201, added.text
    yield server
    server.kill()


@pytest.fixture
def pages(chromium, pseudo_kiosk):
    opened = Pages(chromium, pseudo_kiosk, None)
    yield opened
    opened.close()
    errors = [e for e in opened.errors if not any(text in e for text in EXPECTED_REFUSALS)]
    assert errors == [], "no console errors, page errors or dialogs on any page"


def signed_in(pages, kiosk, path, viewport=LAPTOP):
    """A German-speaking browser signed in on /home (as a facilitator does), then on `path`."""
    page, _context = pages.open("", "studio-de", viewport, **GERMAN_BROWSER)
    page.goto(f"{kiosk.url}/home")
    page.locator("#admin-key").fill(ADMIN_KEY)
    page.locator("#admin-key").press("Enter")
    page.wait_for_url(re.compile(r"/home$"))
    return goto(page, f"{kiosk.url}{path}")


def goto(page, url):
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    return page


def nothing_unmarked(page, where: str, also_skip: str = "") -> None:
    """Every visible text of `page` was marked for translation (or is a workshop's or a code)."""
    assert unmarked_texts(page, also_skip) == [], where


def settled(page):
    """Until the kiosk has checked the draft as it stands (the check waits 400 ms after typing)."""
    page.wait_for_function("() => document.body.dataset.checked !== undefined")
    page.wait_for_timeout(600)
    page.wait_for_load_state("networkidle")


def test_the_studio_list_and_a_refused_import_speak_the_pages_language(
    pages, pseudo_kiosk, tmp_path
):
    page = signed_in(pages, pseudo_kiosk, "/studio")
    expect(page.locator("#builtin-list .studio-item").first).to_be_visible()
    expect(page.locator("#own-list .studio-item")).to_have_count(2)
    # The switch names each language in itself; the page's own is marked as the one in use.
    expect(page.locator(".studio-languages a[aria-current=true]")).to_have_text("Deutsch")
    nothing_unmarked(page, "studio list")
    pages.shot(page, "studio-de-list-1366x768", full_page=False)

    broken = tmp_path / "kaputt.yaml"
    broken.write_text(
        "id: kaputt\ntitle: Kaputt\nsteps:\n  - id: a\n    title: A\n    countdown: -5\n",
        encoding="utf-8",
    )
    page.locator("#import-file").set_input_files(str(broken))
    page.locator("#import-form button[type=submit]").click()
    result = page.locator("#import-result")
    expect(result).to_be_visible()
    # The kiosk's problem, said from its key: the line, the step and field as named in the
    # schema, what is wrong in the page's language.
    expect(result.locator(".problems li")).to_have_text(
        f"{OPEN}line 6: {OPEN}step 1 ('a') → countdown: "
        f"{OPEN}Input should be greater than or equal to 1⟧⟧⟧"
    )
    nothing_unmarked(page, "studio list, import refused")
    page.set_viewport_size(PHONE)
    pages.shot(page, "studio-de-import-refused-390x844")
    assert fits_the_width(page)


def test_the_editor_speaks_the_pages_language_in_every_state(pages, pseudo_kiosk):
    kiosk = pseudo_kiosk
    page = signed_in(pages, kiosk, "/studio/alle-arten")
    settled(page)
    expect(page.locator("#save-state")).to_have_text(f"{OPEN}Saved⟧")
    # Workshop texts stay as written, in the workshop's language.
    expect(page.locator("#heading-title")).to_have_attribute("lang", "de")
    # Each step, each kind of question, selected in turn.
    steps = page.locator("#steps .step-select")
    for index, kind in enumerate(["", "scale", "words", "choice", "mood", "feelings", "scale"]):
        steps.nth(index).click()
        expect(page.locator("#step-heading")).to_have_text(f"{OPEN}Step {index + 1} of 7⟧")
        expect(page.locator('#step-form [data-field="prompt.kind"]')).to_have_value(kind)
        nothing_unmarked(page, f"editor, step {index + 1} ({kind or 'no question'})")
    pages.shot(page, "studio-de-editor-1366x768", full_page=False)

    # An inline error: the kiosk's words for it, from its key, next to the field.
    steps.nth(0).click()
    page.locator('#step-form [data-field="countdown"]').fill("0")
    settled(page)
    error = page.locator('#step-form .field-error[data-error-for="countdown"]')
    expect(error).to_have_text(
        f"{OPEN}step 1 ('ankommen') → countdown: {OPEN}Input should be greater than or equal to 1⟧⟧"
    )
    expect(page.locator("#problems")).to_be_visible()
    expect(page.locator("#save-state")).to_have_text(f"{OPEN}Unsaved changes⟧")
    nothing_unmarked(page, "editor, an inline error")
    pages.shot(page, "studio-de-editor-error-1280x720", full_page=False)

    # Undo and redo, said in words.
    page.locator("#undo").click()
    expect(page.locator("#status")).to_have_text(f"{OPEN}Undone.⟧")
    settled(page)
    expect(error).to_be_hidden()
    nothing_unmarked(page, "editor, undone")
    page.locator("#redo").click()
    expect(page.locator("#status")).to_have_text(f"{OPEN}Redone.⟧")
    page.locator("#undo").click()
    settled(page)

    # A step moved down by keyboard: its new place, said to screen readers and on the page.
    page.locator('#steps li[data-index="1"] [data-action="down"]').click()
    expect(page.locator("#status")).to_have_text(
        f"{OPEN}Step “Skala vorher” moved to position 3 of 7.⟧"
    )
    expect(page.locator("#announcer")).to_have_text(
        f"{OPEN}Step “Skala vorher” moved to position 3 of 7.⟧"
    )
    settled(page)
    nothing_unmarked(page, "editor, a step moved")

    # Saved elsewhere meanwhile: the save is refused and the choice offered, in words.
    newer = copy.deepcopy(EVERY_KIND)
    newer["title"] = "Alle Arten, woanders gespeichert"
    assert requests.put(
        f"{kiosk.url}/api/workshops/alle-arten", json=newer, headers=API, timeout=10
    ).ok
    page.get_by_role("button", name=f"{OPEN}Save⟧", exact=True).click()
    expect(page.locator("#conflict")).to_be_visible()
    expect(page.locator("#conflict-text")).to_contain_text(OPEN)
    expect(page.locator("#status")).to_have_text(
        f"{OPEN}Not saved: a newer version of this workshop is on the kiosk. "
        "Choose below what to keep.⟧"
    )
    nothing_unmarked(page, "editor, a newer version saved elsewhere")
    pages.shot(page, "studio-de-editor-conflict-1366x768", full_page=False)

    # The unsaved changes kept in this browser are offered back after a reload.
    goto(page, page.url)
    expect(page.locator("#draft-offer")).to_be_visible()
    nothing_unmarked(page, "editor, a kept draft offered")
    page.locator("#draft-discard").click()
    expect(page.locator("#status")).to_have_text(
        f"{OPEN}The draft was discarded: this is the saved version.⟧"
    )

    # On a phone, the same.
    page.set_viewport_size(PHONE)
    settled(page)
    nothing_unmarked(page, "editor on a phone")
    pages.shot(page, "studio-de-editor-390x844")
    assert fits_the_width(page)


def test_a_new_and_a_builtin_workshop_in_the_editor(pages, pseudo_kiosk):
    page = signed_in(pages, pseudo_kiosk, "/studio/new")
    settled(page)
    expect(page.locator("#total")).to_have_text(f"{OPEN}No steps yet: add the first one.⟧")
    nothing_unmarked(page, "new workshop, empty")
    page.locator('#workshop-fields [data-field="title"]').fill("Neu")
    page.locator("#add-step").click()
    expect(page.locator("#announcer")).to_have_text(f"{OPEN}Step added at position 1 of 1.⟧")
    settled(page)
    # A step without a title yet is named in the page's words; the missing title is an error.
    expect(page.locator("#steps .step-name")).to_have_text(f"{OPEN}Step 1 (no title yet)⟧")
    expect(page.locator("#problems")).to_be_visible()
    nothing_unmarked(page, "new workshop, a step without a title")

    goto(page, f"{pseudo_kiosk.url}/studio/tiny")
    expect(page.locator("#readonly")).to_be_visible()
    expect(page.locator("#save-state")).to_have_text(f"{OPEN}Built-in: read only⟧")
    nothing_unmarked(page, "a built-in workshop")
    pages.shot(page, "studio-de-builtin-1280x720", full_page=False)


def test_the_history_speaks_the_pages_language(pages, pseudo_kiosk):
    kiosk = pseudo_kiosk
    full = kiosk.create_session("evening")
    with room(kiosk, full, 3) as (command, answer_all):
        for index, prompt_id, values in (
            (0, "mood-before", [{"pleasantness": -2, "energy": 2}] * 3),
            (1, "feel-before", [["tense"], ["tense", "tired"], ["calm"]]),
            (2, "mood-after", [{"pleasantness": 1, "energy": -1}] * 3),
            (3, "feel-after", [["calm"], ["calm"], ["calm"]]),
        ):
            command("goto", index=index)
            answer_all(prompt_id, values)
    small = kiosk.create_session("evening")
    with room(kiosk, small, 1) as (command, answer_all):
        command("goto", index=0)
        answer_all("mood-before", [{"pleasantness": 3, "energy": 3}])
    kiosk.create_session("tiny")

    page = signed_in(pages, kiosk, "/studio/evening/history")
    shown = page.locator(".history-session").filter(has_text=full["code"])
    expect(shown.locator("h2")).to_contain_text(" · 3 people⟧")
    expect(shown.locator(".pair")).to_have_count(2)
    hidden = page.locator(".history-session").filter(has_text=small["code"])
    expect(hidden.locator(".hidden-pair")).to_have_count(2)
    nothing_unmarked(page, "history")
    for viewport, size in ((LAPTOP, "1366x768"), (PHONE, "390x844")):
        page.set_viewport_size(viewport)
        pages.shot(page, f"studio-de-history-{size}")
        assert fits_the_width(page), size

    goto(page, f"{kiosk.url}/studio/tiny/history")
    # Dates written the page language's way (German: day first).
    expect(page.locator(".history-session h2").first).to_have_text(
        re.compile(r"^⟦\d{1,2}\.\d{1,2}\.\d{4}, \d\d:\d\d:\d\d · 0 people⟧$")
    )
    nothing_unmarked(page, "history, a session nobody answered")

    # A workshop nobody ran: the page says so.
    goto(page, f"{kiosk.url}/studio/alle-arten/history")
    expect(page.locator("#status")).to_have_text(
        f"{OPEN}No session has been run with this workshop yet. "
        "Start one from the editor or the facilitator home.⟧"
    )
    nothing_unmarked(page, "history, no sessions")
