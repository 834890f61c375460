"""A length of time reads the same wherever a facilitator meets it: the home page (drawn by the
server), the console's agenda and plan line, and the report (drawn in the browser)."""

import re

from playwright.sync_api import expect

from harness.live import ADMIN_KEY

LAPTOP = {"width": 1280, "height": 720}


def test_planned_times_read_the_same_on_the_home_the_console_and_the_report(pages, kiosk):
    home, _ = pages.open("", "durations-home", LAPTOP)
    home.goto(f"{kiosk.url}/home")
    home.get_by_label("Admin key").fill(ADMIN_KEY)
    home.get_by_role("button", name="Open the home page").click()
    tiny = home.locator("li.workshop").filter(
        has=home.get_by_role("heading", name="Tiny test workshop")
    )
    planned = re.search(r"(\d+:\d\d) of timed exercises", tiny.inner_text())
    assert planned, tiny.inner_text()
    total = planned.group(1)
    tiny.get_by_text("Steps", exact=True).click()
    # Three breaths of 4 + 2 + 6 seconds.
    expect(tiny.locator(".step-list li").filter(has_text="Breathe together")).to_have_text(
        "Breathe together (0:36)"
    )
    pages.shot(home, "durations-home-1280x720")

    tiny.get_by_role("button", name="Start a session").click()
    console = home
    expect(console.locator("body")).to_have_attribute("data-connected", "true")
    breathe = console.locator("#agenda li").filter(has_text="Breathe together")
    expect(breathe.locator(".planned")).to_have_text("0:36")
    expect(console.locator("#plan-total")).to_contain_text(f"Plan {total} of timed steps")
    console.get_by_role("button", name="Next →").click()
    console.get_by_role("button", name="Next →").click()
    expect(console.locator("#step-title")).to_have_text("Breathe together")
    pages.shot(console, "durations-console-1280x720")

    report = pages.popup(console, "durations-report", console.locator("#report-link").click)
    expect(report.locator("body")).to_have_attribute("data-loaded", "true")
    row = report.locator("#timings tr").filter(has_text="3. Breathe together")
    expect(row.locator("td").first).to_have_text("0:36")
    expect(report.locator("#planned-total")).to_have_text(total)
    pages.shot(report, "durations-report-1280x720")
