"""Every page in every language, with the real catalogues (#17).

For each language the kiosk speaks, the phone (390x844), the projector (1920x1080) and the
console (1366x768) walk one session of the tiny workshop (a scale, breathing, a countdown,
words, a choice): no sentence of the English catalogue is left on the page, nothing spills
sideways, and in Arabic axe finds nothing serious. Then three phones in three languages follow
one session together.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_experience import run_axe
from tools.i18n import read
from transport.i18n import DEFAULT_LANGUAGE
from transport.i18n import LANGUAGES

CONSOLE = {"width": 1366, "height": 768}
TRANSLATED = [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]


def english_sentences(language: str) -> list[str]:
    """English messages a page in `language` must not show: sentences whose translation differs.

    Short words ("OK", "Start") may be the same in a language; a sentence of several words
    that is still English is a message nobody translated, or a text nobody marked.
    """
    found = []
    for message in read(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            # The part before any placeholder or markup, so that a filled-in message still matches.
            head = english.split("{")[0].split("%(")[0].split("<")[0].strip()
            if len(head.split()) >= 3 and all(head not in s for s in strings):
                found.append(head)
    return sorted(set(found))


def still_english(page, language: str) -> list[str]:
    """English sentences on `page` (outside the workshop's own texts and people's answers)."""
    text = page.evaluate(
        """() => {
          const clone = document.body.cloneNode(true);
          const theirs = '.user-text, [data-user-text], [hidden], script, style';
          for (const el of clone.querySelectorAll(theirs)) el.remove();
          return clone.innerText;
        }"""
    )
    return [sentence for sentence in english_sentences(language) if sentence in text]


def spills_sideways(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
    )


def check(page, language: str, where: str) -> None:
    assert still_english(page, language) == [], f"{language} {where}"
    assert not spills_sideways(page), f"{language} {where}: wider than the window"


@pytest.mark.parametrize("language", TRANSLATED)
def test_phone_screen_and_console_speak_the_language(pages, language):
    # The phone follows its browser; the console and the projector follow the workshop's
    # language (English here) until someone chooses: the console by its switch, the projector
    # by its address.
    # bypass_csp: axe is injected as a script, which the pages' policy forbids.
    phone = pages.phone(locale=language, bypass_csp=True)
    console = pages.console(viewport=CONSOLE, bypass_csp=True)
    console.locator(f".language-switch a[hreflang={language}]").click()
    console.wait_for_url(f"**?lang={language}")
    console.wait_for_selector("body[data-connected=true]")
    screen = pages.screen(bypass_csp=True)
    screen.goto(screen.url.split("?")[0] + f"?lang={language}")
    screen.wait_for_selector("body[data-connected=true]")
    for page in (console, screen, phone):
        assert page.evaluate("document.documentElement.lang") == language
        expected_dir = "rtl" if language == "ar" else "ltr"
        assert page.evaluate("document.documentElement.dir") == expected_dir
    check(phone, language, "phone, waiting")
    check(screen, language, "screen, lobby")
    check(console, language, "console, lobby")

    # The scale, answered on the phone, then revealed.
    console.locator("[data-action=next]").click()
    expect(phone.locator("#prompt")).to_be_visible()
    check(phone, language, "phone, scale")
    phone.locator("#prompt .scale-row button").nth(3).click()
    expect(phone.locator("#prompt .scale-row [aria-pressed='true']")).to_have_count(1)
    check(phone, language, "phone, answered")
    check(console, language, "console, scale")
    if language == "ar":
        for page, name in ((phone, "phone"), (screen, "screen"), (console, "console")):
            assert run_axe(page) == [], f"axe, Arabic {name}"
    # Breathing, then the countdown.
    console.locator("[data-action=next]").click()
    expect(phone.locator(".pacer")).to_be_visible()
    check(phone, language, "phone, breathing")
    check(screen, language, "screen, breathing")
    console.locator("[data-action=next]").click()
    check(screen, language, "screen, countdown")
    check(console, language, "console, countdown")
    pages.shot(phone, f"language-{language}-phone")
    pages.shot(screen, f"language-{language}-screen", full_page=False)
    pages.shot(console, f"language-{language}-console", full_page=False)


def test_three_phones_in_three_languages_follow_one_session(pages):
    phones = {
        language: pages.phone(name=f"phone-{language}", locale=language)
        for language in ("de", "fr", "ar")
    }
    console = pages.console(viewport=CONSOLE)
    console.locator("[data-action=next]").click()
    for language, phone in phones.items():
        expect(phone.locator("#step-title")).to_have_text("How are you?")
        # The workshop's text keeps its own language; the page around it is the phone's.
        assert phone.locator("#step-title").get_attribute("lang") == "en"
        assert phone.evaluate("document.documentElement.lang") == language
        check(phone, language, "phone in a mixed room")
    need = {language: phones[language].locator("#need-moment").inner_text() for language in phones}
    assert len(set(need.values())) == 3, need
