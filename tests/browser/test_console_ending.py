"""The console's two irreversible buttons: each asks first, and Cancel changes nothing.

A fresh session per test: these end it or erase its answers.
"""

from playwright.sync_api import expect

BEFORE = 1


def answer_on_the_phone(console, phone, value="4"):
    console.locator("#agenda button").nth(BEFORE).click()
    phone.locator(".scale-row button", has_text=value).click()
    expect(phone.locator("#received")).to_contain_text("Received")
    expect(console.locator("#answers")).to_have_text("1")


def test_delete_answers_needs_the_join_code_and_then_erases_them(pages, session):
    console, phone = pages.console(), pages.phone()
    answer_on_the_phone(console, phone)
    delete = console.get_by_role("button", name="Delete answers…")

    pages.expect_dialog("console", accept=False)
    delete.click()
    expect(console.locator("#answers")).to_have_text("1")
    assert "Type the join code" in pages.dialogs[-1], pages.dialogs

    pages.expect_dialog("console", typed="WRONG2")
    delete.click()
    expect(console.locator("#links-status")).to_contain_text(
        f"Type the join code {session['code']} to delete every answer."
    )
    expect(console.locator("#answers")).to_have_text("1")

    pages.expect_dialog("console", typed=session["code"].lower())
    delete.click()
    expect(console.locator("#care")).to_contain_text("This session's answers were deleted.")
    expect(console.locator("#answers")).to_have_text("0")
    # The answers are gone for good: the download says so in words.
    console.get_by_role("button", name="Answers CSV").click()
    expect(console.locator("#links-status")).to_contain_text("answers were deleted")
    refused = [e for e in pages.errors if "410" in e]
    assert len(refused) == 1, pages.errors
    pages.errors.remove(refused[0])
    assert pages.expected_dialogs == []


def test_end_session_asks_first_then_ends_it_for_every_page(pages):
    console, screen, phone = pages.console(), pages.screen(), pages.phone()
    console.get_by_role("button", name="Next →").click()
    expect(phone.locator("#step-title")).to_have_text("How are you?")
    end = console.get_by_role("button", name="End session…")

    pages.expect_dialog("console", accept=False)
    end.click()
    expect(console.locator("#step-count")).to_have_text("Step 2 of 10")
    expect(phone.locator("#prompt-question")).to_be_visible()
    assert "End the session for everyone?" in pages.dialogs[-1], pages.dialogs

    pages.expect_dialog("console")
    end.click()
    expect(console.get_by_role("heading", name="This session has ended")).to_be_visible()
    expect(phone.locator("#ended")).to_contain_text("The session has ended")
    expect(screen.locator("#ended")).to_contain_text("Thank you")
    expect(console.locator("[data-action=next]")).to_be_hidden()  # nothing left to drive
    pages.shot(console, "console-ended-1440x900")
    assert pages.expected_dialogs == []
