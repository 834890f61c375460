"""After End session the console looks ended and says what is left to do; deleting answers
speaks in sentences, forgets a complaint when cancelled and confirms in words."""

import time

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.geometry import assert_on_screen

LAPTOP = {"width": 1366, "height": 768}
REFLECT = 8  # the tiny workshop's "I'm done" step


def test_after_end_the_console_looks_ended_and_points_to_what_is_next(pages):
    console = pages.console(viewport=LAPTOP)
    other_tab = pages.console(viewport=LAPTOP)
    pages.phone()
    console.locator("#agenda button").nth(REFLECT).click()
    expect(console.locator("#care")).to_contain_text("0 of 1 done")
    pages.expect_dialog("console")
    console.get_by_role("button", name="End session…").click()

    for page in (console, other_tab):
        panel = page.locator("#ended-panel")
        expect(panel).to_be_visible()
        expect(panel.get_by_role("heading", name="This session has ended")).to_be_visible()
        expect(panel).to_contain_text("on step 9 of 10 (Reflect)")
        # Nothing that drives the room is offered any more.
        expect(page.locator("#dock")).to_be_hidden()
        expect(page.get_by_role("button", name="Next →")).to_be_hidden()
        expect(page.get_by_role("button", name="End session…")).to_have_count(0)
        expect(page.locator("#live-step")).to_be_hidden()
        # The agenda is a record: no current step, nothing to jump to.
        expect(page.locator("#agenda li.current")).to_have_count(0)
        agenda = page.locator("#agenda button")
        assert agenda.count() == 10
        for i in range(agenda.count()):
            expect(agenda.nth(i)).to_be_disabled()
        # Counts of a room that has gone are not shown as if live.
        expect(page.locator("#care")).not_to_contain_text("done")
        expect(page.locator("#plan-total")).to_contain_text("Ended after")
        # The second tab was never told about an error: it simply shows the end.
        expect(page.locator("#status")).to_be_empty()
        expect(page.locator("#links-status")).to_be_empty()
    shown = console.locator("#plan-total").text_content()
    time.sleep(1.5)
    assert console.locator("#plan-total").text_content() == shown, "the clock stopped"
    console.keyboard.press("ArrowRight")
    console.keyboard.press(" ")
    expect(console.locator("#status")).to_be_empty()
    expect(console.locator("#ended-status")).to_be_empty()

    panel = console.locator("#ended-panel")
    report = panel.get_by_role("link", name="Open the report")
    assert "/report" in report.get_attribute("href")
    expect(panel.get_by_role("button", name="Answers CSV")).to_be_enabled()
    pages.shot(console, "console-ended-1366x768", full_page=False)
    small = pages.console(viewport=PHONE)
    expect(small.locator("#ended-panel")).to_be_visible()
    pages.shot(small, "console-ended-390x844")

    # The answers can still be deleted from the panel; it confirms in words.
    pages.expect_dialog("console", typed=pages.session["code"])
    panel.get_by_role("button", name="Delete answers…").click()
    expect(console.locator("#ended-status")).to_have_text(
        "Deleted: every answer and consent choice of this session is gone for good."
    )
    expect(console.locator("#ended-status")).to_have_class("status-line done")
    expect(panel.locator("#ended-deleted")).to_be_visible()
    expect(panel.get_by_role("button", name="Answers CSV")).to_be_hidden()

    # The home page it names exists: it opens on the admin-key form.
    with console.expect_navigation():
        panel.get_by_role("link", name="/home").click()
    expect(console.get_by_role("heading", name="Facilitator home")).to_be_visible()


def test_delete_answers_speaks_in_sentences_and_forgets_a_cancelled_complaint(pages):
    console = pages.console(viewport=LAPTOP)
    phone = pages.phone()
    console.get_by_role("button", name="Next →").click()
    phone.locator(".scale-row button", has_text="4").click()
    expect(console.locator("#answers")).to_have_text("1")
    code = pages.session["code"]
    status = console.locator("#links-status")
    delete = console.get_by_role("button", name="Delete answers…")

    pages.expect_dialog("console", typed="WRONG1")
    delete.click()
    expect(status).to_have_text(
        f"Nothing was deleted: the code typed does not match. Type the join code {code} "
        "to delete every answer."
    )
    expect(status).to_have_class("status-line problem")
    assert_on_screen(status, "the refusal")
    pages.shot(console, "console-delete-refused-1366x768", full_page=False)

    pages.expect_dialog("console", accept=False)
    delete.click()
    expect(status).to_be_empty()

    pages.expect_dialog("console", typed="  ")
    delete.click()
    expect(status).to_have_text(f"Nothing was deleted: type the join code {code} to confirm.")

    pages.expect_dialog("console", typed=code.lower())
    delete.click()
    expect(status).to_contain_text("Deleted: every answer and consent choice")
    expect(status).to_have_class("status-line done")
    assert_on_screen(status, "the confirmation")
    expect(console.locator("#care")).to_contain_text("answers were deleted")
    expect(delete).to_be_disabled()
    pages.shot(console, "console-deleted-1366x768", full_page=False)
    assert len(pages.dialogs) == 4 and all("Type the join code" in d for d in pages.dialogs)
