"""The console on a laptop and a phone: Back, Next and the timer stay on screen on every step."""

import pytest
from playwright.sync_api import expect

from tests.browser.geometry import assert_on_screen

SIZES = [
    {"width": 1366, "height": 768},
    {"width": 1280, "height": 720},
    {"width": 1024, "height": 768},
    {"width": 390, "height": 844},
]


def controls_reachable(console, timed: bool, where: str) -> None:
    """Back, Next and (on a timed step) every timer button: on screen and not covered."""
    assert_on_screen(console.locator("[data-action=next]"), f"Next {where}")
    assert_on_screen(console.locator("[data-action=prev]"), f"Back {where}")
    timer_buttons = console.locator("#timer-controls:not([hidden]) button")
    assert timer_buttons.count() == (5 if timed else 0), where
    for i in range(timer_buttons.count()):
        button = timer_buttons.nth(i)
        assert_on_screen(button, f"timer button {button.text_content()!r} {where}")
    if timer_buttons.count():
        assert_on_screen(console.locator("#timing .countdown"), f"the countdown {where}")


# Whether the last line of the notes is on screen and not covered, and whether the page can
# scroll any further.
_END_OF_NOTES = """() => {
  const notes = document.getElementById('notes').getBoundingClientRect();
  const x = notes.left + 8;
  const y = notes.bottom - 8;
  const hit = y > 0 && y < innerHeight ? document.elementFromPoint(x, y) : null;
  const root = document.documentElement;
  return {
    readable: Boolean(hit) && document.getElementById("notes").contains(hit),
    hit: hit ? hit.outerHTML.slice(0, 80) : null,
    atBottom: Math.ceil(scrollY + innerHeight) >= root.scrollHeight,
  };
}"""


# Resolves once the page has not scrolled for five frames (a wheel scroll is animated).
_SETTLED = """() => new Promise((done) => {
  let last = scrollY;
  let still = 0;
  const look = () => {
    still = scrollY === last ? still + 1 : 0;
    last = scrollY;
    if (still >= 5) done(scrollY);
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})"""


def read_to_the_end_of_the_notes(console) -> dict:
    """Turn the mouse wheel, as a person reading does, until the notes' end shows."""
    console.mouse.move(console.viewport_size["width"] / 2, 200)
    for _ in range(60):
        console.evaluate(_SETTLED)
        where = console.evaluate(_END_OF_NOTES)
        if where["readable"] or where["atBottom"]:
            return where
        console.mouse.wheel(0, 80)
    return console.evaluate(_END_OF_NOTES)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s['width']}x{s['height']}")
def test_back_next_and_timer_stay_on_screen_on_every_step(pages, kiosk, size):
    pages.session = kiosk.create_session("calm-and-connect")
    console = pages.console(viewport=size)
    steps = console.locator("#agenda li").count()
    assert steps == 19
    label = f"{size['width']}x{size['height']}"
    for index in range(steps):
        expect(console.locator("#step-count")).to_contain_text(f"Step {index + 1} of {steps}")
        if index:
            # A new step starts at the top of its notes.
            assert console.evaluate("window.scrollY") == 0, f"step {index + 1} opens scrolled"
        # The agenda shows a planned time for the steps that have a countdown or a pacer.
        timed = console.locator("#agenda li").nth(index).locator(".planned:not(.kind)").count()
        controls_reachable(console, timed, f"at the top of step {index + 1} at {label}")
        # Scroll down with the wheel until the end of the notes can be read, then to the
        # bottom of the page: the controls stay put all the way.
        end_of_notes = read_to_the_end_of_the_notes(console)
        assert end_of_notes["readable"], (
            f"the notes' end at step {index + 1}, {label}: {end_of_notes}"
        )
        controls_reachable(
            console, timed, f"with the end of the notes of step {index + 1} at {label}"
        )
        console.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        controls_reachable(console, timed, f"scrolled to the bottom of step {index + 1} at {label}")
        if index in (2, 3, 6, 10, 13, 14, 17, 18):
            pages.shot(console, f"console-{label}-step{index + 1}-bottom", full_page=False)
            console.evaluate("window.scrollTo(0, 0)")
            pages.shot(console, f"console-{label}-step{index + 1}-top", full_page=False)
        if index < steps - 1:
            console.locator("[data-action=next]").click()
    expect(console.locator("[data-action=next]")).to_be_disabled()
