"""The core of a session in real Chromium: console, projector and phones in one room."""

import datetime
import io
import re

import requests
import socketio
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from harness.live import phone_cookie
from tests.browser.conftest import PROJECTOR

SAVOUR = 3  # a plain 30-second countdown that moves on by itself


def skewed(hours):
    def install(page):
        page.clock.install(time=datetime.datetime.now() + datetime.timedelta(hours=hours))

    return install


def extra_phones(kiosk, session, n):
    """Phones that answer through python-socketio, to reach the privacy threshold.

    Each opens its phone page first for the id the kiosk issues, as a browser does.
    """
    clients = []
    for _ in range(n):
        client = socketio.Client()
        client.connect(
            kiosk.url,
            namespaces=["/participant"],
            auth={"code": session["code"]},
            headers={"Cookie": phone_cookie(kiosk.url, session["code"])},
            transports=["websocket"],
        )
        clients.append(client)
    return clients


def test_the_console_moves_two_phones_and_the_screen(pages):
    console, screen = pages.console(), pages.screen()
    phones = [pages.phone("phone-a"), pages.phone("phone-b")]
    expect(screen.locator("#lobby")).to_be_visible()
    expect(screen.locator(".join-code")).to_have_text(pages.session["code"])
    expect(screen.locator("#participants")).to_have_text("2")
    pages.shot(screen, "screen-lobby-1920x1080")
    console.get_by_role("button", name="Next →").click()
    for page in [*phones, screen]:
        expect(page.locator("#step-title")).to_have_text("How are you?")
    expect(phones[0].locator("#step-count")).to_have_text("Step 2 of 10")
    console.keyboard.press("ArrowRight")
    for page in phones:
        expect(page.locator("#step-title")).to_have_text("Breathe together")


def test_phones_an_hour_fast_and_slow_show_the_same_second_and_breath(pages):
    console = pages.console()
    fast = pages.phone("phone-fast", before=skewed(+1))
    slow = pages.phone("phone-slow", before=skewed(-1))
    offsets = [
        int(p.evaluate("document.documentElement.dataset.clockOffset || 0")) for p in (fast, slow)
    ]
    console.locator("#agenda button").nth(2).click()  # the breathing step: a pacer and a timer
    for page in (fast, slow):
        expect(page.locator("#step-title")).to_have_text("Breathe together")
    console.get_by_role("button", name="Start").click()
    for page in (fast, slow):
        expect(page.locator(".countdown")).to_have_attribute("data-running", "true")
    for _ in range(5):
        # Read both phones within one script turn each; they must agree to the second.
        a = fast.evaluate("document.querySelector('.countdown').dataset.remaining")
        b = slow.evaluate("document.querySelector('.countdown').dataset.remaining")
        assert abs(int(a) - int(b)) <= 1, (a, b)
        phase_a = fast.locator(".pacer").get_attribute("data-phase")
        phase_b = slow.locator(".pacer").get_attribute("data-phase")
        assert phase_a in ("inhale", "hold", "exhale") and phase_b in ("inhale", "hold", "exhale")
        fast.wait_for_timeout(700)
    assert abs(int(a) - 36) <= 8, "the countdown counts down from 0:36, not an hour off"
    fast_offset = int(fast.evaluate("document.documentElement.dataset.clockOffset"))
    slow_offset = int(slow.evaluate("document.documentElement.dataset.clockOffset"))
    assert abs(fast_offset + 3_600_000) < 5_000 and abs(slow_offset - 3_600_000) < 5_000, offsets
    # The same phase at the same moment: sample both at the start of an inhale.
    expect(fast.locator(".pacer")).to_have_attribute("data-phase", "exhale", timeout=15_000)
    assert slow.locator(".pacer").get_attribute("data-phase") in ("exhale", "hold")
    pages.shot(fast, "phone-pacer-390x844")


def test_a_phone_syncs_its_clock_with_answers_sent_as_soon_as_its_pings_are_read(pages, kiosk):
    def answered_where_read():
        return requests.get(f"{kiosk.url}/healthz", timeout=10).json()["clock_pings"]["direct"]

    before = answered_where_read()
    phone = pages.phone("phone-synced")
    # Set once the page's round trips are in (a polling predicate would need eval, which the
    # CSP forbids).
    expect(phone.locator("html")).to_have_attribute("data-clock-offset", re.compile(r"^-?\d+$"))
    assert answered_where_read() > before, "the page's pings went the slow way"
    # Same machine, same clock: the page's estimate of the offset is about zero.
    offset = int(phone.evaluate("document.documentElement.dataset.clockOffset"))
    assert abs(offset) <= 50, offset


def remaining(page):
    return int(page.locator(".countdown").get_attribute("data-remaining"))


def test_phones_an_hour_apart_count_down_the_savour_step_together(pages):
    console = pages.console(viewport=PROJECTOR)
    screen = pages.screen()
    fast = pages.phone("phone-fast", before=skewed(+1))
    slow = pages.phone("phone-slow", before=skewed(-1))
    console.locator("#agenda button").nth(SAVOUR).click()
    for page in (fast, slow, screen):
        expect(page.locator(".countdown")).to_have_attribute("data-remaining", "30")
    expect(fast.locator(".countdown .digits")).to_have_text("0:30")
    console.get_by_role("button", name="Start").click()
    for page in (fast, slow):
        expect(page.locator(".countdown")).to_have_attribute("data-running", "true")
    # Time flows on both skewed clocks: each phone gets below 0:30 by itself.
    for page in (fast, slow):
        expect(page.locator(".countdown")).not_to_have_attribute(
            "data-remaining", "30", timeout=10_000
        )
    for _ in range(4):
        a, b = remaining(fast), remaining(slow)
        assert abs(a - b) <= 1, (a, b)
        assert 0 < a <= 30 and 0 < b <= 30, (a, b)
        fast.wait_for_timeout(400)
    digits = fast.locator(".countdown .digits").inner_text()
    assert digits.startswith("0:") and len(digits) == 4, digits
    pages.shot(fast, "phone-countdown-390x844")
    pages.shot(screen, "screen-countdown-1920x1080")
    pages.shot(console, "console-countdown-1920x1080")


def test_an_answer_shows_on_the_screen_only_once_revealed(pages, kiosk, session):
    console, screen = pages.console(), pages.screen()
    phone = pages.phone()
    console.get_by_role("button", name="Next →").click()
    phone.get_by_role("button", name="4, Calm").or_(
        phone.locator(".scale-row button", has_text="4")
    ).first.click()
    expect(phone.locator("#received")).to_contain_text("Received")
    others = extra_phones(kiosk, session, 2)
    for i, client in enumerate(others):
        assert client.call(
            "respond", {"prompt_id": "mood-before", "value": 2 + i}, namespace="/participant"
        )["ok"]
    expect(console.locator("#answers")).to_have_text("3")
    expect(screen.locator("#results")).to_be_hidden()
    console.keyboard.press("r")
    expect(screen.locator("#results .chart-histogram")).to_be_visible()
    expect(screen.locator("#results .results-count")).to_have_text("3 answers")
    expect(phone.locator("#results .chart-histogram")).to_be_visible()
    pages.shot(screen, "screen-results-1920x1080")
    pages.shot(console, "console-results-1440x900")
    pages.shot(phone, "phone-results-390x844")
    for client in others:
        client.disconnect()


def test_the_qr_code_is_a_real_code_of_the_join_link(pages, kiosk, session):
    screen = pages.screen()
    image = Image.open(io.BytesIO(screen.locator(".lobby-qr img").screenshot()))
    decoded = zxingcpp.read_barcodes(image)
    assert [d.text for d in decoded] == [f"{kiosk.url}/j/{session['code']}"]
