"""Check-ins as people use them: the mood grid tapped on a phone or chosen with the keyboard,
the room's heat map with its mean point and before/after arrow on the projector, console and
report; feelings picked as toggles up to their limit, their bars and what grew and shrank.

Its own kiosk, with a workshop that asks a mood grid at the opening and, paired, at the close,
then feelings twice (paired).
"""

import pytest
from playwright.sync_api import expect

from harness.live import LiveServer
from tests.browser.conftest import PHONE
from tests.browser.test_experience import run_axe
from tests.conftest import FIXTURES

OPEN, CLOSE, NAMING, AGAIN = 1, 3, 4, 5
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
    console.get_by_role("button", name="Close question").click()
    expect(phone.locator("#received")).to_have_text(
        "Your answer: very unpleasant, very high energy"
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


def feeling(page, name):
    return page.locator(".feeling", has_text=name)


def test_feelings_are_picked_up_to_the_limit_and_sent(pages):
    console = pages.console()
    phone = pages.phone(has_touch=True, **A11Y)
    goto(console, NAMING)
    expect(phone.locator(".feeling")).to_have_count(10)
    send = phone.get_by_role("button", name="Send")
    expect(send).to_be_disabled()
    expect(phone.locator(".feelings-count")).to_have_text("0 of 3 chosen")
    for name in ("tired", "tense"):
        feeling(phone, name).tap()
    expect(phone.locator(".feelings-count")).to_have_text("2 of 3 chosen")
    expect(feeling(phone, "tense")).to_have_attribute("aria-pressed", "true")
    feeling(phone, "restless").tap()
    feeling(phone, "sad").tap()  # a fourth: not taken, and the page says why
    expect(feeling(phone, "sad")).to_have_attribute("aria-pressed", "false")
    expect(phone.locator(".feelings-limit")).to_have_text(
        "You have chosen 3, the most for this question: unpick one to choose sad instead."
    )
    expect(phone.locator(".feelings-count")).to_have_text("3 of 3 chosen")
    assert run_axe(phone) == []
    pages.shot(phone, "feelings-phone-at-the-limit-390x844")
    feeling(phone, "restless").tap()  # unpick one, then the other can be chosen
    feeling(phone, "sad").tap()
    expect(phone.locator(".feelings-limit")).to_be_hidden()
    send.tap()
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    expect(console.locator("#answers")).to_have_text("1")
    feeling(phone, "tired").tap()  # changed on the page, not yet sent
    expect(phone.locator("#received")).to_have_text("Not sent yet: press Send when you are ready.")
    phone.reload()  # the kiosk's record: tired, tense and sad
    pressed = phone.locator(".feeling[aria-pressed=true]")
    expect(pressed).to_have_text(["tired", "tense", "sad"])
    expect(phone.locator("#received")).to_contain_text("Received ✓")
    console.get_by_role("button", name="Close question").click()
    expect(phone.locator("#received")).to_have_text("Your answer: tired, tense, sad")


def test_the_screen_shows_feelings_as_bars_and_what_grew_and_shrank(pages):
    console = pages.console()
    screen = pages.screen(**A11Y)
    phones = [pages.phone(name=f"phone-{i}") for i in range(3)]

    def pick_all(picks):
        for phone, names in zip(phones, picks, strict=True):
            for name in names:
                feeling(phone, name).click()
            phone.get_by_role("button", name="Send").click()
            expect(phone.locator("#received")).to_contain_text("Received ✓")

    goto(console, NAMING)
    pick_all([["tense", "restless"], ["tense", "tired"], ["tense"]])
    goto(console, AGAIN)
    console.keyboard.press("r")
    pick_all([["calm", "warm"], ["calm", "tired"], ["calm", "grateful"]])
    bars = screen.locator(".chart-choices")
    expect(bars).to_be_visible()
    labels = bars.locator(".row-label title")  # each bar's whole name
    expect(labels.nth(0)).to_have_text("calm")  # 3, then the ties of 1 in the offered order
    expect(labels.nth(1)).to_have_text("warm")
    expect(labels.nth(2)).to_have_text("tired")
    expect(labels.nth(3)).to_have_text("grateful")
    shift = screen.locator(".feelings-shift")
    expect(shift).to_contain_text("Before → after (3 pairs)")
    expect(shift.locator(".grew li").first).to_have_text("calm: 0 → 3 (+3)")
    expect(shift.locator(".shrank li").first).to_have_text("tense: 3 → 0 (−3)")
    box = shift.bounding_box()
    assert box["y"] + box["height"] <= 1080 and box["x"] + box["width"] <= 1920, box
    assert run_axe(screen) == []
    pages.shot(screen, "feelings-screen-1920x1080", full_page=False)
