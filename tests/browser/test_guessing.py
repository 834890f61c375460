"""The guessing brake as a phone sees it: told in words, then in by itself, never locked out.

A kiosk of its own with a short brake (KIOSK_GUESS_LIMIT=3, KIOSK_GUESS_WINDOW=15: three wrong
codes at once, then one more every 5 s), so that waiting for it takes seconds. The wrong codes
come from the test over HTTP, from 127.0.0.1 like the browser: someone guessing on the same
network.
"""

import re

import pytest
import requests
from playwright.sync_api import expect

from harness.live import ADMIN_KEY
from harness.live import LiveServer
from tests.browser.conftest import PHONE
from tests.browser.conftest import PROJECTOR
from tests.browser.conftest import Pages
from tests.conftest import TINY

LAPTOP = {"width": 1366, "height": 768}

SPENT = "Too many wrong join codes were tried from your network just now"


@pytest.fixture
def braked_kiosk(tmp_path):
    # One per test: each starts with its address's budget untouched.
    server = LiveServer(
        tmp_path / "kiosk.db",
        workshop=TINY,
        env={"KIOSK_GUESS_LIMIT": "3", "KIOSK_GUESS_WINDOW": "15"},
    ).start()
    yield server
    server.kill()


@pytest.fixture
def braked_pages(chromium, braked_kiosk):
    opened = Pages(chromium, braked_kiosk, braked_kiosk.create_session("tiny"))
    yield opened
    opened.close()
    assert opened.errors == [], "no console errors, page errors or dialogs on any page"


def guess_wrong(kiosk, times=4):
    for i in range(times):
        requests.get(f"{kiosk.url}/j/WRNG2{'ABCDEFGH'[i % 8]}", timeout=10)


def test_a_phone_refused_by_the_brake_says_so_and_gets_in_without_a_reload(braked_pages):
    phone = braked_pages.phone()
    expect(phone.locator("#step-title")).to_have_text("Welcome")
    # Its pass has expired (a day) while its phone id (a month) has not: a phone back for the
    # second day of a workshop. To the brake it is a newcomer again.
    phone.context.clear_cookies(name=f"attune_pass_{braked_pages.session['code']}")
    phone.evaluate("() => { window.sameDocument = true; }")
    braked_pages.network_cut = True
    phone.context.set_offline(True)
    expect(phone.locator("#notice")).to_have_text("Reconnecting…")
    guess_wrong(braked_pages.kiosk)
    phone.context.set_offline(False)

    notice = phone.locator("#notice")
    expect(notice).to_contain_text(SPENT)
    expect(notice).to_contain_text("This page tries again by itself in")
    expect(phone.locator("#step-title")).to_have_text("Welcome")  # the room stays on screen
    assert phone.locator("body").get_attribute("data-connected") == "false"
    braked_pages.shot(phone, "phone-brake-refused-390x844")

    # Nobody guesses any more: the page's own retry (5-10 s after the refusal) gets in.
    phone.wait_for_selector("body[data-connected=true]", timeout=20_000)
    expect(notice).to_be_hidden()
    assert phone.evaluate("() => window.sameDocument === true"), "no reload"
    braked_pages.shot(phone, "phone-brake-back-in-390x844")


def test_a_newcomer_on_a_guessing_network_is_told_so_and_the_page_gets_in_by_itself(
    braked_pages,
):
    kiosk, code = braked_pages.kiosk, braked_pages.session["code"]
    guess_wrong(kiosk)
    phone, _ = braked_pages.open("", "newcomer", PHONE)
    # The refused page load is the one error the browser reports; nothing else may fail.
    refusals = []
    phone.on("response", lambda r: r.status == 429 and refusals.append(r.url))
    phone.goto(f"{kiosk.url}/j/{code}")
    expect(phone.get_by_role("heading")).to_have_text("Wait a moment")
    expect(phone.locator("main")).to_contain_text(SPENT)
    retry = re.compile(r"This page tries again by itself in [1-5] seconds: keep it open\.")
    expect(phone.locator("main")).to_contain_text(retry)
    braked_pages.shot(phone, "phone-brake-first-visit-390x844")

    phone.wait_for_selector("body[data-connected=true]", timeout=20_000)
    expect(phone.locator("#step-title")).to_have_text("Welcome")
    assert refusals == [f"{kiosk.url}/j/{code}"]
    braked_pages.errors.remove(
        "newcomer: Failed to load resource: the server responded with a status of 429 "
        "(TOO MANY REQUESTS)"
    )


def test_the_code_of_an_ended_session_shows_a_goodbye_and_opens_no_connection(braked_pages):
    console = braked_pages.console()
    braked_pages.expect_dialog("console")
    console.get_by_role("button", name="End session…").click()
    expect(console.locator("#ended-panel")).to_be_visible()
    expect(console.locator("#ended-heading")).to_have_text("This session has ended")

    late, _ = braked_pages.open("", "late", PHONE)
    sockets = []
    late.on("request", lambda r: "/socket.io" in r.url and sockets.append(r.url))
    late.goto(f"{braked_pages.kiosk.url}/?code={braked_pages.session['code'].lower()}")
    expect(late.get_by_role("heading")).to_have_text("This session has ended")
    expect(late.locator("main")).to_contain_text("Thank you for taking part")
    braked_pages.shot(late, "phone-ended-code-390x844")
    assert sockets == []
    # A projector that reloads its page after the end (not signed in on the home) says so too.
    projector, _ = braked_pages.open("", "projector", PROJECTOR)
    projector.goto(f"{braked_pages.kiosk.url}/s/{braked_pages.session['code']}")
    expect(projector.get_by_role("heading")).to_have_text("This session has ended")
    braked_pages.shot(projector, "screen-ended-code-1920x1080")
    for name in ("late", "projector"):
        braked_pages.errors.remove(
            f"{name}: Failed to load resource: the server responded with a status of 410 (GONE)"
        )


def test_wrong_admin_keys_ask_to_wait_and_the_right_key_then_signs_in(braked_pages):
    home, _ = braked_pages.open("", "home", LAPTOP)
    home.goto(f"{braked_pages.kiosk.url}/home")
    for typed in ("not-it-1", "not-it-2", "not-it-3", ADMIN_KEY):
        home.get_by_label("Admin key").fill(typed)
        home.get_by_role("button", name="Open the home page").click()
    alert = home.get_by_role("alert")
    expect(alert).to_contain_text("Too many wrong admin keys were tried from your network just now")
    expect(alert).to_contain_text(re.compile(r"Wait [1-5] seconds? and try again\."))
    braked_pages.shot(home, "home-brake-wait-1366x768")

    home.wait_for_timeout(5_000)
    home.get_by_label("Admin key").fill(ADMIN_KEY)
    home.get_by_role("button", name="Open the home page").click()
    expect(home.get_by_role("heading", name="Workshops")).to_be_visible()
    statuses = [e for e in braked_pages.errors if "401" in e or "429" in e]
    assert len(statuses) == 4, braked_pages.errors
    for error in statuses:
        braked_pages.errors.remove(error)


def test_typing_wrong_codes_on_the_landing_page_asks_to_wait_then_the_right_one_joins(
    braked_pages,
):
    kiosk, code = braked_pages.kiosk, braked_pages.session["code"]
    page, _ = braked_pages.open("", "landing", PHONE)
    page.goto(f"{kiosk.url}/")
    for typed in ("WRNG2A", "WRNG2B", "WRNG2C"):
        page.get_by_label("Join code").fill(typed)
        page.get_by_role("button", name="Join").click()
        expect(page.locator("#code-error")).to_contain_text(f"Unknown code “{typed}”")
    page.get_by_label("Join code").fill(code)
    page.get_by_role("button", name="Join").click()
    wait = page.locator("#code-wait")
    expect(wait).to_contain_text(SPENT)
    expect(wait).to_contain_text(re.compile(r"Wait [1-5] seconds?, then press Join again\."))
    expect(page.get_by_label("Join code")).to_have_value(code)
    braked_pages.shot(page, "landing-brake-wait-390x844")

    page.wait_for_timeout(5_000)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#step-title")).to_have_text("Welcome")
    statuses = [e for e in braked_pages.errors if "404" in e or "429" in e]
    assert len(statuses) == 4, braked_pages.errors
    for error in statuses:
        braked_pages.errors.remove(error)
