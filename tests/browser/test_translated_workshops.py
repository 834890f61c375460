"""The translated Calm and Connect as a room sees it: every step of the German, French and
Spanish workshop on a phone (390 x 844) and the projector (1920 x 1080), in its own words, with
no line cut and nothing wider than the window. German words are long ("Erholungssystem") and
French and Spanish sentences longer than English ones, so the English layout is no proof."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_layout_details import half_cut_lines
from tests.browser.test_layout_details import room
from workshop.script import load_library

# Steps worth a screenshot: the mood grid, the pacer, a touch step, the feelings, the scale
# and the longest text.
SHOWN = {"checkin-before", "hand-on-heart", "hug", "name-feelings", "steady", "re-wiring"}


def fits_the_window(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_every_step_reads_whole_on_the_phone_and_the_projector(pages, kiosk, language):
    workshop = load_library()[f"calm-and-connect-{language}"]
    pages.session = kiosk.create_session(workshop.id)
    screen = pages.screen()
    phone = pages.phone()
    with room(kiosk, pages.session, 0) as (command, _):
        for index, step in enumerate(workshop.steps):
            command("goto", index=index)
            for page, where in ((phone, "phone"), (screen, "projector")):
                if step.text:
                    # The projector shows a plain step in its lobby, with the join instructions.
                    text = page.locator("#step-text:visible, #lobby-text:visible")
                    expect(text).to_have_text(step.text)
                    assert half_cut_lines(page, "#step-text:visible, #lobby-text:visible") == [], (
                        where,
                        step.id,
                    )
                if index:  # the lobby of the first step names the workshop, not the step
                    title = page.locator("#step-title:visible, #lobby-title:visible")
                    expect(title).to_have_text(step.title)
                assert fits_the_window(page), f"{language} {step.id}: wider than the {where}"
            if step.id in SHOWN:
                pages.shot(phone, f"calm-{language}-{step.id}-390x844")
                pages.shot(screen, f"calm-{language}-{step.id}-1920x1080", full_page=False)
