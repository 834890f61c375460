"""The phone in the phone's language: every word it shows is marked for translation.

The kiosk here serves a pseudo-translation for German (harness/pseudo.py: every marked
message wrapped in ⟦ ⟧); a phone whose browser asks for German shows each marked word so, and
`unmarked_texts` lists whatever it shows that nobody marked. The phone walks every state a
person meets. The workshop is in French: its own words keep the workshop's language.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.live import LiveServer
from harness.live import SocketClient
from harness.pseudo import start_pseudo_kiosk
from harness.pseudo import unmarked_texts
from tests.browser.conftest import ARTIFACTS
from tests.browser.conftest import PHONE
from tests.conftest import FIXTURES

MAX_PHONES = 3  # per session: enough for three phones, and a fourth meets a full room
STEPS = [
    "welcome",
    "breathe",
    "scale",
    "choice",
    "words",
    "mood",
    "feelings",
    "hug",
    "reflect",
    "bye",
]
PSEUDO = re.compile("⟦")


@pytest.fixture(scope="module")
def pseudo_kiosk(tmp_path_factory):
    server = start_pseudo_kiosk(
        tmp_path_factory.mktemp("languages"),
        FIXTURES / "languages.yaml",
        {"KIOSK_MAX_PARTICIPANTS": str(MAX_PHONES)},
    )
    yield server
    server.kill()


class Room:
    """A session of the languages workshop, driven by a console over Socket.IO."""

    def __init__(self, kiosk: LiveServer):
        self.kiosk = kiosk
        made = kiosk.create_session("languages")
        self.code = made["code"]
        self.console = SocketClient(
            kiosk.url, "/facilitator", {"code": self.code, "token": made["facilitator_token"]}
        )

    def command(self, action: str, **fields) -> dict:
        ack = self.console.call("command", {"action": action, **fields})
        assert ack["ok"], ack
        return ack

    def goto(self, step: str) -> None:
        self.command("goto", index=STEPS.index(step))

    def close(self) -> None:
        self.console.close()


@pytest.fixture
def room(pseudo_kiosk):
    made = Room(pseudo_kiosk)
    yield made
    made.close()


@pytest.fixture
def browser_pages(chromium):
    contexts = []
    errors: list[str] = []

    def open_phone(url: str, locale: str = "de-DE", wait: bool = True):
        context = chromium.new_context(viewport=PHONE, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)
        if wait:
            page.wait_for_selector("body[data-connected=true]")
        return page, context

    yield open_phone
    for context in contexts:
        context.close()
    assert errors == []


def nothing_unmarked(page, shot: str | None = None) -> None:
    """Every word the page shows now is a marked (⟦translated⟧) one, or the workshop's.

    `shot`: also save a screenshot as test-artifacts/phone-pseudo-<shot>-390x844.png.
    """
    assert unmarked_texts(page) == []
    if shot:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"phone-pseudo-{shot}-390x844.png"), full_page=True)


def test_a_german_phone_shows_no_unmarked_word_in_any_state(room, browser_pages):
    phone, context = browser_pages(f"{room.kiosk.url}/j/{room.code}")
    expect(phone.locator("html")).to_have_attribute("lang", "de")
    # The workshop's own words keep the workshop's language.
    expect(phone.locator("#step-title")).to_have_attribute("lang", "fr")
    expect(phone.locator(".workshop-title")).to_have_attribute("lang", "fr")
    expect(phone.locator("#step-title")).to_have_text("Bienvenue")
    nothing_unmarked(phone, "waiting")  # on the first step

    room.goto("breathe")  # a countdown with the pacer, waiting for Start
    expect(phone.locator("#timing .timer-state")).to_contain_text("⟦")
    expect(phone.locator("#sound-offer")).to_be_visible()
    nothing_unmarked(phone)
    room.command("timer_start")
    expect(phone.locator("#timing")).to_have_attribute("data-timer-state", "running")
    expect(phone.locator(".pacer-word")).to_contain_text("⟦")
    nothing_unmarked(phone, "pacer")
    phone.locator("#sound-no").click()

    room.goto("scale")
    expect(phone.locator("#prompt-question")).to_have_attribute("lang", "fr")
    nothing_unmarked(phone)
    phone.locator(".scale-row button[data-value='4']").click()
    expect(phone.locator("#received")).to_contain_text("⟦Received ✓⟧")
    nothing_unmarked(phone)  # answered

    room.goto("choice")
    expect(phone.locator(".choices button")).to_have_count(2)
    nothing_unmarked(phone)
    phone.locator(".choices button", has_text="Marcher").click()
    expect(phone.locator("#received")).to_contain_text("⟦Received ✓⟧")

    room.goto("words")
    phone.locator("#words").fill("lien")
    nothing_unmarked(phone)
    phone.locator("#words").fill("x" * 85)  # over the limit: the page says so itself
    phone.get_by_role("button", name="⟦Send⟧").click()
    expect(phone.locator("#received")).to_contain_text("⟦Your answer is 85 characters long")
    nothing_unmarked(phone, "words-too-long")
    phone.locator("#words").fill("lien")
    phone.get_by_role("button", name="⟦Send⟧").click()
    expect(phone.locator("#received")).to_contain_text("⟦Received ✓⟧")

    room.goto("mood")
    expect(phone.locator(".mood-cell")).to_have_count(49)
    nothing_unmarked(phone, "mood")
    phone.locator(".mood-cell[data-value='2,1']").click()
    expect(phone.locator("#received")).to_contain_text("⟦Received ✓⟧")
    room.command("prompt_close")
    expect(phone.locator("#received")).to_contain_text("⟦Your answer: ")
    nothing_unmarked(phone)  # closed, with this phone's answer in words

    room.goto("feelings")
    feelings = phone.locator(".feeling")
    feelings.nth(0).click()
    feelings.nth(1).click()
    feelings.nth(2).click()  # one too many: the page says why
    expect(phone.locator(".feelings-limit")).to_contain_text("⟦")
    nothing_unmarked(phone, "feelings")
    phone.get_by_role("button", name="⟦Send⟧").click()
    expect(phone.locator("#received")).to_contain_text("⟦Received ✓⟧")
    room.command("reveal")
    expect(phone.locator("#results")).to_contain_text("⟦")  # too few answers to show yet
    nothing_unmarked(phone)  # the room's results

    room.command("consent_open")  # asked ahead of the touch step
    expect(phone.locator("#consent-question")).to_have_attribute("lang", "fr")
    nothing_unmarked(phone, "consent")
    phone.get_by_role("button", name="⟦Do the alternative: Un câlin à soi-même⟧").click()
    expect(phone.locator("#consent .received")).to_have_text(
        "⟦Choice received ✓ (you can change it)⟧"
    )
    nothing_unmarked(phone)
    room.goto("hug")
    expect(phone.locator("#my-choice")).to_contain_text("⟦You chose the alternative⟧")
    expect(phone.locator("#alternative-title")).to_have_attribute("lang", "fr")
    nothing_unmarked(phone, "alternative")
    phone.get_by_role("button", name="⟦Change your choice⟧").click()
    phone.locator("#my-choice button", has_text="⟦Sit out⟧").click()
    expect(phone.locator("#alternative-title")).to_have_text("⟦You are sitting this one out⟧")
    nothing_unmarked(phone)  # the page's own words, no longer marked as the workshop's

    room.goto("reflect")
    phone.locator("#done").click()
    expect(phone.locator("#done")).to_have_attribute("aria-pressed", "true")
    phone.locator("#need-moment").click()
    expect(phone.locator("#need-moment")).to_have_attribute("aria-pressed", "true")
    nothing_unmarked(phone)

    context.set_offline(True)  # offline: reconnecting
    expect(phone.locator("#notice")).to_have_text("⟦Reconnecting…⟧", timeout=30_000)
    nothing_unmarked(phone, "offline")
    context.set_offline(False)
    expect(phone.locator("body")).to_have_attribute("data-connected", "true", timeout=30_000)

    room.command("end")
    expect(phone.locator("#ended")).to_be_visible()
    nothing_unmarked(phone, "ended")
    phone.reload()  # an ended session's page
    nothing_unmarked(phone)


def test_an_answer_refused_by_the_kiosk_is_said_in_the_phones_language(room, browser_pages):
    phone, context = browser_pages(f"{room.kiosk.url}/j/{room.code}")
    room.goto("scale")
    expect(phone.locator("#prompt-question")).to_be_visible()
    context.set_offline(True)
    expect(phone.locator("#notice")).to_have_text("⟦Reconnecting…⟧", timeout=30_000)
    room.command("prompt_close")
    phone.wait_for_timeout(2_500)  # tapped after the close (the phone still shows it open)
    phone.locator(".scale-row button[data-value='2']").click()
    context.set_offline(False)
    notice = phone.locator("#answer-notice-text")
    # The kiosk's reason arrives as a key and is translated here, inside the page's sentence.
    expect(notice).to_contain_text(
        "⟦the question had already closed when you answered⟧", timeout=30_000
    )
    expect(notice).to_have_text(re.compile(r"^⟦Your answer to “Comment vous sentez-vous \?”"))
    nothing_unmarked(phone, "refused")


def test_a_full_room_is_refused_in_the_phones_language(room, browser_pages):
    others = [SocketClient.phone(room.kiosk.url, room.code) for _ in range(MAX_PHONES)]
    try:
        phone, _ = browser_pages(f"{room.kiosk.url}/j/{room.code}", wait=False)
        expect(phone.locator("#refused")).to_be_visible(timeout=30_000)
        expect(phone.locator("#refused-message")).to_have_text(
            "⟦The room is full on this kiosk — please tell the facilitator⟧"
        )
        expect(phone.locator("#refused-next")).to_contain_text("⟦This page tries again")
        nothing_unmarked(phone, "room-full")
    finally:
        for other in others:
            other.close()


def test_a_phone_that_switches_language_keeps_its_answers_and_its_step(room, browser_pages):
    phone, _ = browser_pages(f"{room.kiosk.url}/j/{room.code}", locale="en-US")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    room.goto("scale")
    phone.locator(".scale-row button[data-value='5']").click()
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    phone.locator(".language-switch a[lang=de]").click()
    expect(phone.locator("html")).to_have_attribute("lang", "de")
    expect(phone.locator("body")).to_have_attribute("data-connected", "true")
    # The same phone (its id is a cookie), on the same step, with its answer.
    expect(phone.locator("#step-title")).to_have_text("Comment allez-vous ?")
    expect(phone.locator(".scale-row button.selected")).to_have_attribute("data-value", "5")
    expect(phone.locator("#received")).to_contain_text("⟦Received ✓⟧")
    phone.reload()
    expect(phone.locator("html")).to_have_attribute("lang", "de")  # remembered on this phone
    expect(phone.locator(".scale-row button.selected")).to_have_attribute("data-value", "5")
    nothing_unmarked(phone)


def test_three_phones_in_three_languages_follow_one_session(room, browser_pages):
    url = f"{room.kiosk.url}/j/{room.code}"
    german, _ = browser_pages(url, locale="de-DE")
    english, _ = browser_pages(url, locale="en-US")
    french, _ = browser_pages(url, locale="fr-FR")
    phones = {"de": german, "en": english, "fr": french}
    for language, phone in phones.items():
        expect(phone.locator("html")).to_have_attribute("lang", language)
    for step in ["breathe", "scale", "feelings"]:
        room.goto(step)
        for language, phone in phones.items():
            count = phone.locator("#step-count")
            expect(count).to_have_text(
                f"⟦Step {STEPS.index(step) + 1} of {len(STEPS)}⟧"
                if language == "de"
                else f"Step {STEPS.index(step) + 1} of {len(STEPS)}"  # no French one: English
            )
            if step == "scale":
                phone.locator(".scale-row button[data-value='3']").click()
    for phone in phones.values():
        expect(phone.locator("#prompt-question")).to_have_text("Quels sentiments ?")
        expect(phone.locator("#prompt-question")).to_have_attribute("lang", "fr")
    nothing_unmarked(german)
    room.command("end")
    expect(german.locator("#ended h1")).to_have_text("⟦The session has ended⟧")
    expect(english.locator("#ended h1")).to_have_text("The session has ended")
    expect(french.locator("#ended h1")).to_have_text("The session has ended")
