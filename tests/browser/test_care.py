"""Care on the phone: a private consent choice, "I need a moment", eyes-closed cues."""

from playwright.sync_api import expect

HUG, REFLECT = 7, 8

SPIES = """
window.__vibrations = [];
navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
window.__tones = [];
const Original = window.AudioContext;
window.AudioContext = class extends Original {
  createOscillator() {
    const oscillator = super.createOscillator();
    const start = oscillator.start.bind(oscillator);
    oscillator.start = (...args) => {
      window.__tones.push(oscillator.frequency.value);
      return start(...args);
    };
    return oscillator;
  }
};
"""


def test_consent_choice_is_private_and_shows_the_alternative(pages):
    console, screen = pages.console(), pages.screen()
    phone = pages.phone()
    console.locator("#agenda button").nth(HUG - 1).click()
    console.get_by_role("button", name="Ask consent").click()
    expect(phone.locator("#consent-question")).to_contain_text("20-second hug")
    phone.get_by_role("button", name="Do the alternative: Hug yourself").click()
    expect(phone.locator("#consent .received")).to_contain_text("Choice received")
    expect(console.locator("#care")).to_contain_text("0 join · 1 alternative · 0 sit out")
    console.get_by_role("button", name="Next →").click()
    expect(phone.locator("#alternative-title")).to_have_text("Hug yourself")
    expect(phone.locator("#alternative-text")).to_contain_text("Cross your arms")
    assert "alternative" not in screen.locator("body").inner_text().lower()
    pages.shot(phone, "phone-consent-390x844")


def test_need_a_moment_reaches_the_console_as_a_count(pages):
    console = pages.console()
    phone = pages.phone()
    phone.get_by_role("button", name="I need a moment").click()
    expect(console.locator("#care")).to_contain_text("1 person needs a moment")
    phone.get_by_role("button", name="I'm OK again").click()
    expect(console.locator("#care")).not_to_contain_text("needs a moment")


def test_done_counts_on_the_console_and_the_room_moves_on_at_the_share(pages):
    console = pages.console()
    phone, other = pages.phone(), pages.phone("other-phone")
    console.locator("#agenda button").nth(REFLECT).click()
    expect(console.locator("#care")).to_contain_text("0 of 2 done")
    phone.get_by_role("button", name="I'm done").click()
    expect(console.locator("#care")).to_contain_text("1 of 2 done")
    other.get_by_role("button", name="I'm done").click()  # 2 of 2: past the step's 80 %
    expect(console.locator("#step-title")).to_have_text("Goodbye")


def test_eyes_closed_cues_every_breath_and_one_tap_leaves(pages):
    console = pages.console()
    phone = pages.phone(before=lambda page: page.add_init_script(SPIES))
    console.locator("#agenda button").nth(2).click()  # breathing: 4 in, 2 hold, 6 out
    phone.get_by_role("button", name="Eyes closed").click()
    expect(phone.locator("#eyes-closed")).to_be_visible()
    console.get_by_role("button", name="Start").click()
    expect(phone.locator(".pacer")).to_have_attribute("data-phase", "exhale", timeout=15_000)
    vibrations = phone.evaluate("window.__vibrations")
    tones = phone.evaluate("window.__tones")
    assert [30, 80, 30] in vibrations and [200] in vibrations, vibrations
    assert 659 in tones and 392 in tones, tones
    background = phone.locator("#eyes-closed").evaluate(
        "node => getComputedStyle(node).backgroundColor"
    )
    assert background == "rgb(0, 0, 0)"
    phone.locator("#eyes-closed").click()
    expect(phone.locator("#eyes-closed")).to_be_hidden()
