"""The phone's buttons not walked elsewhere: a choice, each consent choice, "I'm done" undone,
and "Turn on sound". (Scale answers: test_phone_flow.py; words: test_hostile.py; "I need a
moment", eyes closed and the alternative: test_care.py.)

One session for the module: each test goes to the step it needs, with phones of its own.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.test_care import SPIES

PICK, AFTER, HUG, REFLECT = 5, 6, 7, 8


@pytest.fixture(scope="module")
def session(kiosk):
    """One session shared by the module's tests."""
    return kiosk.create_session("tiny")


def go_to(console, index):
    console.locator("#agenda button").nth(index).click()
    expect(console.locator("#agenda button").nth(index)).to_have_attribute("aria-current", "step")


def test_a_choice_is_answered_and_changed_by_tapping(pages):
    console, phone = pages.console(), pages.phone()
    go_to(console, PICK)
    expect(phone.locator("#prompt-question")).to_have_text("Which will you keep?")
    phone.get_by_role("button", name="Hug").click()
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    expect(phone.get_by_role("button", name="Hug")).to_have_attribute("aria-pressed", "true")
    expect(console.locator("#answers")).to_have_text("1")
    expect(console.locator("#results .chart-choices")).to_have_attribute(
        "aria-label", "Breathing: 0, Hug: 1, Head rub: 0"
    )
    phone.get_by_role("button", name="Breathing").click()
    expect(phone.get_by_role("button", name="Breathing")).to_have_attribute("aria-pressed", "true")
    expect(phone.get_by_role("button", name="Hug")).to_have_attribute("aria-pressed", "false")
    expect(console.locator("#results .chart-choices")).to_have_attribute(
        "aria-label", "Breathing: 1, Hug: 0, Head rub: 0"
    )
    expect(console.locator("#answers")).to_have_text("1")
    pages.shot(phone, "phone-choice-390x844")


def test_join_in_and_sit_out_are_counted_and_can_be_changed(pages):
    console = pages.console()
    joining, resting = pages.phone("phone-joining"), pages.phone("phone-resting")
    go_to(console, AFTER)  # the step before the hug: time to ask
    console.get_by_role("button", name="Ask consent").click()
    joining.get_by_role("button", name="Join in").click()
    expect(joining.locator("#consent .received")).to_contain_text("Choice received")
    expect(joining.get_by_role("button", name="Join in")).to_have_attribute("aria-pressed", "true")
    resting.get_by_role("button", name="Join in").click()
    expect(console.locator("#care")).to_contain_text("2 join · 0 alternative · 0 sit out")
    # A change of mind while the question is open replaces the first choice.
    resting.get_by_role("button", name="Sit this one out").click()
    expect(resting.get_by_role("button", name="Sit this one out")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(resting.get_by_role("button", name="Join in")).to_have_attribute("aria-pressed", "false")
    expect(console.locator("#care")).to_contain_text("1 join · 0 alternative · 1 sit out")

    console.get_by_role("button", name="Next →").click()
    expect(resting.locator("#step-title")).to_have_text("A hug")
    expect(resting.locator("#alternative-title")).to_have_text("You are sitting this one out")
    expect(joining.locator("#step-title")).to_have_text("A hug")
    expect(joining.locator("#alternative")).to_be_hidden()
    pages.shot(resting, "phone-sitting-out-390x844")


def test_im_done_can_be_undone_and_the_count_follows(pages):
    console = pages.console()
    phone, other = pages.phone(), pages.phone("other-phone")
    go_to(console, REFLECT)
    expect(console.locator("#care")).to_contain_text("0 of 2 done")
    phone.get_by_role("button", name="I'm done").click()
    expect(console.locator("#care")).to_contain_text("1 of 2 done")
    undo = phone.get_by_role("button", name="Done ✓ (tap to undo)")
    expect(undo).to_have_attribute("aria-pressed", "true")
    undo.click()
    expect(phone.get_by_role("button", name="I'm done")).to_have_attribute("aria-pressed", "false")
    expect(console.locator("#care")).to_contain_text("0 of 2 done")
    expect(other.locator("#step-title")).to_have_text("Reflect")


def test_turn_on_sound_plays_a_tone_and_is_not_offered_again(pages):
    console = pages.console()
    phone = pages.phone(before=lambda page: page.add_init_script(SPIES))
    go_to(console, HUG)  # offered where a chime would ring: a step with a countdown
    offer = phone.get_by_role("button", name="Turn on sound")
    expect(offer).to_be_visible()
    offer.click()
    expect(offer).to_be_hidden()
    phone.wait_for_function("() => window.__tones.includes(660)")
    assert phone.evaluate("window.__tones") == [660], "one soft tone says the sound works"
    phone.reload()
    expect(phone.locator("body")).to_have_attribute("data-connected", "true")
    expect(phone.get_by_role("button", name="Turn on sound")).to_be_hidden()
