"""The facilitator home as a person uses it in Chromium: sign in, start a session, sign out."""

import re
import sqlite3

from playwright.sync_api import expect

from harness.live import ADMIN_KEY
from harness.live import free_port

LAPTOP = {"width": 1366, "height": 768}


def stored_retention(kiosk, code):
    """The retention the kiosk stored for a session (it is shown on no page)."""
    with sqlite3.connect(kiosk.db) as db:
        return db.execute("SELECT retention_days FROM sessions WHERE code = ?", (code,)).fetchone()[
            0
        ]


def test_sign_in_start_a_session_drive_it_and_sign_out(pages, kiosk):
    home, context = pages.open("", "home", LAPTOP)
    home.goto(f"{kiosk.url}/home")
    expect(home.get_by_role("heading", name="Facilitator home")).to_be_visible()

    # A wrong key: the page says so in words and asks again.
    home.get_by_label("Admin key").fill("not-the-key")
    home.get_by_role("button", name="Open the home page").click()
    expect(home.get_by_role("alert")).to_have_text(
        "That is not the admin key. Check it against the one you saved, and try again."
    )
    # The kiosk answers a wrong key with 401, which Chromium reports on the console: once.
    refused = [e for e in pages.errors if "401" in e]
    assert len(refused) == 1, pages.errors
    pages.errors.remove(refused[0])

    # The right key, typed and sent with the button.
    home.get_by_label("Admin key").fill(ADMIN_KEY)
    home.get_by_role("button", name="Open the home page").click()
    expect(home).to_have_url(f"{kiosk.url}/home")
    expect(home.get_by_role("heading", name="Workshops")).to_be_visible()
    expect(home.get_by_role("heading", name="Sessions")).to_be_visible()
    tiny = home.locator("li.workshop").filter(
        has=home.get_by_role("heading", name="Tiny test workshop")
    )
    expect(tiny).to_contain_text("10 steps")
    tiny.get_by_text("Steps", exact=True).click()  # the <details> of the workshop's steps
    expect(tiny.locator(".step-list")).to_contain_text("Breathe together")
    pages.shot(home, "home-signed-in-1366x768")

    # Start a session by clicking, keeping answers for a week.
    tiny.get_by_label("Keep answers for").fill("7")
    tiny.get_by_role("button", name="Start a session").click()
    expect(home).to_have_url(re.compile(rf"^{re.escape(kiosk.url)}/f/[A-Z0-9]{{6}}$"))
    code = home.url.rsplit("/", 1)[1]
    assert stored_retention(kiosk, code) == 7

    # The console of the new session works: connected, its first step, and Next moves it on.
    expect(home.locator("body")).to_have_attribute("data-connected", "true")
    expect(home.locator("#step-title")).to_have_text("Welcome")
    expect(home.locator("#step-count")).to_have_text("Step 1 of 10")
    home.get_by_role("button", name="Next →").click()
    expect(home.locator("#step-title")).to_have_text("How are you?")
    pages.shot(home, "home-started-console-1366x768")

    # Back home: the new session is listed where it stands, and its links open.
    home.goto(f"{kiosk.url}/home")
    row = home.locator("table.sessions tr").filter(has_text=code)
    expect(row).to_contain_text("Tiny test workshop")
    expect(row).to_contain_text("step 2 of 10")
    # The console opens on the home's cookie alone: no token in the link.
    row.get_by_role("link", name="Console").click()
    expect(home).to_have_url(f"{kiosk.url}/f/{code}")
    expect(home.locator("body")).to_have_attribute("data-connected", "true")
    expect(home.locator("#step-title")).to_have_text("How are you?")
    home.go_back()

    row = home.locator("table.sessions tr").filter(has_text=code)
    row.get_by_role("link", name="Screen").click()
    expect(home).to_have_url(f"{kiosk.url}/s/{code}")
    expect(home.locator("body")).to_have_attribute("data-connected", "true")
    expect(home.locator("#question-text")).to_have_text("How do you feel right now?")
    home.go_back()

    row = home.locator("table.sessions tr").filter(has_text=code)
    row.get_by_role("link", name="Report").click()
    expect(home).to_have_url(f"{kiosk.url}/f/{code}/report")
    expect(home.locator("body")).to_have_attribute("data-loaded", "true")
    expect(home.locator("#report-meta")).to_contain_text("still running")
    expect(home.locator("#timings")).to_contain_text("1. Welcome")

    # Sign out by clicking: the sign-in form again, and a reload shows nothing of the admin's.
    home.goto(f"{kiosk.url}/home")
    home.get_by_role("button", name="Sign out").click()
    expect(home.get_by_label("Admin key")).to_be_visible()
    home.reload()
    expect(home.get_by_label("Admin key")).to_be_visible()
    expect(home.get_by_role("heading", name="Workshops")).to_have_count(0)
    expect(home.get_by_text(code)).to_have_count(0)
    # The cookie is gone: a new tab (without the console's token) cannot open the report.
    other = pages.tab(context, "report-after-sign-out")
    other.goto(f"{kiosk.url}/f/{code}/report")
    expect(other.locator("#report-status")).to_have_text(
        "Open this report from the session's console or the facilitator home to see it."
    )
    refused = [e for e in pages.errors if "401" in e]
    assert len(refused) == 1, pages.errors
    pages.errors.remove(refused[0])


def without_fetch_metadata(sent):
    """A route handler that sends a request as a browser from before Fetch Metadata would."""

    def handle(route):
        headers = {
            name: value
            for name, value in route.request.headers.items()
            if not name.startswith("sec-fetch-")
        }
        if route.request.method == "POST":
            sent.append(headers)
        # Sent by Playwright itself (with the context's cookies), so the browser adds nothing;
        # redirects go back to the browser, which follows them as usual.
        route.fulfill(response=route.fetch(headers=headers, max_redirects=0))

    return handle


def test_a_browser_without_fetch_metadata_signs_in_with_its_real_origin(pages, kiosk):
    home, context = pages.open("", "old-browser-home", LAPTOP)
    sent = []
    context.route(f"{kiosk.url}/home/**", without_fetch_metadata(sent))
    home.goto(f"{kiosk.url}/home")
    home.get_by_label("Admin key").fill(ADMIN_KEY)
    home.get_by_role("button", name="Open the home page").click()
    expect(home.get_by_role("heading", name="Workshops")).to_be_visible()
    tiny = home.locator("li.workshop").filter(
        has=home.get_by_role("heading", name="Tiny test workshop")
    )
    tiny.get_by_role("button", name="Start a session").click()
    expect(home.locator("#step-title")).to_have_text("Welcome")
    home.goto(f"{kiosk.url}/home")
    home.get_by_role("button", name="Sign out").click()
    expect(home.get_by_label("Admin key")).to_be_visible()
    # The home's own referrer policy makes the browser name its origin instead of "null".
    assert [h.get("origin") for h in sent] == [kiosk.url] * 3, sent


def test_a_page_on_another_site_cannot_use_the_home_forms(pages, kiosk):
    attacker, context = pages.open("", "attacker", LAPTOP)
    # A signed-in facilitator's browser: the attack would ride on this cookie.
    attacker.goto(f"{kiosk.url}/home")
    attacker.get_by_label("Admin key").fill(ADMIN_KEY)
    attacker.get_by_role("button", name="Open the home page").click()
    expect(attacker.get_by_role("heading", name="Sessions")).to_be_visible()
    listed = attacker.locator("table.sessions tbody tr").count()
    for site in ("http://attacker.example", f"http://127.0.0.1:{free_port()}"):
        context.route(
            f"{site}/**",
            lambda route: route.fulfill(
                content_type="text/html",
                body=(
                    f'<form method="post" action="{kiosk.url}/home/sessions">'
                    '<input type="hidden" name="workshop" value="tiny">'
                    "<button>Win a prize</button></form>"
                ),
            ),
        )
        attacker.goto(f"{site}/prize")
        attacker.get_by_role("button", name="Win a prize").click()
        expect(attacker.get_by_role("heading", name="Not allowed")).to_be_visible()
        expect(attacker.locator("main")).to_contain_text(
            "This form can only be sent from the kiosk's own pages."
        )
        refused = [e for e in pages.errors if "403" in e]
        assert len(refused) == 1, pages.errors
        pages.errors.remove(refused[0])
    attacker.goto(f"{kiosk.url}/home")
    expect(attacker.locator("table.sessions tbody tr")).to_have_count(listed)
