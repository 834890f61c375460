"""A phone through a question's life: answer, change it, closed, reopened, the end."""

from playwright.sync_api import expect

from tests.browser.conftest import PHONE


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


LAPTOP_1366 = {"width": 1366, "height": 768}
QUESTION = "How do you feel right now?"


def offline_phone(pages):
    """A phone on the check-in question, then cut off from the network."""
    page, context = pages.open("", "phone", PHONE)
    page.goto(f"{pages.kiosk.url}/j/{pages.session['code']}")
    page.wait_for_selector("body[data-connected=true]")
    return page, context


def go_offline(pages, page, context):
    pages.network_cut = True
    context.set_offline(True)
    expect(page.locator("#notice")).to_have_text("Reconnecting…", timeout=30_000)


def test_an_answer_tapped_offline_still_counts_after_the_room_moved_on(pages):
    console = pages.console(viewport=LAPTOP_1366)
    phone, context = offline_phone(pages)
    console.keyboard.press("ArrowRight")
    expect(phone.locator("#prompt-question")).to_have_text(QUESTION)
    go_offline(pages, phone, context)
    phone.locator(".scale-row button", has_text="3").click()
    expect(phone.locator("#received")).to_contain_text("Sending")
    console.keyboard.press("ArrowRight")  # the room moves on while the phone is away
    expect(console.locator("#step-title")).to_have_text("Breathe together")
    context.set_offline(False)
    notice = phone.locator("#answer-notice")
    expect(notice).to_contain_text(f"Your answer to “{QUESTION}” was received ✓", timeout=30_000)
    expect(phone.locator("#step-title")).to_have_text("Breathe together")
    pages.shot(phone, "phone-late-answer-counted-390x844")
    # Back on the question, console and phone agree: one answer, and it is this phone's 3.
    console.keyboard.press("ArrowLeft")
    expect(console.locator("#answers")).to_have_text("1")
    expect(phone.locator(".scale-row button.selected")).to_have_text("3")
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    expect(notice).to_be_hidden()
    phone.reload()
    expect(phone.locator(".scale-row button.selected")).to_have_text("3")


def test_an_answer_tapped_offline_after_the_question_closed_is_refused_in_words(pages):
    console = pages.console(viewport=LAPTOP_1366)
    phone, context = offline_phone(pages)
    console.keyboard.press("ArrowRight")
    expect(phone.locator("#prompt-question")).to_have_text(QUESTION)
    go_offline(pages, phone, context)
    console.get_by_role("button", name="Close question").click()
    expect(console.locator("#revealed-flag")).to_contain_text("closed")
    # A person taps a few seconds later: the question still looks open on the offline phone.
    # (A tap within a second of the close counts: the phone's clock is that uncertain.)
    phone.wait_for_timeout(2_500)
    phone.locator(".scale-row button", has_text="2").click()
    expect(phone.locator("#received")).to_contain_text("Sending")
    context.set_offline(False)
    notice = phone.locator("#answer-notice")
    expect(notice.locator("p")).to_have_text(
        f"Your answer to “{QUESTION}” was not counted: the question had already closed when"
        " you answered.",
        timeout=30_000,
    )
    expect(phone.locator(".prompt-closed")).to_have_text("Answers are closed.")
    expect(phone.locator("#received")).to_be_empty()
    expect(phone.locator(".scale-row button.selected")).to_have_count(0)
    expect(console.locator("#answers")).to_have_text("0")
    pages.shot(phone, "phone-late-answer-refused-390x844")
    phone.reload()
    expect(notice).to_be_hidden()  # told once; nothing was kept to tell again
    expect(phone.locator("#received")).to_be_empty()
    console.get_by_role("button", name="Open question").click()
    expect(phone.locator(".scale-row button.selected")).to_have_count(0)
    expect(phone.locator("#received")).not_to_contain_text("Received")


def test_after_delete_answers_every_page_agrees_that_answers_are_closed(pages, kiosk, session):
    console = pages.console(viewport=LAPTOP_1366)
    screen = pages.screen()
    phones = [pages.phone(f"phone-{i}") for i in range(3)]
    console.locator("#agenda button").nth(4).click()  # One word
    for i, phone in enumerate(phones):
        phone.locator("#words").fill(f"calm{i}")
        phone.get_by_role("button", name="Send").click()
        expect(phone.locator("#received")).to_contain_text("Received ✓")
    expect(console.locator("#answers")).to_have_text("3")
    pages.expect_dialog("console", typed=session["code"])
    console.get_by_role("button", name="Delete answers…").click()
    closed = "The facilitator deleted this session's answers; answers are closed."
    for phone in phones:
        expect(phone.locator(".prompt-closed")).to_have_text(closed)
        expect(phone.locator("#received")).to_be_empty()
        expect(phone.locator("#words")).to_have_count(0)
    expect(console.locator("#answers")).to_have_text("0")
    expect(console.locator("#results")).to_contain_text("were deleted; it takes no more answers")
    expect(console.get_by_role("button", name="Open question")).to_be_disabled()
    expect(console.get_by_role("button", name="Reveal results")).to_be_disabled()
    expect(screen.locator("#question-status")).to_have_text("Answers are closed")
    # A question further on stays closed too, on the phone after a reload as well.
    console.locator("#agenda button").nth(5).click()
    phones[0].reload()
    expect(phones[0].locator("#prompt-question")).to_have_text("Which will you keep?")
    expect(phones[0].locator(".prompt-closed")).to_have_text(closed)
    expect(phones[0].locator(".choices button")).to_have_count(0)
    pages.shot(phones[0], "phone-answers-deleted-390x844")
    pages.shot(console, "console-answers-deleted-1366x768")
    # The report keeps the figures and says so, never "3 answers" beside "No words yet".
    report, _ = pages.open("", "report", LAPTOP_1366)
    report.goto(f"{kiosk.url}/f/{session['code']}/report#{session['facilitator_token']}")
    words = report.locator(".report-prompt", has_text="A word for connection?")
    expect(words).to_contain_text("3 answers, deleted: only these figures were kept")
    expect(words).to_contain_text("The words were deleted with the answers.")
    expect(words).not_to_contain_text("No words yet")
