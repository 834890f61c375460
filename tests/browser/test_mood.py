"""The mood grid as people use it: tapped on a phone, chosen with the keyboard, and the room's
heat map with its mean point and before/after arrow on the projector, the console and the report.

Its own kiosk, with a workshop that asks a mood grid at the opening and, paired, at the close.
"""

import pytest
from playwright.sync_api import expect

from harness.live import LiveServer
from tests.browser.conftest import PHONE
from tests.browser.test_experience import run_axe
from tests.conftest import FIXTURES

OPEN, CLOSE = 1, 3
A11Y = {"bypass_csp": True}  # axe is injected as a script, which the pages' CSP forbids


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mood")
    server = LiveServer(folder / "kiosk.db", workshop=FIXTURES / "checkins.yaml").start()
    yield server
    server.kill()


@pytest.fixture
def session(kiosk):
    return kiosk.create_session("checkins")


def goto(console, index):
    console.locator("#agenda button").nth(index).click()


def cell(page, words):
    return page.get_by_role("button", name=words, exact=True)


def test_a_cell_is_chosen_by_touch_and_the_choice_is_seen_and_received(pages):
    console = pages.console()
    phone = pages.phone(has_touch=True, **A11Y)
    goto(console, OPEN)
    expect(phone.locator("#prompt-question")).to_have_text("Where are you right now?")
    expect(phone.locator(".mood-cell")).to_have_count(49)
    for word in ("pleasant", "unpleasant", "high energy", "low energy"):
        expect(phone.locator(".mood-axis", has_text=word).first).to_be_visible()
    chosen = cell(phone, "quite pleasant, slightly low energy")
    chosen.tap()
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    expect(phone.locator(".mood-cell[aria-pressed=true]")).to_have_count(1)
    expect(console.locator("#answers")).to_have_text("1")
    box = chosen.bounding_box()
    assert box["width"] >= 40 and box["height"] >= 40, box  # a finger's target
    grid = phone.locator(".mood-grid").bounding_box()
    assert grid["x"] >= 0 and grid["x"] + grid["width"] <= PHONE["width"], grid
    assert run_axe(phone) == []
    pages.shot(phone, "mood-phone-tapped-390x844")
    # Another tap changes the answer; a reload shows the kiosk's record.
    cell(phone, "very unpleasant, very high energy").tap()
    expect(cell(phone, "very unpleasant, very high energy")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(chosen).to_have_attribute("aria-pressed", "false")
    expect(console.locator("#answers")).to_have_text("1")
    phone.reload()
    expect(cell(phone, "very unpleasant, very high energy")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_cell_is_chosen_with_the_keyboard_alone(pages):
    console = pages.console()
    phone = pages.phone(**A11Y)
    goto(console, OPEN)
    expect(phone.locator(".mood-cell")).to_have_count(49)
    expect(phone.locator(".mood-cell[tabindex='0']")).to_have_count(1)  # one tab stop
    for _ in range(40):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.classList.contains('mood-cell')"):
            break
    focused = phone.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "neither pleasant nor unpleasant, neither high energy nor low energy"
    for key in ("ArrowRight", "ArrowRight", "ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown"):
        phone.keyboard.press(key)  # the last Down stops at the edge
    focused = phone.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "quite pleasant, very low energy"
    expect(phone.locator(".mood-cell[tabindex='0']")).to_have_count(1)
    phone.keyboard.press("Enter")
    chosen = cell(phone, "quite pleasant, very low energy")
    expect(chosen).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    phone.keyboard.press("ArrowUp")
    focused = phone.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "quite pleasant, quite low energy"
    phone.keyboard.press("Space")
    expect(cell(phone, "quite pleasant, quite low energy")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(chosen).to_have_attribute("aria-pressed", "false")
    pages.shot(phone, "mood-phone-keyboard-390x844")


BEFORE = [(-2, 2), (-1, 3), (0, 0)]
AFTER = [(2, -1), (1, 3), (0, 0)]


def answer_all(phones, words):
    for phone, chosen in zip(phones, words, strict=True):
        cell(phone, chosen).click()
        expect(phone.locator("#received")).to_contain_text("Received ✓")


def test_the_screen_shows_the_heat_map_mean_and_the_rooms_move(pages, kiosk, session):
    console = pages.console(**A11Y)
    screen = pages.screen(**A11Y)
    phones = [pages.phone(name=f"phone-{i}") for i in range(3)]
    goto(console, OPEN)
    answer_all(
        phones,
        [
            "quite unpleasant, quite high energy",
            "slightly unpleasant, very high energy",
            "neither pleasant nor unpleasant, neither high energy nor low energy",
        ],
    )
    goto(console, CLOSE)
    console.keyboard.press("r")  # reveal
    expect(screen.locator(".results-waiting")).to_contain_text("3 more answers needed")
    answer_all(
        phones,
        [
            "quite bright, slightly still",
            "slightly bright, very wired",
            "neither bright nor heavy, neither wired nor still",
        ],
    )
    chart = screen.locator(".chart-mood")
    expect(chart).to_be_visible()
    expect(chart.locator(".count")).to_have_count(3)
    expect(chart.locator(".mean-point")).to_have_count(1)
    expect(chart.locator(".shift-arrow")).to_have_count(1)
    for word in ("bright", "heavy", "wired", "still"):
        expect(chart.locator(".axis-label", has_text=word)).to_have_count(1)
    expect(screen.locator(".mood-shift")).to_contain_text("2 of 3 (67%) moved toward bright")
    expect(screen.locator(".mood-shift")).to_contain_text("1 of 3 (33%) moved toward calm (still)")
    label = chart.get_attribute("aria-label")
    assert "3 answers" in label and "the room moved from" in label, label
    # The arrow runs from the mean before (-1, 1.67) toward the mean after (1, 0.67): right, down.
    arrow = chart.locator(".shift-arrow")
    x1, y1, x2, y2 = (float(arrow.get_attribute(a)) for a in ("x1", "y1", "x2", "y2"))
    assert x2 > x1 and y2 > y1
    # All of it on the projector at once: nothing scrolls or is cut off.
    box = chart.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 1080, box
    shift = screen.locator(".mood-shift").bounding_box()
    assert shift["y"] + shift["height"] <= 1080 and shift["x"] + shift["width"] <= 1920, shift
    assert run_axe(screen) == []
    pages.shot(screen, "mood-screen-heat-map-1920x1080", full_page=False)
    expect(console.locator("#results .chart-mood .shift-arrow")).to_have_count(1)
    assert run_axe(console) == []
    pages.shot(console, "mood-console-1440x900", full_page=False)
    report, _ = pages.open("", "report", {"width": 1280, "height": 720}, **A11Y)
    report.goto(f"{kiosk.url}/f/{session['code']}/report#{session['facilitator_token']}")
    expect(report.locator("body")).to_have_attribute("data-loaded", "true")
    expect(report.locator(".chart-mood")).to_have_count(2)
    expect(report.locator(".chart-mood .shift-arrow")).to_have_count(1)
    assert run_axe(report) == []
    pages.shot(report, "mood-report-1280x720")
