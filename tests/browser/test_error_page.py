"""An error page a person meets says what happened and leads on: a wrong join link."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE


def test_a_wrong_join_link_says_so_and_leads_to_typing_the_code(pages, kiosk, session):
    page, _ = pages.open("", "phone", PHONE)
    page.goto(f"{kiosk.url}/j/ZZZZ22")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.locator("main")).to_contain_text("No session has this code.")
    # The 404 of the page itself, which Chromium reports on the console: expected, once.
    not_found = [e for e in pages.errors if "404" in e]
    assert len(not_found) == 1, pages.errors
    pages.errors.remove(not_found[0])
    page.get_by_role("link", name="Type a join code").click()
    expect(page).to_have_url(f"{kiosk.url}/")
    page.get_by_label("Join code").fill(session["code"])
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#step-title")).to_have_text("Welcome")
