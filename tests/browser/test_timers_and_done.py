"""Countdowns that say when they wait or pause, a pacer that follows extra time, 0:00 that
stays 0:00, and "I'm done" that belongs to its own step: on console, screen and phones."""

import re

import pytest
from playwright.sync_api import expect

from harness.live import LiveServer
from tests.conftest import FIXTURES

ARRIVE, SETTLE, QUIET, QUICK_BREATHS, LISTEN, BYE = range(6)
LAPTOP_1366 = {"width": 1366, "height": 768}
LAPTOP_1280 = {"width": 1280, "height": 720}
WAITING = "Waiting for the facilitator to start"


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    server = LiveServer(
        tmp_path_factory.mktemp("timers") / "kiosk.db", workshop=FIXTURES / "flow.yaml"
    ).start()
    yield server
    server.kill()


@pytest.fixture
def session(kiosk):
    return kiosk.create_session("flow")


def go_to(console, index):
    console.locator("#agenda button").nth(index).click()
    expect(console.locator("#agenda li").nth(index)).to_have_class("current")


def test_a_countdown_says_in_words_when_it_waits_and_when_it_is_paused(pages):
    console = pages.console(viewport=LAPTOP_1366)
    screen = pages.screen()
    phone = pages.phone()
    go_to(console, QUIET)
    for page in (phone, screen):
        expect(page.locator(".timer-state")).to_have_text(WAITING)
        expect(page.locator(".countdown")).to_have_attribute("data-state", "ready")
    expect(console.locator(".timer-state")).to_have_text("Ready: press Start (or Space)")
    # Before Start the ring is not drawn full, as if it were running: only its grey track.
    stroke = phone.locator(".countdown .progress").evaluate("node => getComputedStyle(node).stroke")
    assert stroke == "rgba(0, 0, 0, 0)", stroke
    pages.shot(phone, "phone-countdown-waiting-390x844")
    pages.shot(screen, "screen-countdown-waiting-1920x1080")

    console.get_by_role("button", name="Start").click()
    for page in (phone, screen, console):
        expect(page.locator(".countdown")).to_have_attribute("data-state", "running")
        expect(page.locator(".timer-state")).to_be_hidden()
    expect(phone.locator(".countdown .digits")).to_have_text("0:44", timeout=5_000)
    console.get_by_role("button", name="Pause").click()
    for page in (phone, screen, console):
        expect(page.locator(".timer-state")).to_have_text("Paused")
        expect(page.locator(".countdown")).to_have_attribute("data-state", "paused")
    frozen = phone.locator(".countdown .digits").inner_text()
    phone.wait_for_timeout(1_500)
    assert phone.locator(".countdown .digits").inner_text() == frozen, "a paused ring stands still"
    pages.shot(phone, "phone-countdown-paused-390x844")
    pages.shot(screen, "screen-countdown-paused-1920x1080")
    pages.shot(console, "console-countdown-paused-1366x768")
    console.get_by_role("button", name="Resume").click()
    expect(phone.locator(".timer-state")).to_be_hidden()
    expect(phone.locator(".countdown")).to_have_attribute("data-state", "running")


def test_a_paused_pacer_says_paused_and_holds_still(pages):
    console = pages.console(viewport=LAPTOP_1280)
    screen = pages.screen()
    phone = pages.phone()
    go_to(console, QUICK_BREATHS)
    expect(phone.locator(".timer-state")).to_have_text(WAITING)
    console.get_by_role("button", name="+30 s").click()  # a long enough pacer to pause calmly
    console.get_by_role("button", name="Start").click()
    expect(phone.locator(".pacer")).not_to_have_attribute("data-phase", "ready")
    console.get_by_role("button", name="Pause").click()
    for page in (phone, screen):
        expect(page.locator(".pacer-word")).to_have_text("paused")
        expect(page.locator(".pacer")).to_have_attribute("data-state", "paused")
        expect(page.locator(".countdown")).to_have_attribute("data-state", "paused")
    pages.shot(screen, "screen-pacer-paused-1920x1080")
    pages.shot(phone, "phone-pacer-paused-390x844")


def test_extra_time_on_a_breathing_step_is_more_breathing(pages):
    console = pages.console(viewport=LAPTOP_1366)
    screen = pages.screen()
    phone = pages.phone()
    go_to(console, QUICK_BREATHS)  # two cycles of 1 s in, 1 s out
    console.get_by_role("button", name="Start").click()
    console.get_by_role("button", name="+30 s").click()
    # Well past the written two cycles, with the countdown still running: still breathing.
    expect(phone.locator(".countdown")).to_have_attribute(
        "data-remaining", re.compile(r"^(2[0-7]|1\d)$"), timeout=15_000
    )
    for page in (phone, screen):
        expect(page.locator(".pacer")).to_have_attribute("data-phase", re.compile("inhale|exhale"))
        expect(page.locator(".pacer-word")).to_have_text(re.compile("breathe (in|out)"))
    pages.shot(screen, "screen-pacer-after-extra-time-1920x1080")


def test_at_zero_start_and_space_both_leave_the_countdown_ended_until_reset(pages):
    console = pages.console(viewport=LAPTOP_1366)
    phone = pages.phone()
    go_to(console, QUICK_BREATHS)
    console.keyboard.press(" ")  # Space starts a countdown that waits
    expect(phone.locator(".countdown")).to_have_attribute("data-state", "running")
    expect(phone.locator(".countdown")).to_have_attribute("data-state", "finished", timeout=10_000)
    expect(console.get_by_role("button", name="Start")).to_be_disabled()
    expect(console.get_by_role("button", name="Pause")).to_be_disabled()
    console.keyboard.press(" ")
    expect(console.locator("#status")).to_have_text(
        "The countdown has ended: Reset runs it again, +30 s adds time."
    )
    for _ in range(6):  # for a second and a half, nothing restarts anywhere
        phone.wait_for_timeout(250)
        assert phone.locator(".countdown").get_attribute("data-remaining") == "0"
        assert console.locator(".countdown").get_attribute("data-state") == "finished"
    console.get_by_role("button", name="Reset").click()
    expect(phone.locator(".timer-state")).to_have_text(WAITING)
    expect(console.get_by_role("button", name="Start")).to_be_enabled()
    console.keyboard.press(" ")
    expect(phone.locator(".countdown")).to_have_attribute("data-state", "running")


def test_done_belongs_to_its_step_on_the_phone_and_the_console(pages):
    console = pages.console(viewport=LAPTOP_1366)
    phone, other = pages.phone(), pages.phone("other-phone")
    done = phone.locator("#done")
    go_to(console, SETTLE)
    expect(console.locator("#care")).to_contain_text("0 of 2 done")
    done.click()
    expect(done).to_have_text("Done ✓ (tap to undo)")
    expect(console.locator("#care")).to_contain_text("1 of 2 done")
    go_to(console, LISTEN)  # the next step that asks
    expect(phone.locator("#step-title")).to_have_text("Listen")
    expect(done).to_have_text("I'm done")
    expect(done).to_have_attribute("aria-pressed", "false")
    expect(console.locator("#care")).to_contain_text("0 of 2 done")
    pages.shot(phone, "phone-done-next-step-390x844")
    done.click()  # the first tap here says done, not undone
    expect(done).to_have_text("Done ✓ (tap to undo)")
    expect(console.locator("#care")).to_contain_text("1 of 2 done")
    go_to(console, SETTLE)
    expect(phone.locator("#step-title")).to_have_text("Settle")
    expect(done).to_have_text("Done ✓ (tap to undo)")
    phone.reload()
    expect(phone.locator("#done")).to_have_text("Done ✓ (tap to undo)")
    go_to(console, LISTEN)
    expect(other.locator("#done")).to_have_text("I'm done")
    expect(console.locator("#care")).to_contain_text("1 of 2 done")
