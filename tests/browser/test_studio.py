"""The workshop studio as a facilitator uses it in Chromium: build, reorder, undo, reload,
preview, import, export, start a session and run it with phones; axe on every studio page."""

from __future__ import annotations

import re
import time

import pytest
import yaml
from playwright.sync_api import expect

from harness.live import ADMIN_KEY
from harness.live import LiveServer
from tests.browser.conftest import PHONE
from tests.browser.test_experience import run_axe
from tests.browser.test_layout_details import room
from tests.conftest import TINY
from workshop.script import load_workshop

LAPTOP = {"width": 1366, "height": 768}
SMALL_LAPTOP = {"width": 1280, "height": 720}


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    """A kiosk of the studio's tests alone: the workshops they store stay out of other pages."""
    server = LiveServer(tmp_path_factory.mktemp("studio") / "kiosk.db", workshop=TINY).start()
    yield server
    server.kill()


@pytest.fixture(autouse=True)
def drafts_refused_while_typed(pages):
    """The kiosk answers a draft with a problem (still being typed) with 400, by its contract.

    Chromium reports every 4xx answer on the console; the editor checks the draft as it is
    typed, so these are expected here. Anything else on the console still fails the test.
    """
    yield
    refused = "the server responded with a status of 400 (BAD REQUEST)"
    pages.errors[:] = [e for e in pages.errors if refused not in e]


def signed_in(pages, kiosk, name="studio", viewport=LAPTOP, **options):
    """A browser signed in on /home, as a facilitator does once; then on the studio's list."""
    page, context = pages.open("", name, viewport, **options)
    page.goto(f"{kiosk.url}/home")
    page.get_by_label("Admin key").fill(ADMIN_KEY)
    page.get_by_role("button", name="Open the home page").click()
    expect(page.get_by_role("heading", name="Workshops")).to_be_visible()
    page.get_by_role("link", name="Workshop studio").click()
    expect(page.get_by_role("heading", name="Workshop studio")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    return page


def new_workshop(page, title):
    """From the studio's list: New workshop, a title typed in, its first step added."""
    page.get_by_role("link", name="New workshop").click()
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    page.get_by_label("Title", exact=True).first.fill(title)


def add_step(page, title, text=""):
    """Add a step after the selected one and type its title (and text)."""
    page.get_by_role("button", name="Add a step").click()
    form = page.locator("#step-form")
    expect(form.get_by_label("Title", exact=True)).to_be_focused()
    form.get_by_label("Title", exact=True).fill(title)
    if text:
        form.get_by_label("Text on phones and the projector").fill(text)


def step_names(page):
    return page.locator("#steps .step-name").all_text_contents()


def wait_checked(page):
    """Until the kiosk has checked the draft as it stands (validation is debounced)."""
    page.wait_for_function(
        "() => document.body.dataset.checked !== undefined"
        " && !document.querySelector('#save-state[data-state=saving]')"
    )
    time.sleep(0.6)  # the debounce (400 ms) of the last keystroke, then its answer
    page.wait_for_load_state("networkidle")


def save(page):
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#save-state")).to_have_text("Saved")


def built(page, title, steps):
    """A saved workshop of plain steps, built by clicking and typing; its editor stays open."""
    new_workshop(page, title)
    for name in steps:
        add_step(page, name, f"{name}, slowly.")
    save(page)
    expect(page).to_have_url(re.compile(r"/studio/[a-z0-9-]+$"))


def test_not_signed_in_the_studio_sends_to_sign_in_and_back(pages, kiosk):
    page, _ = pages.open("", "stranger", LAPTOP)
    page.goto(f"{kiosk.url}/studio")
    expect(page).to_have_url(re.compile(r"/home\?next=/studio$"))
    expect(page.get_by_role("status")).to_contain_text("enter the admin key to open it")
    page.get_by_label("Admin key").fill(ADMIN_KEY)
    page.get_by_role("button", name="Open the home page").click()
    expect(page).to_have_url(f"{kiosk.url}/studio")
    expect(page.get_by_role("heading", name="Workshop studio")).to_be_visible()


def test_build_a_workshop_from_nothing_by_clicking_and_typing(pages, kiosk):
    page = signed_in(pages, kiosk)
    new_workshop(page, "Evening calm")
    # The short name follows the title until typed in.
    expect(page.get_by_label("Short name (for its address and file)")).to_have_value("evening-calm")
    page.get_by_label("Description").fill("Twenty quiet minutes.")
    expect(page.locator("#save-state")).to_have_text("Unsaved changes")

    add_step(page, "Arrive", "Sit down and land.")
    form = page.locator("#step-form")
    form.get_by_label("Countdown (seconds)").fill("90")
    form.get_by_label("Your notes (the console only)").fill("Dim the lights.")

    add_step(page, "Breathe", "Follow the circle.")
    form.get_by_label("Breathing pacer").check()
    form.get_by_label("Cycles").fill("3")
    # 4 + 2 + 6 seconds a cycle, three cycles: 36 s, starting after the 1:30 of the first.
    expect(page.locator("#steps li").nth(1)).to_contain_text("0:36 · starts at 1:30")
    expect(page.locator("#total")).to_contain_text("2 steps · 2:06 of timed exercises")

    add_step(page, "How calm?", "Tap how calm you are.")
    form.get_by_label("Kind of question").select_option("scale")
    form.get_by_label("The question", exact=True).fill("How calm are you?")
    form.get_by_label("Label of the lowest value").fill("Restless")
    form.get_by_label("Highest value", exact=True).fill("1")
    # The kiosk's schema answers next to the question's fields, in its own words.
    expect(form.locator("fieldset[data-path=prompt] > .field-error")).to_contain_text(
        "max must be greater than min"
    )
    expect(page.locator("#steps li").nth(2)).to_contain_text("1 problem")
    expect(page.locator("#problems")).to_contain_text("step 3")
    form.get_by_label("Highest value", exact=True).fill("5")
    expect(page.locator("#problems")).to_be_hidden()
    expect(form.locator(".field-error:visible")).to_have_count(0)

    add_step(page, "Share", "One word for tonight.")
    form.get_by_label("Kind of question").select_option("choice")
    form.get_by_label("The question", exact=True).fill("Which part helped most?")
    form.get_by_label("Options, one a line").fill("Breathing\nSilence\nThe question")

    add_step(page, "Pairs", "Sit back to back with a partner.")
    form.get_by_label("Countdown (seconds)").fill("60")
    form.get_by_label("Ask each person privately first").check()
    form.get_by_label("What someone does instead (title)").fill("Lean on the wall")
    form.get_by_label("Phones show “I'm done”").check()
    form.get_by_label("Move on when this share is done").fill("0.8")
    form.get_by_label("Move on by itself when the time is up").check()

    save(page)
    expect(page).to_have_url(f"{kiosk.url}/studio/evening-calm")
    pages.shot(page, "studio-built-1366x768", full_page=False)

    # The kiosk has it as typed: the file loader reads its YAML back.
    page.get_by_role("link", name="Workshop studio").click()
    item = page.locator(".studio-item").filter(has_text="Evening calm")
    expect(item).to_contain_text("5 steps")
    expect(item).to_contain_text("3:06 of timed exercises")


def test_reorder_by_keyboard_and_by_drag_then_undo_and_redo(pages, kiosk):
    page = signed_in(pages, kiosk)
    built(page, "Order test", ["One", "Two", "Three", "Four"])
    assert step_names(page) == ["One", "Two", "Three", "Four"]

    # Keyboard: Move down on "One", then Alt+ArrowDown on the focused step.
    page.get_by_role("button", name="Move “One” down").click()
    assert step_names(page) == ["Two", "One", "Three", "Four"]
    expect(page.locator("#announcer")).to_have_text("Step “One” moved to position 2 of 4.")
    expect(page.get_by_role("button", name="Move “One” down")).to_be_focused()
    page.keyboard.press("Alt+ArrowDown")
    assert step_names(page) == ["Two", "Three", "One", "Four"]
    expect(page.locator("#announcer")).to_have_text("Step “One” moved to position 3 of 4.")
    page.get_by_role("button", name="Move “Four” up").click()
    assert step_names(page) == ["Two", "Three", "Four", "One"]

    # Drag: "One" by its handle, with the mouse, to the top of the list.
    handle = page.locator("#steps li").nth(3).locator(".drag-handle")
    target = page.locator("#steps li").nth(0)
    start = handle.bounding_box()
    end = target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    for fraction in (0.25, 0.5, 0.75, 1.0):
        page.mouse.move(
            start["x"] + start["width"] / 2,
            start["y"] + (end["y"] + 4 - start["y"]) * fraction,
            steps=4,
        )
    page.mouse.up()
    expect(page.locator("#steps .step-name").first).to_have_text("One")
    assert step_names(page) == ["One", "Two", "Three", "Four"]
    expect(page.locator("#announcer")).to_have_text("Step “One” moved to position 1 of 4.")

    # Undo, step by step, with the button and with Ctrl+Z; redo with Ctrl+Shift+Z.
    page.get_by_role("button", name="Undo").click()
    assert step_names(page) == ["Two", "Three", "Four", "One"]
    page.keyboard.press("Control+z")
    assert step_names(page) == ["Two", "Three", "One", "Four"]
    page.keyboard.press("Control+Shift+z")
    assert step_names(page) == ["Two", "Three", "Four", "One"]
    page.get_by_role("button", name="Redo").click()
    assert step_names(page) == ["One", "Two", "Three", "Four"]
    expect(page.get_by_role("button", name="Redo")).to_be_disabled()

    # Typing is undone a field at a time, not a letter at a time.
    page.locator("#steps .step-select").first.click()
    form = page.locator("#step-form")
    expect(page.locator("#step-heading")).to_have_text("Step 1 of 4")
    form.get_by_label("Title", exact=True).fill("One, renamed")
    expect(page.locator("#steps .step-name").first).to_have_text("One, renamed")
    page.get_by_role("button", name="Undo").click()
    expect(form.get_by_label("Title", exact=True)).to_have_value("One")
    # Back where the kiosk has it: nothing to save.
    expect(page.locator("#save-state")).to_have_text("Saved")


def test_reload_mid_edit_and_find_the_draft(pages, kiosk):
    page = signed_in(pages, kiosk)
    built(page, "Draft test", ["Arrive", "Leave"])
    form = page.locator("#step-form")
    form.get_by_label("Title", exact=True).fill("Leave gently")
    form.get_by_label("Countdown (seconds)").fill("45")
    expect(page.locator("#save-state")).to_have_text("Unsaved changes")

    page.reload()
    offer = page.locator("#draft-offer")
    expect(offer).to_contain_text("This browser kept unsaved changes to this workshop")
    expect(page.locator("#steps .step-name").nth(1)).to_have_text("Leave")  # the saved one
    page.get_by_role("button", name="Restore the draft").click()
    expect(page.locator("#steps .step-name").nth(1)).to_have_text("Leave gently")
    expect(page.locator("#steps li").nth(1)).to_contain_text("0:45")
    expect(page.locator("#save-state")).to_have_text("Unsaved changes")
    save(page)

    # A new workshop never saved: a closed tab loses nothing either.
    page.get_by_role("link", name="Workshop studio").click()
    new_workshop(page, "Never saved")
    add_step(page, "Only step")
    expect(page.locator("#save-state")).to_have_text("Unsaved changes")
    page.close()
    again = pages.tab(pages.contexts[-1], "studio-again")
    again.goto(f"{kiosk.url}/studio/new")
    expect(again.get_by_label("Title", exact=True).first).to_have_value("Never saved")
    expect(again.locator("#steps .step-name")).to_have_text(["Only step"])


def test_preview_a_breathing_step_on_the_phone_and_the_projector(pages, kiosk):
    page = signed_in(pages, kiosk, viewport={"width": 1600, "height": 900})
    new_workshop(page, "Preview test")
    add_step(page, "Breathe", "Follow the circle.")
    form = page.locator("#step-form")
    form.get_by_label("Breathing pacer").check()
    form.get_by_label("Breathe in").fill("1")
    form.get_by_label("Hold", exact=True).fill("0")
    form.get_by_label("Breathe out").fill("1")

    phone = page.frame_locator("#preview-phone")
    expect(phone.locator("#step-title")).to_have_text("Breathe")
    expect(phone.locator("#step-text")).to_have_text("Follow the circle.")
    pacer = phone.locator(".pacer")
    # The pacer breathes: in, then out, then in again, as the real phone page draws it.
    seen = set()
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline and not {"inhale", "exhale"} <= seen:
        seen.add(pacer.get_attribute("data-phase"))
        time.sleep(0.1)
    assert {"inhale", "exhale"} <= seen, seen
    assert pacer.get_attribute("data-state") == "running"

    # The projector: a breathing step at index 0 is the lobby; a second step is the stage.
    add_step(page, "Count", "Ten quiet seconds.")
    form.get_by_label("Countdown (seconds)").fill("10")
    screen = page.frame_locator("#preview-screen")
    expect(screen.locator("#step-title")).to_have_text("Count")
    expect(screen.locator("#stage")).to_be_visible()
    digits = screen.locator(".countdown .digits")
    expect(digits).to_have_text(re.compile(r"0:(0\d|10)"))
    first = digits.text_content()
    expect(digits).not_to_have_text(first, timeout=3000)

    # The prompt's controls, as phones get them.
    add_step(page, "Mood", "Tap one.")
    form.get_by_label("Kind of question").select_option("scale")
    form.get_by_label("The question", exact=True).fill("How do you feel?")
    expect(phone.locator("#prompt .scale-row button")).to_have_count(5)
    phone.locator("#prompt .scale-row button", has_text="4").click()
    expect(phone.locator("#received")).to_contain_text("Received")
    pages.shot(page, "studio-preview-1600x900", full_page=False)


def test_import_a_broken_file_and_read_its_error(pages, kiosk, tmp_path):
    page = signed_in(pages, kiosk)
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "id: imported\ntitle: Imported\nsteps:\n"
        "  - id: fine\n    title: Fine\n"
        "  - id: bad\n    title: Bad\n    countdown: -5\n"
        "  - id: also-fine\n    title: Also fine\n",
        encoding="utf-8",
    )
    page.get_by_label("Import a workshop file (YAML)").set_input_files(str(broken))
    page.get_by_role("button", name="Import", exact=True).click()
    result = page.locator("#import-result")
    expect(result).to_contain_text("broken.yaml was not imported")
    expect(result).to_contain_text("step 2")
    expect(result).to_contain_text("countdown")
    expect(result).to_contain_text("line 8")
    pages.shot(page, "studio-import-error-1366x768", full_page=False)

    # The rest of the file opens in the editor, the broken step marked.
    page.get_by_role("button", name="Open it in the editor to fix it").click()
    expect(page.locator("#status")).to_contain_text("Imported from broken.yaml")
    expect(page.locator("#steps .step-name")).to_have_text(["Fine", "Bad", "Also fine"])
    expect(page.locator("#steps li.has-problem")).to_have_count(1)
    expect(page.locator("#steps li").nth(1)).to_contain_text("1 problem")
    # Fixed where it is marked, then saved: the workshop is the kiosk's now.
    page.locator("#steps .step-select").nth(1).click()
    countdown = page.locator("#step-form").get_by_label("Countdown (seconds)")
    expect(page.locator("#step-form")).to_contain_text("Input should be greater than")
    expect(countdown).to_have_attribute("aria-invalid", "true")
    countdown.fill("5")
    expect(page.locator("#steps li.has-problem")).to_have_count(0)
    save(page)
    expect(page).to_have_url(f"{kiosk.url}/studio/imported")

    # Not YAML at all: said in words too.
    page.goto(f"{kiosk.url}/studio")
    junk = tmp_path / "junk.yaml"
    junk.write_text("title: [unclosed\n", encoding="utf-8")
    page.get_by_label("Import a workshop file (YAML)").set_input_files(str(junk))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-result")).to_contain_text("junk.yaml was not imported")


def test_export_downloads_yaml_the_loader_accepts(pages, kiosk, tmp_path):
    page = signed_in(pages, kiosk)
    built(page, "Export test", ["Arrive", "Leave"])
    page.locator("#step-form").get_by_label("Countdown (seconds)").fill("30")
    save(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download YAML").click()
    path = tmp_path / "export.yaml"
    download.value.save_as(path)
    workshop = load_workshop(path)
    assert workshop.id == "export-test"
    assert [s.title for s in workshop.steps] == ["Arrive", "Leave"]
    assert workshop.steps[1].countdown == 30
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["title"] == "Export test"


def test_start_a_session_from_the_editor_and_run_it_with_two_phones(pages, kiosk):
    page = signed_in(pages, kiosk)
    built(page, "Run test", ["Welcome", "Mood"])
    page.locator("#steps .step-select").nth(1).click()
    form = page.locator("#step-form")
    form.get_by_label("Kind of question").select_option("choice")
    form.get_by_label("The question", exact=True).fill("Tea or coffee?")
    form.get_by_label("Options, one a line").fill("Tea\nCoffee")
    # Start saves the change first, then opens the new session's console.
    page.get_by_role("button", name="Start a session").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(kiosk.url)}/f/[A-Z0-9]{{6}}"))
    expect(page.locator("body")).to_have_attribute("data-connected", "true")
    expect(page.locator("#step-title")).to_have_text("Welcome")
    code = page.url.split("/f/", 1)[1].split("#", 1)[0]

    phones = []
    for name in ("phone-a", "phone-b"):
        phone, _ = pages.open("", name, PHONE)
        phone.goto(f"{kiosk.url}/j/{code}")
        expect(phone.locator("body")).to_have_attribute("data-connected", "true")
        expect(phone.locator("#step-title")).to_have_text("Welcome")
        phones.append(phone)
    page.get_by_role("button", name="Next →").click()
    for phone, choice in zip(phones, ("Tea", "Coffee"), strict=True):
        expect(phone.locator("#step-title")).to_have_text("Mood")
        phone.get_by_role("button", name=choice).click()
        expect(phone.locator("#received")).to_contain_text("Received")
    expect(page.locator("#step-title")).to_have_text("Mood")


def fits_the_width(page):
    """Nothing sticks out sideways: the page never scrolls horizontally."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366x768", "390x844"])
def test_every_studio_page_passes_axe(pages, kiosk, viewport):
    # axe is injected as a script, which the pages' CSP forbids; this context bypasses it.
    page = signed_in(pages, kiosk, viewport=viewport, bypass_csp=True)
    size = f"{viewport['width']}x{viewport['height']}"
    built(page, f"Axe {size}", ["Arrive", "Breathe"])
    editor_url = page.url
    form = page.locator("#step-form")
    form.get_by_label("Breathing pacer").check()
    form.get_by_label("Kind of question").select_option("scale")
    form.get_by_label("Highest value", exact=True).fill("0")  # an error next to its field
    expect(form.locator(".field-error:visible").first).to_be_visible()
    assert run_axe(page) == [], "editor"
    assert fits_the_width(page), "editor"
    pages.shot(page, f"studio-editor-{size}", full_page=False)
    page.goto(f"{kiosk.url}/studio")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    assert run_axe(page) == [], "list"
    assert fits_the_width(page), "list"
    pages.shot(page, f"studio-list-{size}")
    page.goto(f"{editor_url}/history")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    assert run_axe(page) == [], "history"
    assert fits_the_width(page), "history"
    page.goto(f"{kiosk.url}/studio/tiny")
    expect(page.locator("#readonly")).to_be_visible()
    assert run_axe(page) == [], "built-in"
    assert fits_the_width(page), "built-in"
    page.goto(f"{kiosk.url}/studio/new")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    assert run_axe(page) == [], "new"
    # The previews opened as pages of their own (they wait for an editor to feed them a step).
    for kind in ("phone", "screen"):
        page.goto(f"{kiosk.url}/studio/preview/{kind}")
        expect(page.locator("body")).to_have_attribute("data-connected", "true")
        assert run_axe(page) == [], f"preview {kind}"
    assert fits_the_width(page), "new"


def test_editor_screenshots_at_the_sizes_that_matter(pages, kiosk):
    page = signed_in(pages, kiosk)
    page.goto(f"{kiosk.url}/studio/tiny")
    expect(page.locator("#readonly")).to_be_visible()
    page.get_by_role("button", name="Duplicate to edit").click()
    expect(page).to_have_url(re.compile(r"/studio/tiny-copy$"))
    expect(page.locator("#steps li")).to_have_count(10)
    page.locator("#steps .step-select").nth(2).click()  # the breathing step
    for viewport in (LAPTOP, SMALL_LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        time.sleep(1.0)  # the preview breathes; the frames rescale
        pages.shot(page, f"studio-editor-tiny-{viewport['width']}x{viewport['height']}", False)
        pages.shot(page, f"studio-editor-tiny-{viewport['width']}x{viewport['height']}-full")
    page.set_viewport_size(LAPTOP)
    dark = signed_in(pages, kiosk, name="studio-dark", color_scheme="dark")
    dark.goto(page.url)
    expect(dark.locator("#steps li")).to_have_count(10)
    dark.locator("#steps .step-select").nth(1).click()  # a scale question
    time.sleep(0.5)
    pages.shot(dark, "studio-editor-tiny-dark-1366x768", False)


def test_history_shows_each_session_and_hides_small_rooms(pages, kiosk, session):
    # Two rooms ran the test workshop: three phones answered before and after in one, one
    # phone in the other (below the privacy threshold of 3).
    with room(kiosk, session, 3) as (command, answer_all):
        command("goto", index=1)
        answer_all("mood-before", [2, 2, 3])
        command("goto", index=6)
        answer_all("mood-after", [4, 2, 1])
    small = kiosk.create_session("tiny")
    with room(kiosk, small, 1) as (command, answer_all):
        command("goto", index=1)
        answer_all("mood-before", [1])
        command("goto", index=6)
        answer_all("mood-after", [5])

    page = signed_in(pages, kiosk)
    page.get_by_role("link", name="History of Tiny test workshop", exact=True).click()
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    expect(page.get_by_role("heading", name="History: Tiny test workshop")).to_be_visible()
    full = page.locator(".history-session").filter(has_text=session["code"])
    expect(full).to_contain_text("3 people")
    expect(full.locator(".pair-title")).to_have_text("mood-before → mood-after")
    chart = full.locator("svg.chart-shift")
    expect(chart).to_have_attribute("aria-label", "Of 3 pairs: 1 up, 1 the same, 1 down")
    expect(full.locator(".shift-mean")).to_have_text("Average change ±0")
    hidden = page.locator(".history-session").filter(has_text=small["code"])
    expect(hidden).to_contain_text("Not enough answers to show")
    expect(hidden.locator("svg")).to_have_count(0)
    pages.shot(page, "studio-history-1366x768")


def test_the_list_duplicates_and_deletes_with_confirmation_and_shows_titles_as_text(pages, kiosk):
    page = signed_in(pages, kiosk)
    hostile = "<img src=x onerror=alert(1)> Calm"
    new_workshop(page, hostile)
    page.get_by_label("Short name (for its address and file)").fill("hostile")
    add_step(page, "<b>Arrive</b>")
    expect(page.frame_locator("#preview-phone").locator("#step-title")).to_have_text(
        "<b>Arrive</b>"
    )
    save(page)
    page.get_by_role("link", name="Workshop studio").click()
    item = page.locator(".studio-item").filter(has_text=hostile)
    expect(item.locator("h3")).to_have_text(hostile)
    expect(page.locator(".studio-item img")).to_have_count(0)

    # Duplicate: a copy of its own, opened in the editor.
    item.get_by_role("button", name=f"Duplicate {hostile}").click()
    expect(page).to_have_url(f"{kiosk.url}/studio/hostile-copy")
    expect(page.get_by_label("Title", exact=True).first).to_have_value(f"{hostile} (copy)")
    page.get_by_role("link", name="Workshop studio").click()

    # Delete asks first; cancelled, nothing changes; confirmed, it is gone.
    copy = page.locator(".studio-item").filter(has_text=f"{hostile} (copy)")
    pages.expect_dialog("studio", accept=False)
    copy.get_by_role("button", name="Delete").click()
    expect(copy).to_have_count(1)
    pages.expect_dialog("studio", accept=True)
    copy.get_by_role("button", name="Delete").click()
    expect(page.locator("#status")).to_have_text(f"Deleted “{hostile} (copy)”.")
    expect(copy).to_have_count(0)
    expect(page.locator(".studio-item").filter(has_text=hostile)).to_have_count(1)
    assert [d for d in pages.dialogs if "Delete the workshop" in d] and len(pages.dialogs) == 2


def test_reorder_by_touch_on_a_phone(pages, kiosk):
    page = signed_in(pages, kiosk, name="studio-touch", viewport=PHONE, has_touch=True)
    built(page, "Touch order", ["First", "Second", "Third"])
    # The last check of the draft drawn (it draws the list anew, which a finger must not race).
    wait_checked(page)
    # The whole list in view: the step headings at the top of the window.
    page.locator("#steps-heading").evaluate("node => node.scrollIntoView({block: 'start'})")
    handle = page.locator("#steps li").nth(2).locator(".drag-handle")
    start = handle.bounding_box()
    end = page.locator("#steps li").nth(0).bounding_box()
    x = start["x"] + start["width"] / 2
    y = start["y"] + start["height"] / 2
    # A finger on the handle, dragged up to the first step, then lifted (touch events, as a
    # phone's browser sends them).
    touch = page.context.new_cdp_session(page)
    touch.send(
        "Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]}
    )
    steps = 12
    for i in range(1, steps + 1):
        moved = y + (end["y"] + 4 - y) * i / steps
        touch.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": moved}]}
        )
        page.wait_for_timeout(30)
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(page.locator("#steps .step-name").first).to_have_text("Third")
    assert step_names(page) == ["Third", "First", "Second"]
    expect(page.locator("#announcer")).to_have_text("Step “Third” moved to position 1 of 3.")
