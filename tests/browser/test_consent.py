"""Consent before touch steps, as a facilitator and the room meet it in Calm and Connect.

Console at 1366x768, phones at 390x844. On the hug itself a phone shows its choice in one line
and the countdown stays on screen; "Stop asking" keeps the counts on the console; the console
is reminded before each touch step; a choice for the hug is not a choice for the head rub.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.conftest import PHONE
from tests.browser.test_experience import run_axe

CONSOLE = {"width": 1366, "height": 768}
DEEPEN = 5  # "Let it deepen", the step before the hug


@pytest.fixture
def session(kiosk):
    return kiosk.create_session("calm-and-connect")


def view_shot(page, name):
    """What the screen shows without scrolling (the fold is the point here)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def fold_gap(phone, selector):
    """Pixels between the bottom of `selector` and the fold, as the page first shows it.

    The fold is the top of the quiet tools bar fixed at the bottom of the phone; measured from
    the top of the page, so where the page happens to be scrolled does not help. Negative:
    the element is (partly) below the fold.
    """
    return phone.locator(selector).evaluate(
        """node => {
          const box = node.getBoundingClientRect();
          const bottom = box.bottom + window.scrollY;
          const tools = document.querySelector('.phone-tools').getBoundingClientRect();
          return Math.floor(tools.top - bottom);
        }"""
    )


def consent_line(console):
    return console.locator("#care")


def test_on_the_hug_a_choice_is_one_line_and_the_countdown_stays_in_view(pages):
    console = pages.console(viewport=CONSOLE)
    # axe is injected as a script, which the pages' CSP forbids: these contexts bypass it.
    chose_early = pages.phone(bypass_csp=True)
    arrives_late = pages.phone("late-phone", bypass_csp=True)
    console.locator("#agenda button").nth(DEEPEN).click()
    console.get_by_role("button", name="Ask consent: A twenty-second hug").click()
    chose_early.get_by_role("button", name="Do the alternative: A hug for yourself").click()
    expect(chose_early.locator("#consent .received")).to_contain_text("Choice received")
    console.get_by_role("button", name="Next →").click()

    # The phone that chose: its choice in one line, its own version of the exercise, and the
    # countdown above the fold. The "Next is a hug… would you like to join in?" card is gone.
    expect(chose_early.locator("#step-title")).to_have_text("A twenty-second hug")
    expect(chose_early.locator("#my-choice")).to_have_text("You chose the alternativeChange")
    expect(chose_early.locator("#alternative-title")).to_have_text("A hug for yourself")
    expect(chose_early.locator("#consent")).to_be_hidden()
    expect(chose_early.get_by_text("Would you like to join in?")).to_have_count(0)
    expect(chose_early.locator("#timing .countdown")).to_be_visible()
    assert fold_gap(chose_early, "#timing .countdown") >= 0
    view_shot(chose_early, "consent-hug-chosen-phone-390x844")
    assert run_axe(chose_early) == []

    # A phone that has not chosen chooses on the step, compactly: the countdown stays in view.
    expect(arrives_late.locator("#my-choice")).to_contain_text("Will you join in?")
    assert fold_gap(arrives_late, "#timing .countdown") >= 0
    view_shot(arrives_late, "consent-hug-not-chosen-phone-390x844")
    assert run_axe(arrives_late) == []
    arrives_late.get_by_role("button", name="Join in").click()
    expect(arrives_late.locator("#my-choice")).to_contain_text("You chose to join in")
    assert fold_gap(arrives_late, "#timing .countdown") >= 0
    expect(consent_line(console)).to_contain_text(
        "Consent for “A twenty-second hug”: 1 join · 1 alternative · 0 sit out (still asking)"
    )

    # Changing is one tap away while the room is asked, and still says what was chosen.
    arrives_late.get_by_role("button", name="Change your choice").click()
    expect(arrives_late.get_by_role("button", name="Join in")).to_have_attribute(
        "aria-pressed", "true"
    )
    arrives_late.get_by_role("button", name="Sit out").click()
    expect(arrives_late.locator("#my-choice")).to_contain_text("You chose to sit this one out")
    expect(arrives_late.locator("#alternative-title")).to_have_text("You are sitting this one out")
    assert fold_gap(arrives_late, "#timing .countdown") >= 0
    expect(consent_line(console)).to_contain_text("0 join · 1 alternative · 1 sit out")

    # Stop asking during the exercise: collection stops, the counts stay on the console.
    console.get_by_role("button", name="Start").click()
    console.get_by_role("button", name="Stop asking").click()
    expect(consent_line(console)).to_contain_text(
        "Consent for “A twenty-second hug”: 0 join · 1 alternative · 1 sit out (no longer asking)"
    )
    expect(chose_early.locator("#my-choice")).to_have_text("You chose the alternative")
    expect(chose_early.get_by_role("button", name="Change your choice")).to_have_count(0)
    consent_line(console).scroll_into_view_if_needed()
    view_shot(console, "consent-hug-stopped-console-1366x768")
    view_shot(chose_early, "consent-hug-stopped-phone-390x844")
    assert "alternative" not in pages.screen().locator("body").inner_text().lower()


def test_each_touch_step_is_asked_for_on_its_own(pages):
    console = pages.console(viewport=CONSOLE)
    phone = pages.phone()
    console.locator("#agenda button").nth(DEEPEN).click()
    reminder = console.locator("#consent-reminder")
    expect(reminder).to_have_text(
        "Next is a touch step, “A twenty-second hug”: ask the room first."
    )
    reminder.scroll_into_view_if_needed()
    view_shot(console, "consent-reminder-hug-console-1366x768")
    console.get_by_role("button", name="Ask consent: A twenty-second hug").click()
    expect(reminder).to_be_hidden()
    phone.get_by_role("button", name="Do the alternative: A hug for yourself").click()
    expect(phone.locator("#consent .received")).to_contain_text("Choice received")
    console.get_by_role("button", name="Next →").click()

    # On the hug, the head rub comes next: the console is reminded to ask again.
    expect(reminder).to_have_text(
        "Next is a touch step, “Two-minute head rub”: ask the room first."
    )
    ask = console.get_by_role("button", name="Ask consent: Two-minute head rub")
    expect(ask).to_be_enabled()
    reminder.scroll_into_view_if_needed()
    view_shot(console, "consent-reminder-head-rub-console-1366x768")

    # Moving on without asking: the hug's choice does not count for the head rub.
    console.get_by_role("button", name="Next →").click()
    expect(console.locator("#step-title")).to_have_text("Two-minute head rub")
    expect(consent_line(console)).to_contain_text(
        "Consent for “Two-minute head rub”: 0 join · 0 alternative · 0 sit out (not asked yet"
    )
    expect(phone.locator("#step-title")).to_have_text("Two-minute head rub")
    expect(phone.locator("#alternative")).to_be_hidden()
    expect(phone.locator("#my-choice")).to_be_hidden()
    expect(phone.locator("#step-text")).to_contain_text("With a willing partner")

    # Asked now, the phone chooses afresh: nothing is pre-selected from the hug.
    console.get_by_role("button", name="Ask consent: Two-minute head rub").click()
    expect(phone.locator("#my-choice")).to_contain_text("Will you join in?")
    expect(phone.locator("#my-choice [aria-pressed=true]")).to_have_count(0)
    phone.get_by_role("button", name="Join in").click()
    expect(phone.locator("#my-choice")).to_contain_text("You chose to join in")
    expect(consent_line(console)).to_contain_text(
        "1 join · 0 alternative · 0 sit out (still asking)"
    )
    assert fold_gap(phone, "#timing .countdown") >= 0
    view_shot(phone, "consent-head-rub-joined-phone-390x844")


def test_a_choice_that_could_not_be_sent_says_so_and_can_be_made_again(pages):
    console = pages.console(viewport=CONSOLE)
    phone, context = pages.open("", "phone", PHONE)
    phone.goto(f"{pages.kiosk.url}/j/{pages.session['code']}")
    console.locator("#agenda button").nth(DEEPEN + 1).click()
    console.get_by_role("button", name="Ask consent: A twenty-second hug").click()
    expect(phone.locator("#my-choice")).to_contain_text("Will you join in?")
    pages.network_cut = True
    context.set_offline(True)
    expect(phone.locator("#notice")).to_have_text("Reconnecting…", timeout=30_000)
    phone.get_by_role("button", name="Sit out").click()
    problem = phone.locator("#my-choice [role=alert]")
    expect(problem).to_have_text(
        "Your choice was not sent: no answer from the kiosk. "
        "Check your connection and tap it again.",
        timeout=15_000,
    )
    view_shot(phone, "consent-not-sent-phone-390x844")
    context.set_offline(False)
    expect(phone.locator("#notice")).to_be_hidden(timeout=30_000)
    phone.get_by_role("button", name="Sit out").click()
    expect(phone.locator("#my-choice")).to_contain_text("You chose to sit this one out")
    expect(problem).to_have_count(0)
    expect(consent_line(console)).to_contain_text("0 join · 0 alternative · 1 sit out")
