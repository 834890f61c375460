"""Hostile text from participants is shown literally on every page, in real Chromium."""

from playwright.sync_api import expect

from tests.browser.test_core import extra_phones

HOSTILE = [
    "<img src=x onerror=alert(1)><script>alert(2)</script>",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "javascript:alert(3)",
    "\u202egnp.exe",  # a right-to-left override
    "שלום עולם 🌱",
    "x" * 100,
]
WORD_STEP = 4


def test_hostile_words_stay_text_on_console_screen_phone_and_report(pages, kiosk, session):
    console, screen = pages.console(), pages.screen()
    phone = pages.phone()
    console.locator("#agenda button").nth(WORD_STEP).click()
    expect(phone.locator("#words")).to_be_visible()
    phone.locator("#words").fill(HOSTILE[0])
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#received")).to_contain_text("Received")
    others = extra_phones(kiosk, session, len(HOSTILE) - 1)
    for text, client in zip(HOSTILE[1:], others, strict=True):
        assert client.call(
            "respond", {"prompt_id": "symbol", "value": text}, namespace="/participant"
        )["ok"]
    expect(console.locator("#answers")).to_have_text(str(len(HOSTILE)))
    console.keyboard.press("r")
    expect(screen.locator(".word-cloud")).to_be_visible()
    for page in (console, screen, phone):
        expect(page.locator("#results")).to_be_visible()
        assert page.locator("#results img, #results script, #results a").count() == 0
    console_texts = console.locator(".word-text").all_text_contents()
    for text in HOSTILE:
        assert text in console_texts
    # The screen and the phones show each answer as typed, as text.
    expect(screen.locator(".answer-wall .answer").first).to_be_visible()
    for page in (screen, phone):
        shown = page.locator("#results .answer-wall .answer").all_text_contents()
        for text in HOSTILE:
            assert text in shown, (text, shown)
    expect(screen.get_by_text(HOSTILE[0], exact=True)).to_be_visible()
    report, _ = pages.open("", "report", {"width": 1100, "height": 900})
    report.goto(f"{kiosk.url}/f/{session['code']}/report#{session['facilitator_token']}")
    expect(report.locator("body")).to_have_attribute("data-loaded", "true")
    report_texts = report.locator(".word-text").all_text_contents()
    for text in HOSTILE:
        assert text in report_texts
    assert report.locator("main img, main script").count() == 0
    assert report.url.endswith("/report"), "the token left the address bar"
    pages.shot(screen, "screen-hostile-words-1920x1080")
    pages.shot(report, "report-hostile-1100")
    for client in others:
        client.disconnect()
