"""A phone through a question's life: answer, change it, closed, reopened, the end."""

from playwright.sync_api import expect


def test_answer_change_close_and_end(pages):
    console = pages.console()
    phone = pages.phone()
    # An error ack shows on the console's status line: there is nothing before the first step.
    console.keyboard.press("ArrowLeft")
    expect(console.locator("#status")).not_to_be_empty()
    console.keyboard.press("ArrowRight")
    expect(phone.locator("#prompt-question")).to_have_text("How do you feel right now?")
    phone.locator(".scale-row button", has_text="2").click()
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    phone.locator(".scale-row button", has_text="3").click()
    expect(phone.locator(".scale-row button.selected")).to_have_text("3")
    expect(phone.locator(".scale-row button[aria-pressed=true]")).to_have_count(1)
    expect(console.locator("#answers")).to_have_text("1")  # changed, not added
    console.get_by_role("button", name="Close question").click()
    expect(phone.locator(".prompt-closed")).to_have_text("Answers are closed.")
    expect(phone.locator("#received")).to_have_text("Your answer: 3")
    console.get_by_role("button", name="Open question").click()
    expect(phone.locator(".scale-row button.selected")).to_have_text("3")
    pages.expect_dialog("console")
    console.get_by_role("button", name="End session…").click()
    expect(phone.locator("#ended")).to_contain_text("The session has ended")
    expect(phone.locator("#prompt")).to_be_hidden()
    pages.shot(phone, "phone-ended-390x844")
    assert pages.dialogs and "End the session" in pages.dialogs[0]
