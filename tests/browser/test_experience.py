"""The three screens as a room uses them: keys, reconnects, offline answers, motion, a11y."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.conftest import PROJECTOR

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def test_keyboard_shortcuts_drive_the_session(pages):
    console = pages.console()
    phone = pages.phone()
    expect(console.locator(".shortcuts")).to_contain_text("Space")
    console.keyboard.press("ArrowRight")
    expect(phone.locator("#step-title")).to_have_text("How are you?")
    console.keyboard.press("ArrowLeft")
    expect(phone.locator("#step-title")).to_have_text("Welcome")
    console.locator("#agenda button").nth(3).click()  # Savour: a 30-second countdown
    expect(phone.locator(".countdown")).to_have_attribute("data-remaining", "30")
    # The facilitator presses Space once the console itself shows the countdown.
    expect(console.locator(".countdown")).to_have_attribute("data-remaining", "30")
    console.keyboard.press(" ")
    expect(phone.locator(".countdown")).to_have_attribute("data-running", "true")
    expect(console.locator(".countdown")).to_have_attribute("data-running", "true")
    console.keyboard.press(" ")
    expect(phone.locator(".countdown")).to_have_attribute("data-running", "false")
    console.locator("#agenda button").nth(1).click()
    expect(console.locator("#revealed-flag")).to_contain_text("only you see these")
    console.keyboard.press("r")
    expect(console.locator("#revealed-flag")).to_contain_text("shown to the room")
    console.keyboard.press("r")
    expect(console.locator("#revealed-flag")).to_contain_text("only you see these")


def test_a_phone_comes_back_to_the_current_state_without_a_reload(pages):
    console = pages.console()
    page, context = pages.open("", "phone", PHONE)
    page.goto(f"{pages.kiosk.url}/j/{pages.session['code']}")
    expect(page.locator("#step-title")).to_have_text("Welcome")
    page.evaluate("window.__sameDocument = true")
    pages.network_cut = True
    context.set_offline(True)
    expect(page.locator("#notice")).to_have_text("Reconnecting…", timeout=30_000)
    console.keyboard.press("ArrowRight")
    console.keyboard.press("ArrowRight")
    context.set_offline(False)
    expect(page.locator("#step-title")).to_have_text("Breathe together", timeout=30_000)
    expect(page.locator("#notice")).to_be_hidden()
    assert page.evaluate("window.__sameDocument") is True, "no reload happened"


def test_an_answer_given_offline_arrives_when_the_phone_is_back(pages, kiosk, session):
    console = pages.console()
    page, context = pages.open("", "phone", PHONE)
    page.goto(f"{kiosk.url}/j/{session['code']}")
    console.keyboard.press("ArrowRight")
    expect(page.locator("#prompt-question")).to_be_visible()
    pages.network_cut = True
    context.set_offline(True)
    expect(page.locator("#notice")).to_have_text("Reconnecting…", timeout=30_000)
    page.locator(".scale-row button", has_text="5").click()
    expect(page.locator("#received")).to_contain_text("Sending")
    context.set_offline(False)
    expect(page.locator("#received")).to_contain_text("Received", timeout=30_000)
    expect(console.locator("#answers")).to_have_text("1")
    # Reloading shows the phone's own answer again, from the kiosk.
    page.reload()
    expect(page.locator(".scale-row button.selected")).to_have_text("5")


def test_reduced_motion_keeps_the_pacer_still(pages):
    console = pages.console()
    phone = pages.phone(reduced_motion="reduce")
    console.locator("#agenda button").nth(2).click()
    console.get_by_role("button", name="Start").click()
    expect(phone.locator(".pacer")).to_have_attribute("data-phase", "inhale")
    transform = phone.locator(".pacer-dot").evaluate("node => getComputedStyle(node).transform")
    assert transform == "none"
    expect(phone.locator(".pacer-word")).to_have_text("breathe in")
    moving = pages.phone("moving-phone")
    expect(moving.locator(".pacer")).not_to_have_attribute("data-phase", "ready")
    assert (
        moving.locator(".pacer-dot").evaluate("node => getComputedStyle(node).transform") != "none"
    )


def run_axe(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return result


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_and_is_photographed(pages, kiosk, session, scheme):
    # axe is injected as a script, which the pages' CSP forbids; this context bypasses it.
    options = {"bypass_csp": True, "color_scheme": scheme}
    console = pages.console(**options)
    console.keyboard.press("ArrowRight")
    phone = pages.phone(**options)
    screen = pages.screen(**options)
    landing, _ = pages.open("", "landing", PHONE, **options)
    landing.goto(f"{kiosk.url}/")
    report, _ = pages.open("", "report", PROJECTOR, **options)
    report.goto(f"{kiosk.url}/f/{session['code']}/report#{session['facilitator_token']}")
    expect(report.locator("body")).to_have_attribute("data-loaded", "true")
    home, _ = pages.open("", "home", PROJECTOR, **options)
    home.goto(f"{kiosk.url}/home")
    small_console, _ = pages.open("", "console-phone", PHONE, **options)
    small_console.goto(f"{kiosk.url}/f/{session['code']}#{session['facilitator_token']}")
    expect(small_console.locator("#step-title")).to_have_text("How are you?")
    for name, page in [
        ("console", console),
        ("phone", phone),
        ("screen", screen),
        ("landing", landing),
        ("report", report),
        ("home", home),
        ("console-on-phone", small_console),
    ]:
        expect(page.locator("body")).to_be_visible()
        assert run_axe(page) == [], name
        size = page.viewport_size
        pages.shot(page, f"{name}-{scheme}-{size['width']}x{size['height']}")
