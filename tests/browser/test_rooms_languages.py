"""The rooms' pages in the workshop's language, with nothing left untranslated (#17).

A kiosk speaking the pseudo-language of harness/pseudo.py as German (every marked message
shows as ⟦message⟧) runs a German workshop. The console (1366x768) and the projector
(1920x1080) are walked through the states a facilitator meets, and the report, the home (signed
out and in), the landing page and the error pages are opened; on each, `unmarked_texts` lists
what a person would still read in English.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from harness.live import ADMIN_KEY
from harness.live import SocketClient
from harness.pseudo import OPEN
from harness.pseudo import start_pseudo_kiosk
from harness.pseudo import unmarked_texts
from tests.browser.conftest import PHONE
from tests.browser.conftest import PROJECTOR
from tests.browser.conftest import Pages

UNAUTHORIZED = "Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)"
GERMAN_WORKSHOP = Path(__file__).resolve().parents[1] / "fixtures" / "raum.yaml"
CONSOLE = {"width": 1366, "height": 768}
GERMAN_BROWSER = {"locale": "de-DE"}
ENGLISH_BROWSER = {"locale": "en-US"}


@pytest.fixture(scope="module")
def pseudo_kiosk(tmp_path_factory):
    server = start_pseudo_kiosk(tmp_path_factory.mktemp("rooms"), GERMAN_WORKSHOP)
    yield server
    server.kill()


@pytest.fixture
def room(chromium, pseudo_kiosk):
    """Pages of a new session of the German workshop; no console errors on any of them."""
    opened = Pages(chromium, pseudo_kiosk, pseudo_kiosk.create_session("raum"))
    yield opened
    opened.close()
    assert opened.errors == [], "no console errors, page errors or dialogs on any page"


def nothing_unmarked(page, where: str) -> None:
    """Every visible text of `page` was marked for translation (or is a workshop's or a code)."""
    assert unmarked_texts(page) == [], where


def open_console(room, **options):
    """The console of `room`'s session, English-speaking browser unless told otherwise."""
    return room.console(viewport=CONSOLE, **{**ENGLISH_BROWSER, **options})


def open_screen(room, **options):
    return room.screen(**{**ENGLISH_BROWSER, **options})


def phone_in(room) -> SocketClient:
    """A phone of the session, as python-socketio (its own page is tested elsewhere)."""
    return SocketClient.phone(room.kiosk.url, room.session["code"])


def test_the_console_and_screen_leave_nothing_in_english_through_a_session(room):
    console, screen = open_console(room), open_screen(room)
    for page in (console, screen):
        expect(page.locator("html")).to_have_attribute("lang", "de")
    # Before the start: the lobby on the projector, the first step on the console.
    expect(screen.locator("#lobby")).to_be_visible()
    expect(screen.locator("#head-count")).to_contain_text(OPEN)
    nothing_unmarked(console, "console, first step")
    nothing_unmarked(screen, "screen, lobby")
    room.shot(console, "rooms-pseudo-console-first-1366x768", full_page=False)
    room.shot(screen, "rooms-pseudo-screen-lobby-1920x1080", full_page=False)

    # A step with a countdown: ready, then running.
    console.get_by_role("button", name=re.compile("Next")).click()
    expect(screen.locator("#stage")).to_be_visible()
    expect(screen.locator(".countdown")).to_be_visible()
    nothing_unmarked(console, "console, countdown ready")
    nothing_unmarked(screen, "screen, countdown ready")
    console.locator("[data-action=timer_start]").click()
    expect(screen.locator(".countdown")).to_have_attribute("data-running", "true")
    nothing_unmarked(console, "console, countdown running")
    nothing_unmarked(screen, "screen, countdown running")
    room.shot(screen, "rooms-pseudo-screen-countdown-1920x1080", full_page=False)

    # A words question: answered, results hidden, then revealed.
    phones = [phone_in(room), phone_in(room)]
    try:
        console.locator("[data-action=next]").click()
        expect(screen.locator("#question")).to_be_visible()
        for i, word in enumerate(["Ruhe", "سلام"]):
            answer = {"prompt_id": "wort", "value": word, "answer_id": f"wort-{i}-0123456789ab"}
            assert phones[i].call("respond", answer)["ok"]
        expect(console.locator("#answers")).to_have_text("2")
        nothing_unmarked(console, "console, words answered, hidden")
        nothing_unmarked(screen, "screen, words answered, hidden")
        console.locator("[data-action=reveal]").click()
        expect(screen.locator("#results")).to_be_visible()
        nothing_unmarked(console, "console, words revealed")
        nothing_unmarked(screen, "screen, words revealed")
        room.shot(console, "rooms-pseudo-console-words-1366x768", full_page=False)
        room.shot(screen, "rooms-pseudo-screen-words-1920x1080", full_page=False)

        # A choice question, revealed.
        console.locator("[data-action=next]").click()
        answer = {"prompt_id": "wahl", "value": "Stille", "answer_id": "wahl-0-0123456789ab"}
        assert phones[0].call("respond", answer)["ok"]
        expect(console.locator("#answers")).to_have_text("1")
        console.locator("[data-action=reveal]").click()
        expect(screen.locator("#results")).to_be_visible()
        nothing_unmarked(console, "console, choice revealed")
        nothing_unmarked(screen, "screen, choice revealed")

        # A touch step: asking consent, a phone that needs a moment.
        console.locator("[data-action=next]").click()
        expect(console.locator("#step-consent")).to_be_visible()
        console.locator("[data-action=consent_open]").click()
        consent = {"step_id": "umarmung", "choice": "alternative"}
        assert phones[0].call("consent", consent)["ok"]
        assert phones[1].call("signal", {"kind": "need_moment"})["ok"]
        expect(console.locator(".care-line.gentle")).to_be_visible()
        nothing_unmarked(console, "console, consent and care")
        nothing_unmarked(screen, "screen, touch step")
        room.shot(console, "rooms-pseudo-console-care-1366x768", full_page=False)
    finally:
        for phone in phones:
            phone.close()

    # Ended.
    room.expect_dialog("console")
    console.locator("#end").click()
    expect(console.locator("#ended-panel")).to_be_visible()
    expect(screen.locator("#ended")).to_be_visible()
    nothing_unmarked(console, "console, ended")
    nothing_unmarked(screen, "screen, ended")
    room.shot(console, "rooms-pseudo-console-ended-1366x768", full_page=False)


def test_the_report_leaves_nothing_in_english(room):
    console = open_console(room)
    console.locator("[data-action=next]").click()
    console.locator("[data-action=next]").click()
    phone = phone_in(room)
    try:
        answer = {"prompt_id": "wort", "value": "Ruhe", "answer_id": "report-0123456789ab"}
        assert phone.call("respond", answer)["ok"]
    finally:
        phone.close()
    report = room.popup(console, "report", lambda: console.locator("#report-link").click())
    expect(report.locator("body")).to_have_attribute("data-loaded", "true")
    expect(report.locator("html")).to_have_attribute("lang", "de")
    nothing_unmarked(report, "report")
    room.shot(report, "rooms-pseudo-report")


def test_a_german_workshop_speaks_german_until_the_facilitator_chooses_english(room):
    console, screen = open_console(room), open_screen(room)
    # No choice made, an English browser: the workshop's language.
    for page in (console, screen):
        expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(console.locator("#agenda-heading")).to_have_text(f"{OPEN}Agenda⟧")
    # Its own texts carry their language and direction, whatever the page speaks.
    expect(console.locator("#step-title")).to_have_attribute("lang", "de")
    # A phone of the same room, with its German browser and with an English one.
    german_phone, _ = room.open("", "phone-de", PHONE, **GERMAN_BROWSER)
    english_phone, _ = room.open("", "phone-en", PHONE, **ENGLISH_BROWSER)
    for phone in (german_phone, english_phone):
        phone.goto(f"{room.kiosk.url}/j/{room.session['code']}")
        phone.wait_for_selector("body[data-connected=true]")
    expect(english_phone.locator("html")).to_have_attribute("lang", "en")

    console.locator(".console-languages").get_by_role("link", name="English").click()
    console.wait_for_selector("body[data-connected=true]")
    expect(console.locator("html")).to_have_attribute("lang", "en")
    expect(console.locator("#agenda-heading")).to_have_text("Agenda")
    # The workshop's texts keep their language on the English page.
    expect(console.locator("#step-title")).to_have_attribute("lang", "de")
    # Remembered by this browser: the console's own address again, without `?lang`.
    assert "lang=en" in console.url
    console.goto(f"{room.kiosk.url}/f/{room.session['code']}")
    console.wait_for_selector("body[data-connected=true]")
    expect(console.locator("html")).to_have_attribute("lang", "en")
    # The projector opened in that browser follows the choice; the phones do not.
    projector = console.context.new_page()
    projector.set_viewport_size(PROJECTOR)
    projector.goto(f"{room.kiosk.url}/s/{room.session['code']}")
    expect(projector.locator("html")).to_have_attribute("lang", "en")
    projector.close()
    for phone, language in ((german_phone, "de"), (english_phone, "en")):
        phone.reload()
        phone.wait_for_selector("body[data-connected=true]")
        expect(phone.locator("html")).to_have_attribute("lang", language)
    # The screen in its own browser, which chose nothing, still speaks the workshop's language.
    screen.reload()
    expect(screen.locator("html")).to_have_attribute("lang", "de")


def test_the_projector_language_switch_stays_out_of_sight_until_reached(room):
    screen = open_screen(room)
    switch = screen.locator(".screen-languages")
    # Only the language in use, small, in the corner the QR code leaves free.
    expect(switch.get_by_role("link", name="Deutsch")).to_be_visible()
    expect(switch.get_by_role("link", name="English")).to_be_hidden()
    box = switch.bounding_box()
    assert box["height"] < 30 and box["x"] < 40, box
    assert box["y"] + box["height"] > PROJECTOR["height"] - 20, box
    # Reached with the keyboard, it offers every language.
    switch.get_by_role("link", name="Deutsch").focus()
    expect(switch.get_by_role("link", name="English")).to_be_visible()
    room.shot(screen, "rooms-pseudo-screen-switch-open-1920x1080", full_page=False)


def _sign_in(page, url):
    page.goto(f"{url}/home")
    page.locator("#admin-key").fill(ADMIN_KEY)
    page.locator("button[type=submit]").click()
    expect(page.locator(".workshop-list")).to_be_visible()


def test_home_landing_and_error_pages_leave_nothing_in_english(room):
    url = room.kiosk.url
    page, _ = room.open("", "home", {"width": 1280, "height": 720}, **GERMAN_BROWSER)
    page.goto(f"{url}/home")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    nothing_unmarked(page, "home, signed out")
    page.locator("#admin-key").fill("not the key")
    page.locator("button[type=submit]").click()
    expect(page.locator(".error")).to_be_visible()
    nothing_unmarked(page, "home, wrong key")
    # The wrong key's 401, which Chromium reports on the console: expected, once.
    assert [e for e in room.errors if "401" in e] == [f"home: {UNAUTHORIZED}"], room.errors
    room.errors.clear()
    _sign_in(page, url)
    nothing_unmarked(page, "home, signed in")
    expect(page.locator(".sessions time").first).to_be_visible()
    room.shot(page, "rooms-pseudo-home-1280x720")

    phone, _ = room.open("", "phone", PHONE, **GERMAN_BROWSER)
    phone.goto(f"{url}/")
    nothing_unmarked(phone, "landing")
    phone.locator("#code").fill("ZZZZ22")
    phone.locator("button[type=submit]").click()
    expect(phone.locator("#code-error")).to_be_visible()
    nothing_unmarked(phone, "landing, unknown code")
    for path in ("/j/ZZZZ22", "/no/such/page"):
        phone.goto(f"{url}{path}")
        expect(phone.locator("h1")).to_contain_text(OPEN)
        nothing_unmarked(phone, f"error page {path}")
    room.shot(phone, "rooms-pseudo-error-390x844")
    # The pages' own 404s, which Chromium reports on the console: expected, one each.
    not_found = [e for e in room.errors if "404" in e]
    assert len(not_found) == 3, room.errors
    for error in not_found:
        room.errors.remove(error)

    # An ended session's pages.
    ended = room.kiosk.create_session("raum")
    console = room.open("", "console", CONSOLE, **GERMAN_BROWSER)[0]
    console.goto(f"{url}/f/{ended['code']}#{ended['facilitator_token']}")
    console.wait_for_selector("body[data-connected=true]")
    room.expect_dialog("console")
    console.locator("#end").click()
    expect(console.locator("#ended-panel")).to_be_visible()
    phone.goto(f"{url}/j/{ended['code']}")
    nothing_unmarked(phone, "ended page")
    gone = [e for e in room.errors if "410" in e]
    for error in gone:
        room.errors.remove(error)
