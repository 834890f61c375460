"""A sign-in that ended, as a person meets it in Chromium: the pages say so and what to do."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.live import LiveServer
from tests.browser.conftest import ARTIFACTS
from tests.browser.conftest import PHONE
from tests.conftest import TINY
from tests.process.test_secrets import ADMIN_KEY_LINE
from tests.process.test_secrets import last_banner
from tests.process.test_secrets import new_admin_key

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def own_key_kiosk(tmp_path):
    """A kiosk that made its own admin key, as `make run` does on a first start."""
    server = LiveServer(tmp_path / "kiosk.db", workshop=TINY, env={"KIOSK_ADMIN_KEY": ""})
    server.start()
    yield server
    server.kill()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_after_a_new_admin_key_the_home_and_console_ask_to_sign_in_again(chromium, own_key_kiosk):
    kiosk = own_key_kiosk
    key = ADMIN_KEY_LINE.search(last_banner(kiosk)).group(1).strip()
    context = chromium.new_context(viewport=LAPTOP)
    errors = []
    home = context.new_page()
    home.on("pageerror", lambda error: errors.append(str(error)))
    home.goto(f"{kiosk.url}/home")
    expect(home.get_by_text("It was printed once in the terminal when it was made")).to_be_visible()
    home.get_by_label("Admin key").fill(key)
    home.get_by_role("button", name="Open the home page").click()
    expect(home.get_by_role("heading", name="Workshops")).to_be_visible()
    tiny = home.locator("li.workshop").filter(
        has=home.get_by_role("heading", name="Tiny test workshop")
    )
    tiny.get_by_role("button", name="Start a session").click()
    expect(home).to_have_url(re.compile(r"/f/[A-Z0-9]{6}$"))
    code = home.url.rsplit("/", 1)[1]
    # A console opened from the home's list rides on the sign-in alone.
    console = context.new_page()
    console.on("pageerror", lambda error: errors.append(str(error)))
    console.goto(f"{kiosk.url}/f/{code}")
    expect(console.locator("body")).to_have_attribute("data-connected", "true")

    new_admin_key(kiosk.db)  # the operator makes a new key in a terminal

    console.reload()
    notice = console.locator("#notice")
    expect(notice).to_contain_text(
        "your sign-in on this browser has ended: sign in again on the kiosk's /home page"
    )
    expect(console.locator("body")).to_have_attribute("data-connected", "false")
    shot(console, "sign-in-ended-console-1366x768")
    home.goto(f"{kiosk.url}/home")
    expect(home.get_by_role("status")).to_have_text(
        "Your sign-in on this browser has ended: 12 hours passed, the admin key was changed, "
        "or it was signed out elsewhere. Enter the admin key again."
    )
    expect(home.get_by_label("Admin key")).to_be_visible()
    shot(home, "sign-in-ended-home-1366x768")
    # The home page let go of the dead cookie: the console now says how it opens at all.
    console.reload()
    expect(notice).to_contain_text("this console opens with its full link")
    # The old key no longer opens the home page.
    home.get_by_label("Admin key").fill(key)
    home.get_by_role("button", name="Open the home page").click()
    expect(home.get_by_role("alert")).to_contain_text("That is not the admin key")
    context.close()

    phone = chromium.new_context(viewport=PHONE)
    small = phone.new_page()
    small.goto(f"{kiosk.url}/home")
    expect(small.get_by_label("Admin key")).to_be_visible()
    shot(small, "home-login-390x844")
    phone.close()
    assert errors == []


def test_a_kiosk_without_a_key_says_how_to_make_one(chromium, tmp_path):
    server = LiveServer(
        tmp_path / "nokey.db", workshop=TINY, env={"KIOSK_ADMIN_KEY": ""}, args=["--no-secrets"]
    )
    server.start()
    try:
        context = chromium.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(f"{server.url}/home")
        expect(page.get_by_role("alert")).to_contain_text("This kiosk has no admin key yet")
        expect(page.get_by_role("alert")).to_contain_text("python app.py --new-admin-key")
        shot(page, "home-no-key-390x844")
        # Made in a terminal while the kiosk runs: it works at once, no restart.
        key = new_admin_key(server.db)
        page.reload()
        page.get_by_label("Admin key").fill(key)
        page.get_by_role("button", name="Open the home page").click()
        expect(page.get_by_role("heading", name="Workshops")).to_be_visible()
        context.close()
    finally:
        server.kill()
