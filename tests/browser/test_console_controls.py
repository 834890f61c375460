"""The console's buttons as a facilitator clicks them, and what the room sees of each.

One session for the module: every test first goes to the step it needs by the agenda, and
none ends the session or deletes its answers (those are in test_console_ending.py).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_core import extra_phones

WELCOME, BEFORE, SAVOUR, WORD, PICK, AFTER, HUG, BYE = 0, 1, 3, 4, 5, 6, 7, 9


@pytest.fixture(scope="module")
def session(kiosk):
    """One session shared by the module's tests."""
    return kiosk.create_session("tiny")


def go_to(console, index):
    console.locator("#agenda button").nth(index).click()
    expect(console.locator("#agenda button").nth(index)).to_have_attribute("aria-current", "step")


def remaining(page):
    return int(page.locator(".countdown").get_attribute("data-remaining"))


def test_back_and_next_buttons_move_the_room_and_stop_at_the_ends(pages):
    console, phone = pages.console(), pages.phone()
    go_to(console, WELCOME)
    expect(console.get_by_role("button", name="← Back")).to_be_disabled()
    console.get_by_role("button", name="Next →").click()
    expect(phone.locator("#step-title")).to_have_text("How are you?")
    expect(console.locator("#step-count")).to_have_text("Step 2 of 10")
    console.get_by_role("button", name="← Back").click()
    expect(phone.locator("#step-title")).to_have_text("Welcome")
    expect(console.get_by_role("button", name="← Back")).to_be_disabled()
    go_to(console, BYE)
    expect(phone.locator("#step-title")).to_have_text("Goodbye")
    expect(console.locator("#next-up")).to_have_text("This is the last step.")
    expect(console.get_by_role("button", name="Next →")).to_be_disabled()
    console.get_by_role("button", name="← Back").click()
    expect(phone.locator("#step-title")).to_have_text("Reflect")


def test_timer_buttons_start_pause_resume_add_and_reset_the_rooms_countdown(pages):
    console, phone = pages.console(), pages.phone()
    go_to(console, SAVOUR)  # a 30-second countdown
    ring = phone.locator(".countdown")
    expect(ring).to_have_attribute("data-remaining", "30")
    start, pause = (
        console.get_by_role("button", name="Start"),
        console.get_by_role("button", name="Pause"),
    )
    resume, reset = (
        console.get_by_role("button", name="Resume"),
        console.get_by_role("button", name="Reset"),
    )
    expect(pause).to_be_disabled()
    expect(resume).to_be_disabled()
    expect(reset).to_be_disabled()

    start.click()
    expect(ring).to_have_attribute("data-running", "true")
    expect(ring).not_to_have_attribute("data-remaining", "30", timeout=5_000)
    expect(start).to_be_disabled()

    pause.click()
    expect(ring).to_have_attribute("data-running", "false")
    paused_at = remaining(phone)
    phone.wait_for_timeout(1_500)
    assert remaining(phone) == paused_at, "a paused countdown stands still"
    expect(console.locator(".countdown")).to_have_attribute("data-remaining", str(paused_at))
    expect(resume).to_be_enabled()

    resume.click()
    expect(ring).to_have_attribute("data-running", "true")
    expect(ring).not_to_have_attribute("data-remaining", str(paused_at), timeout=5_000)

    before = remaining(phone)
    console.get_by_role("button", name="+30 s").click()
    # More than the step's own 30 seconds can only come from the thirty added.
    phone.wait_for_function(
        "() => Number(document.querySelector('.countdown').dataset.remaining) > 30"
    )
    assert before + 27 <= remaining(phone) <= before + 30, (before, remaining(phone))
    expect(ring).to_have_attribute("data-running", "true")

    reset.click()
    expect(ring).to_have_attribute("data-running", "false")
    expect(ring).to_have_attribute("data-remaining", "30")
    expect(phone.locator(".countdown .digits")).to_have_text("0:30")
    expect(start).to_be_enabled()
    expect(reset).to_be_disabled()
    expect(phone.locator("#step-title")).to_have_text("Savour")


def test_reveal_and_hide_buttons_show_the_results_to_the_room_and_take_them_away(
    pages, kiosk, session
):
    console, screen, phone = pages.console(), pages.screen(), pages.phone()
    go_to(console, PICK)
    phone.get_by_role("button", name="Hug").click()
    expect(phone.locator("#received")).to_contain_text("Received")
    others = extra_phones(kiosk, session, 2)
    for client, option in zip(others, ["Hug", "Breathing"], strict=True):
        ack = client.call(
            "respond", {"prompt_id": "keep", "value": option}, namespace="/participant"
        )
        assert ack["ok"], ack
    expect(console.locator("#answers")).to_have_text("3")
    expect(console.locator("#revealed-flag")).to_contain_text("only you see these")
    expect(screen.locator("#results")).to_be_hidden()

    console.get_by_role("button", name="Reveal results").click()
    expect(console.locator("#revealed-flag")).to_contain_text("shown to the room")
    bars = screen.locator("#results .chart-choices")
    expect(bars).to_be_visible()
    expect(bars).to_have_attribute("aria-label", "Breathing: 1, Hug: 2, Head rub: 0")
    expect(phone.locator("#results .chart-choices")).to_be_visible()
    expect(console.get_by_role("button", name="Reveal results")).to_be_disabled()
    pages.shot(screen, "screen-choice-revealed-1920x1080")

    console.get_by_role("button", name="Hide results").click()
    expect(console.locator("#revealed-flag")).to_contain_text("only you see these")
    expect(screen.locator("#results")).to_be_hidden()
    expect(phone.locator("#results")).to_be_hidden()
    expect(screen.locator("#question-text")).to_have_text("Which will you keep?")
    for client in others:
        client.disconnect()


def test_moderation_hides_one_answer_from_the_room_and_shows_it_again(pages, kiosk, session):
    console, screen, phone = pages.console(), pages.screen(), pages.phone()
    go_to(console, WORD)
    phone.locator("#words").fill("unkind remark")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#received")).to_contain_text("Received")
    # Enough others that the room still sees results with one answer hidden.
    others = extra_phones(kiosk, session, 3)
    for client, text in zip(others, ["sunrise", "tide", "moss"], strict=True):
        ack = client.call(
            "respond", {"prompt_id": "symbol", "value": text}, namespace="/participant"
        )
        assert ack["ok"], ack
    console.get_by_role("button", name="Reveal results").click()
    wall = screen.locator("#results .answer-wall")
    expect(wall).to_contain_text("unkind remark")

    console.get_by_role("button", name="Hide: unkind remark").click()
    expect(wall).not_to_contain_text("unkind remark")
    expect(wall).to_contain_text("sunrise")
    expect(phone.locator("#results")).not_to_contain_text("unkind remark")
    entry = console.locator(".word-entry").filter(has_text="unkind remark")
    expect(entry.locator(".word-status")).to_have_text("hidden")

    console.get_by_role("button", name="Show: unkind remark").click()
    expect(wall).to_contain_text("unkind remark")
    expect(entry.locator(".word-status")).to_have_count(0)
    console.get_by_role("button", name="Hide results").click()
    for client in others:
        client.disconnect()


def test_ask_consent_and_stop_asking_reach_the_phones(pages):
    console, phone = pages.console(), pages.phone()
    go_to(console, AFTER)  # the step before the hug: time to ask
    ask = console.get_by_role("button", name="Ask consent")
    stop = console.get_by_role("button", name="Stop asking")
    expect(stop).to_be_disabled()
    ask.click()
    expect(phone.locator("#consent-question")).to_contain_text("20-second hug")
    expect(ask).to_be_disabled()
    stop.click()
    expect(phone.locator("#consent")).to_be_hidden()
    expect(ask).to_be_enabled()
    expect(stop).to_be_disabled()


def test_the_links_open_the_phone_page_the_projector_and_the_report(pages, session):
    console = pages.console()
    code = session["code"]
    join = console.locator("#join-link")
    expect(join).to_have_text(f"{pages.kiosk.url}/j/{code}")
    phone = pages.popup(console, "phone-from-console", join.click)
    expect(phone.locator("body")).to_have_attribute("data-connected", "true")
    expect(phone.locator(".workshop-title")).to_have_text("Tiny test workshop")

    screen = pages.popup(console, "screen-from-console", console.locator("#screen-link").click)
    expect(screen).to_have_url(f"{pages.kiosk.url}/s/{code}")
    expect(screen.locator("body")).to_have_attribute("data-connected", "true")

    report = pages.popup(
        console, "report-from-console", console.get_by_role("link", name="Open the report").click
    )
    expect(report.locator("body")).to_have_attribute("data-loaded", "true")
    expect(report.locator("#timings")).to_contain_text("1. Welcome")
    assert report.url == f"{pages.kiosk.url}/f/{code}/report", "the token left the address bar"
