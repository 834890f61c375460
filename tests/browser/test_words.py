"""A words answer on a phone: characters counted as a person sees them, and a limit in words."""

from playwright.sync_api import expect

from workshop.results import characters
from workshop.results import clean_words

WORD_STEP = 4
LIMIT = 100  # the `symbol` prompt of tests/fixtures/tiny.yaml
EMOJI = "🤗💞 hugs 👨‍👩‍👧"
SCRIPTS = ("🇫🇷🇩🇪 👍🏽", "e\u0301te\u0301", "नमस्ते दुनिया", "한국어", "ข้าว", "  two\n\nlines  ")


def open_words(pages):
    console = pages.console()
    phone = pages.phone()
    console.locator("#agenda button").nth(WORD_STEP).click()
    expect(phone.locator("#words")).to_be_visible()
    return console, phone


def test_the_counter_counts_an_emoji_as_one_character(pages):
    _, phone = open_words(pages)
    words = phone.locator("#words")
    words.press_sequentially(EMOJI)
    expect(phone.locator("#words-count")).to_have_text(f"9 / {LIMIT}")
    pages.shot(phone, "phone-words-emoji-390x844")
    # The phone and the kiosk count alike (Intl.Segmenter and `regex` \X), script by script.
    for text in SCRIPTS:
        words.fill(text)
        counted = characters(clean_words(text))
        expect(phone.locator("#words-count")).to_have_text(f"{counted} / {LIMIT}")
    words.fill("")
    phone.get_by_role("button", name="Send").click()  # nothing typed: nothing sent
    expect(phone.locator("#received")).to_be_empty()
    words.press_sequentially(EMOJI)
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    assert pages.errors == []


def test_typing_past_the_limit_says_so_and_send_explains(pages):
    console, phone = open_words(pages)
    words = phone.locator("#words")
    words.press_sequentially("a" * (LIMIT - 1))
    expect(phone.locator("#words-limit")).to_be_empty()
    words.press_sequentially("🌱")
    expect(phone.locator("#words-count")).to_have_text(f"{LIMIT} / {LIMIT}")
    expect(phone.locator("#words-limit")).to_have_text("— that's the limit")
    pages.shot(phone, "phone-words-at-limit-390x844")
    words.press_sequentially("!!")  # typing is not stopped
    expect(words).to_have_value("a" * (LIMIT - 1) + "🌱!!")
    expect(phone.locator("#words-count")).to_have_text(f"{LIMIT + 2} / {LIMIT}")
    expect(phone.locator("#words-limit")).to_have_text("— 2 over the limit")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#received")).to_have_text(
        f"Your answer is {LIMIT + 2} characters long and the limit is {LIMIT}:"
        " please shorten it by 2 characters and send it again."
    )
    expect(words).to_be_focused()
    pages.shot(phone, "phone-words-over-limit-390x844")
    expect(console.locator("#answers")).to_have_text("0")  # nothing was sent
    words.press("Backspace")
    words.press("Backspace")
    expect(phone.locator("#received")).to_be_empty()  # shortened: the warning goes
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    expect(console.locator("#answers")).to_have_text("1")
    assert pages.errors == []
