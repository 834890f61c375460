"""Phone ids from the kiosk, in real Chromium: a phone is its browser, not an id it makes up."""

import io

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from harness.live import PHONE_COOKIE
from harness.live import LiveServer
from tests.browser.conftest import PHONE
from tests.browser.conftest import Pages
from tests.conftest import TINY


def join_link_from_the_screen(pages) -> str:
    """The join link as a phone's camera reads it off the projector's QR code."""
    screen = pages.screen()
    image = Image.open(io.BytesIO(screen.locator(".lobby-qr img").screenshot()))
    decoded = zxingcpp.read_barcodes(image)
    assert len(decoded) == 1
    return decoded[0].text


def scan(pages, link, name):
    """A new phone (its own browser context) opening the scanned link."""
    page, context = pages.open("", name, PHONE)
    page.goto(link)
    page.wait_for_selector("body[data-connected=true]")
    return page, context


def test_a_phone_joins_by_the_qr_link_answers_reloads_and_sees_its_answer(pages):
    link = join_link_from_the_screen(pages)
    console = pages.console()
    phone, context = scan(pages, link, "phone")
    name = f"{PHONE_COOKIE}_{pages.session['code']}"
    cookies = [c for c in context.cookies() if c["name"] == name]
    assert len(cookies) == 1
    assert cookies[0]["httpOnly"] and cookies[0]["sameSite"] == "Lax" and cookies[0]["path"] == "/"
    assert PHONE_COOKIE not in phone.evaluate("document.cookie"), "no script can read the id"
    assert phone.evaluate("localStorage.getItem('attune.pid')") is None

    console.get_by_role("button", name="Next →").click()
    phone.locator(".scale-row button", has_text="4").click()
    expect(phone.locator("#received")).to_contain_text("Received")
    expect(console.locator("#answers")).to_have_text("1")

    # Nothing is left in the page's own storage: what comes back can only come from the kiosk,
    # which knows this phone by the id in its cookie.
    phone.evaluate("localStorage.clear()")
    phone.reload()
    expect(phone.locator(".scale-row button.selected")).to_have_text("4")
    expect(phone.locator("#received")).to_contain_text("Received")
    assert [c["value"] for c in context.cookies() if c["name"] == name] == [cookies[0]["value"]], (
        "a reload keeps the id"
    )
    pages.shot(phone, "phone-answer-after-reload-390x844")


def test_a_second_browser_is_a_second_phone(pages):
    link = join_link_from_the_screen(pages)
    console = pages.console()
    first, first_context = scan(pages, link, "first-phone")
    second, second_context = scan(pages, link, "second-phone")
    name = f"{PHONE_COOKIE}_{pages.session['code']}"
    ids = [
        next(c["value"] for c in context.cookies() if c["name"] == name)
        for context in (first_context, second_context)
    ]
    assert ids[0] != ids[1]
    expect(console.locator("#participants")).to_have_text("2")

    console.get_by_role("button", name="Next →").click()
    first.locator(".scale-row button", has_text="2").click()
    expect(first.locator("#received")).to_contain_text("Received")
    # The second phone has not answered: nothing of the first phone's shows on it.
    expect(second.locator(".scale-row button.selected")).to_have_count(0)
    second.locator(".scale-row button", has_text="5").click()
    expect(second.locator("#received")).to_contain_text("Received")
    expect(console.locator("#answers")).to_have_text("2")
    second.reload()
    expect(second.locator(".scale-row button.selected")).to_have_text("5")
    pages.shot(second, "phone-second-browser-390x844")


def test_a_browser_that_loses_its_cookie_is_told_what_to_do(pages):
    page = pages.phone("forgetful-phone")
    # The browser drops the kiosk's cookie (site data cleared, cookies blocked), then its
    # connection: it comes back without an id, and the page says what to do.
    page.context.clear_cookies()
    pages.network_cut = True
    page.context.set_offline(True)
    expect(page.locator("body")).to_have_attribute("data-connected", "false")
    page.context.set_offline(False)
    message = page.get_by_text("did not send the phone id the kiosk gave it")
    expect(message).to_be_visible(timeout=30_000)
    expect(message).to_contain_text("reload the page")
    expect(message).to_contain_text("allow cookies for this site")
    pages.shot(page, "phone-no-cookie-390x844")
    # Reloading, as it says, gets a new id and the phone is back in the room.
    page.reload()
    page.wait_for_selector("body[data-connected=true]")
    expect(page.locator("#step-title")).to_have_text("Welcome")
    # One phone id, for this session (the guessing brake's pass may sit beside it).
    phone_ids = [c["name"] for c in page.context.cookies() if c["name"].startswith(PHONE_COOKIE)]
    assert phone_ids == [f"{PHONE_COOKIE}_{pages.session['code']}"]


@pytest.fixture(scope="module")
def one_per_network(tmp_path_factory):
    """A kiosk that lets one phone join from each address (every test phone is 127.0.0.1)."""
    server = LiveServer(
        tmp_path_factory.mktemp("one-per-network") / "kiosk.db",
        workshop=TINY,
        env={"KIOSK_PHONES_PER_ADDRESS": "1"},
    ).start()
    yield server
    server.kill()


def test_a_network_that_had_its_share_of_new_phones_is_told_in_words(chromium, one_per_network):
    session = one_per_network.create_session("tiny")
    pages = Pages(chromium, one_per_network, session)
    try:
        first = pages.phone("first-phone")
        page, _ = pages.open("", "one-too-many", PHONE)
        response = page.goto(f"{one_per_network.url}/j/{session['code']}")
        assert response.status == 429
        expect(page.locator("h1")).to_have_text("Too many new phones from this network")
        text = page.locator("main").inner_text()
        assert "Too many new phones have joined from this network lately" in text
        assert "ask the facilitator" in text and "KIOSK_PHONES_PER_ADDRESS" in text
        pages.shot(page, "phone-network-share-used-390x844")
        # The phone that joined keeps its place through a reload.
        first.reload()
        first.wait_for_selector("body[data-connected=true]")
        expect(first.locator("#step-title")).to_have_text("Welcome")
    finally:
        pages.close()
    # The browser notes the refused page load itself; nothing else may complain.
    assert pages.errors == [
        "one-too-many: Failed to load resource: the server responded with a status of 429 "
        "(TOO MANY REQUESTS)"
    ], pages.errors
