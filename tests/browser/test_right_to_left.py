"""Right to left, as Arabic lays a page out: the phone, the projector, the console, the report
and the studio mirror (start on the right), nothing sticks out sideways, and what must not mirror
still reads right: the countdown's m:ss, the join code, the pacer, the charts' numbers.

Each page is opened in Arabic, the choice a person makes with the language switch
(remembered in a cookie); the kiosk sets lang and dir on <html> itself.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from harness.live import ADMIN_KEY
from tests.browser.conftest import PHONE
from tests.browser.conftest import PROJECTOR
from tests.browser.geometry import overlap
from tests.browser.test_layout_details import CHECK_IN
from tests.browser.test_layout_details import CHECK_IN_AGAIN
from tests.browser.test_layout_details import FEELINGS
from tests.browser.test_layout_details import STEADY
from tests.browser.test_layout_details import TAKE_HOME
from tests.browser.test_layout_details import mood
from tests.browser.test_layout_details import room
from transport.i18n import LANGUAGE_COOKIE

# How a browser is made to read right to left: Arabic, chosen on the device. (The tests name what
# they touch by id and class, not by English words, so they read any language.)
ARABIC = {"language": "ar"}

LAPTOP = {"width": 1366, "height": 768}
SMALL_LAPTOP = {"width": 1280, "height": 720}
# tiny: the scale, the breathing pacer, the countdown
BEFORE, BREATHE, SAVOUR = 1, 2, 3
# calm-and-connect: a countdown
SAVOURING = 4


def open_rtl(pages, name, viewport, path):
    """A page at `path` in its own browser context that reads right to left."""
    page, context = pages.open("", name, viewport)
    cookie = {"name": LANGUAGE_COOKIE, "value": ARABIC["language"], "url": pages.kiosk.url}
    context.add_cookies([cookie])
    page.goto(f"{pages.kiosk.url}{path}")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    return page


def phone(pages, name="phone-rtl"):
    page = open_rtl(pages, name, PHONE, f"/j/{pages.session['code']}")
    page.wait_for_selector("body[data-connected=true]")
    return page


def screen(pages):
    page = open_rtl(pages, "screen-rtl", PROJECTOR, f"/s/{pages.session['code']}")
    page.wait_for_selector("body[data-connected=true]")
    return page


def console(pages, viewport=LAPTOP):
    s = pages.session
    page = open_rtl(pages, "console-rtl", viewport, f"/f/{s['code']}#{s['facilitator_token']}")
    page.wait_for_selector("body[data-connected=true]")
    return page


# Elements that stick out of the window sideways where nothing can scroll to them: anything
# visible outside [0, innerWidth] that is not inside a box of its own that clips or scrolls.
_SIDEWAYS = """() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  for (const node of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(node);
    if (style.visibility !== 'visible' || node.closest('.visually-hidden')) continue;
    const r = node.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let clipped = false;
    for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') { clipped = true; break; }
    }
    if (clipped) continue;
    if (r.left < -1 || r.right > width + 1) {
      out.push(`${node.tagName.toLowerCase()}.${node.className.baseVal ?? node.className}`
        + ` ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  const root = document.scrollingElement;
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, out: out.slice(0, 12)};
}"""


def assert_nothing_sideways(page, where):
    """No horizontal scroll, and nothing out of the window to either side."""
    found = page.evaluate(_SIDEWAYS)
    assert found["scrollWidth"] <= found["clientWidth"], f"{where}: scrolls sideways {found}"
    assert found["out"] == [], f"{where}: out of the window sideways: {found['out']}"


def box(locator):
    """The element's box in the window: left, top, right, bottom."""
    return locator.evaluate(
        "(n) => { const r = n.getBoundingClientRect();"
        " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }"
    )


def centre_x(locator):
    b = box(locator)
    return (b["left"] + b["right"]) / 2


# Where each character of an element's text is drawn, in text order: [char, left, right].
_CHARACTERS = """(node) => {
  const text = node.firstChild;
  const out = [];
  for (let i = 0; i < text.length; i++) {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const r = range.getBoundingClientRect();
    out.push([text.data[i], r.left, r.right]);
  }
  return out;
}"""


def assert_reads_left_to_right(locator, what):
    """Each character of the element's text is drawn to the right of the one before it."""
    characters = locator.evaluate(_CHARACTERS)
    assert len(characters) >= 3, characters
    lefts = [left for _, left, _ in characters]
    assert lefts == sorted(lefts), f"{what} is not drawn left to right: {characters}"
    style = locator.evaluate(
        "(n) => { const s = getComputedStyle(n); return [s.direction, s.unicodeBidi]; }"
    )
    assert style == ["ltr", "isolate"], f"{what} is not isolated left to right: {style}"


def reads_downward(locator):
    """Whether a word set on its side reads from the top down (its first letter highest)."""
    tops = locator.evaluate(
        "(n) => [0, n.firstChild.length - 1].map((i) => { const range = document.createRange();"
        " range.setStart(n.firstChild, i); range.setEnd(n.firstChild, i + 1);"
        " return range.getBoundingClientRect().top; })"
    )
    return tops[0] < tops[1]


def assert_text_at_start(locator, what):
    """A start-aligned block's text sits on the right of its box (in a right-to-left page).

    Every line of it ends on the right, the short last line too (a left-aligned text wraps to
    a ragged right). Interface words only: a workshop's own text (.user-text) takes the
    direction of its words."""
    # The range's boxes come per piece of text (an inline element is a piece): grouped by
    # line, each line's rightmost edge.
    lines = locator.evaluate(
        "(n) => { const range = document.createRange(); range.selectNodeContents(n);"
        " const ends = new Map();"
        " for (const r of range.getClientRects()) { if (!r.width) continue;"
        "   const line = Math.round(r.bottom);"
        "   ends.set(line, Math.max(ends.get(line) ?? -1e9, r.right)); }"
        " return [...ends.values()].map((right) => ({right})); }"
    )
    own = box(locator)
    assert lines, f"{what} shows no text"
    for line in lines:
        assert abs(line["right"] - own["right"]) <= 2, f"{what} does not start on the right: {line}"


# Every chart's texts and bars, and its own box, in window coordinates.
_CHARTS = """(root) => [...root.querySelectorAll('svg.chart')].map((chart) => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  return {
    kind: chart.getAttribute('class'),
    plot: box(chart),
    texts: [...chart.querySelectorAll('text')].map((t) => ({text: t.textContent,
      cls: t.getAttribute('class'), ...box(t)})),
    bars: [...chart.querySelectorAll('.bar')].map(box),
  };
})"""


def ink(text):
    """The part of a text's box its letters take: without the line's room above and below."""
    height = text["bottom"] - text["top"]
    return {**text, "top": text["top"] + 0.2 * height, "bottom": text["bottom"] - 0.15 * height}


def assert_charts_read(page, selector, what):
    """Every chart under `selector`: texts inside the chart, apart, and clear of every bar."""
    charts = page.locator(selector).evaluate(_CHARTS)
    assert charts, f"{what}: no chart under {selector}"
    for chart in charts:
        plot = chart["plot"]
        for text in chart["texts"]:
            assert plot["left"] - 1 <= text["left"] and text["right"] <= plot["right"] + 1, (
                f"{what}: {text} sticks out of {chart['kind']} {plot}"
            )
            for bar in chart["bars"]:
                assert not overlap(text, bar), f"{what}: {text} is drawn over a bar {bar}"
        # A text's box is its font's whole line, taller than its letters: the choices chart
        # sets a name above its bar and the count beside it, closer than that by design.
        texts = [ink(text) for text in chart["texts"]]
        for i, a in enumerate(texts):
            for b in texts[i + 1 :]:
                assert not overlap(a, b), f"{what}: {a} overlaps {b}"
    return charts


def test_the_phone_mirrors_and_its_countdown_and_pacer_still_read(pages, kiosk):
    console_page = pages.console()
    page = phone(pages)
    expect(page.locator("#step-title")).to_have_text("Welcome")
    assert_nothing_sideways(page, "phone, welcome")
    # The header: the workshop's title at the start (right), the step count at the end.
    assert centre_x(page.locator(".workshop-title")) > centre_x(page.locator("#step-count"))
    pages.shot(page, "rtl-phone-welcome-390x844", full_page=False)

    # A scale: 1 at the start (right), 5 at the end; its words under their ends.
    console_page.locator("#agenda button").nth(BEFORE).click()
    expect(page.locator("#step-title")).to_have_text("How are you?")
    one = page.locator('.scale-row .button[data-value="1"]')
    five = page.locator('.scale-row .button[data-value="5"]')
    assert centre_x(one) > centre_x(five), "the scale does not run right to left"
    labels = page.locator(".scale-labels span")
    assert centre_x(labels.first) > centre_x(labels.last), "Tense is not under the 1"
    assert_nothing_sideways(page, "phone, scale")
    pages.shot(page, "rtl-phone-scale-390x844", full_page=False)

    # The breathing pacer does not move off its circle.
    console_page.locator("#agenda button").nth(BREATHE).click()
    expect(page.locator("#step-title")).to_have_text("Breathe together")
    shape, dot = box(page.locator(".pacer-shape")), box(page.locator(".pacer-dot"))
    assert abs((shape["left"] + shape["right"]) / 2 - (dot["left"] + dot["right"]) / 2) < 1
    assert_reads_left_to_right(page.locator(".countdown .digits"), "the pacer's countdown")
    assert_nothing_sideways(page, "phone, pacer")
    pages.shot(page, "rtl-phone-pacer-390x844", full_page=False)

    # The countdown reads m:ss left to right: "0:30", never "30:0".
    console_page.locator("#agenda button").nth(SAVOUR).click()
    expect(page.locator("#step-title")).to_have_text("Savour")
    digits = page.locator(".countdown .digits")
    expect(digits).to_have_text("0:30")
    assert_reads_left_to_right(digits, "the countdown")
    console_page.get_by_role("button", name="Start").click()
    expect(digits).not_to_have_text("0:30")
    assert_reads_left_to_right(digits, "the running countdown")
    assert_nothing_sideways(page, "phone, countdown")
    pages.shot(page, "rtl-phone-countdown-390x844", full_page=False)


def test_the_phone_mood_grid_mirrors_and_its_arrow_keys_follow(pages, kiosk):
    session = pages.session = kiosk.create_session("calm-and-connect")
    with room(kiosk, session, 0) as (command, _):
        command("goto", index=CHECK_IN)
        page = phone(pages)
        expect(page.locator(".mood-cell").first).to_be_visible()
        # Unpleasant at the start (right), pleasant at the end (left), each word facing out.
        unpleasant = page.locator(".mood-axis.unpleasant")
        pleasant = page.locator(".mood-axis.pleasant")
        assert centre_x(unpleasant) > centre_x(pleasant)
        assert reads_downward(unpleasant), "the word on the right does not face out"
        assert not reads_downward(pleasant), "the word on the left does not face out"
        middle = page.locator('.mood-cell[data-value="0,0"]')
        assert centre_x(page.locator('.mood-cell[data-value="-3,0"]')) > centre_x(middle)
        # The right arrow moves to the cell on the right, whatever it means.
        middle.focus()
        page.keyboard.press("ArrowRight")
        focused = page.locator(".mood-cell:focus")
        assert centre_x(focused) > centre_x(middle), "the right arrow went left"
        assert focused.get_attribute("data-value") == "-1,0"
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        assert page.locator(".mood-cell:focus").get_attribute("data-value") == "1,0"
        assert_text_at_start(page.locator(".mood-help"), "the grid's help")
        assert_nothing_sideways(page, "phone, mood grid")
        pages.shot(page, "rtl-phone-mood-390x844")


def test_the_projector_mirrors_and_keeps_the_code_and_the_time_readable(pages, kiosk):
    console_page = pages.console()
    page = screen(pages)
    code = page.locator(".join-code")
    expect(code).to_have_text(pages.session["code"])
    # The QR code at the start (right), the words beside it; the code read left to right.
    how = page.locator(".lobby-how").first
    assert centre_x(page.locator(".lobby-qr")) > centre_x(how)
    assert_text_at_start(how, "the lobby's words")
    assert_reads_left_to_right(code, "the join code")
    # The code and the address read left to right, and start where the words beside them start.
    for line in (code, page.locator(".join-url")):
        assert abs(box(line)["right"] - box(how)["right"]) < 2
        assert_text_at_start(line, "the join code and address")
    assert_nothing_sideways(page, "screen, lobby")
    pages.shot(page, "rtl-screen-lobby-1920x1080", full_page=False)

    console_page.locator("#agenda button").nth(SAVOUR).click()
    expect(page.locator("#step-title")).to_have_text("Savour")
    digits = page.locator(".countdown .digits")
    expect(digits).to_have_text("0:30")
    # The step's words at the start (right), the countdown at the end; the corner code at the
    # bottom end (left).
    assert centre_x(page.locator(".stage-text")) > centre_x(page.locator(".countdown"))
    corner = box(page.locator(".corner-qr"))
    assert corner["left"] < PROJECTOR["width"] * 0.05, f"the corner code is right: {corner}"
    assert not overlap(corner, box(page.locator(".countdown")))
    assert not overlap(corner, box(page.locator(".timer-state")))
    assert_reads_left_to_right(digits, "the countdown")
    assert_reads_left_to_right(page.locator(".corner-code"), "the corner code")
    assert_nothing_sideways(page, "screen, countdown")
    pages.shot(page, "rtl-screen-countdown-1920x1080", full_page=False)


@pytest.fixture
def answers(kiosk, pages):
    """calm-and-connect, its prompts answered by six phones: (command, reveal(index))."""
    session = pages.session = kiosk.create_session("calm-and-connect")
    with room(kiosk, session, 6) as (command, answer_all):
        command("goto", index=CHECK_IN)
        answer_all(
            "mood-before",
            [mood(p, e) for p, e in [(-2, 2), (-2, 2), (-2, 2), (-1, 3), (2, 0), (0, 2)]],
        )
        command("goto", index=FEELINGS)
        answer_all(
            "feelings-after-benefactor",
            [["calm", "warm"], ["tired"], ["calm"], ["grateful", "calm"], ["safe"], ["tense"]],
        )
        command("goto", index=STEADY)
        answer_all("steady", [1, 1, 1, 2, 4, 5])
        command("goto", index=TAKE_HOME)
        answer_all("take-home", ["Hand on the heart"] * 4 + ["Twenty-second hug"] * 2)
        command("goto", index=CHECK_IN_AGAIN)
        answer_all(
            "mood-after",
            [mood(p, e) for p, e in [(1, -1), (1, 0), (2, -1), (0, 1), (2, -2), (1, 0)]],
        )
        yield command


def assert_histogram_mirrors(page, where):
    """The scale's lowest value at the start (right): its bar, its tick and its end label."""
    chart = page.locator(".chart-histogram")
    ticks = chart.locator("text.tick")
    assert centre_x(ticks.first) > centre_x(ticks.last), f"{where}: the scale is not mirrored"
    bars = chart.locator(".bar")
    assert centre_x(bars.first) > centre_x(bars.last)
    # Each bar's tick under it, and the lowest value's word on the same side as its bar.
    for i in range(ticks.count()):
        assert abs(centre_x(ticks.nth(i)) - centre_x(bars.nth(i))) < 2
    low, high = page.locator(".end-label.low"), page.locator(".end-label.high")
    assert centre_x(low) > centre_x(high), f"{where}: the end labels are on the wrong ends"


def test_the_projector_charts_mirror_and_read(pages, kiosk, answers):
    page = screen(pages)
    command = answers
    command("goto", index=STEADY)
    command("reveal")
    expect(page.locator("#results.kind-scale .chart-histogram")).to_be_visible()
    assert_histogram_mirrors(page, "screen")
    assert_charts_read(page, "#results", "screen, scale")
    assert_nothing_sideways(page, "screen, scale")
    pages.shot(page, "rtl-screen-scale-1920x1080", full_page=False)

    command("goto", index=TAKE_HOME)
    command("reveal")
    chart = page.locator("#results.kind-choice .chart-choices")
    expect(chart).to_be_visible()
    # Each option's name ends at the start (right) edge, its bar grows from there toward the left.
    labels, bars = chart.locator(".row-label").all(), chart.locator(".bar").all()
    assert len(labels) == len(bars) > 1
    start = box(labels[0])["right"]
    assert start > centre_x(chart) + 200, "the names are not on the right"
    for label, bar in zip(labels, bars, strict=True):
        assert abs(box(label)["right"] - start) < 3, "a name does not end at the start edge"
        assert abs(box(bar)["right"] - start) < 3, "a bar does not grow from the start edge"
    assert_charts_read(page, "#results", "screen, choices")
    pages.shot(page, "rtl-screen-choices-1920x1080", full_page=False)

    command("goto", index=FEELINGS)
    command("reveal")
    # (The choices of the step before are drawn the same way: wait for the feelings' own.)
    expect(page.locator("#results.kind-feelings .chart-choices")).to_be_visible()
    assert_charts_read(page, "#results", "screen, feelings")
    assert_nothing_sideways(page, "screen, feelings")
    pages.shot(page, "rtl-screen-feelings-1920x1080", full_page=False)

    command("goto", index=CHECK_IN_AGAIN)
    command("reveal")
    chart = page.locator("#results.kind-mood .chart-mood")
    expect(chart).to_be_visible()
    # Unpleasant at the start (right), as on the phone's grid: the three answers at -2
    # before are right of the middle, and the arrow runs from there toward the left.
    axis = {t.text_content().lower(): centre_x(t) for t in chart.locator(".axis-label").all()}
    assert axis["unpleasant"] > axis["pleasant"], axis
    start, end = chart.locator(".shift-start"), chart.locator(".shift-end")
    assert centre_x(start) > centre_x(end), "the room moved toward pleasant: leftward here"
    assert_charts_read(page, "#results", "screen, mood")
    assert_nothing_sideways(page, "screen, mood")
    pages.shot(page, "rtl-screen-mood-1920x1080", full_page=False)


@pytest.mark.parametrize("viewport", [LAPTOP, SMALL_LAPTOP], ids=["1366x768", "1280x720"])
def test_the_console_mirrors_at_laptop_sizes(pages, kiosk, answers, viewport):
    command = answers
    command("goto", index=STEADY)
    command("reveal")
    page = console(pages, viewport)
    size = f"{viewport['width']}x{viewport['height']}"
    expect(page.locator("#results .chart-histogram")).to_be_visible()
    # The agenda at the start (right), the side panel at the end (left); Back before Next.
    assert centre_x(page.locator(".agenda")) > centre_x(page.locator(".console-main"))
    assert centre_x(page.locator(".console-main")) > centre_x(page.locator(".side"))
    back, forward = page.locator('[data-action="prev"]'), page.locator('[data-action="next"]')
    assert centre_x(back) > centre_x(forward)
    assert_histogram_mirrors(page, "console")
    assert_charts_read(page, "#results", f"console {size}")
    assert_nothing_sideways(page, f"console {size}")
    pages.shot(page, f"rtl-console-scale-{size}", full_page=False)

    command("goto", index=SAVOURING)
    digits = page.locator(".dock .countdown .digits")
    expect(digits).to_be_visible()
    assert_reads_left_to_right(digits, "the console's countdown")
    assert_nothing_sideways(page, f"console {size}, countdown")
    pages.shot(page, f"rtl-console-countdown-{size}", full_page=False)


def test_the_report_mirrors_and_its_charts_read(pages, kiosk, answers):
    command = answers
    command("end")
    s = pages.session
    page = open_rtl(pages, "report-rtl", LAPTOP, f"/f/{s['code']}/report#{s['facilitator_token']}")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    # The timings: the step at the start (right), its times at the end (left).
    row = page.locator(".timings tbody tr").first
    assert centre_x(row.locator("th, td").first) > centre_x(row.locator("td").last)
    assert_text_at_start(page.locator(".report-kicker"), "the report's first line")
    assert_histogram_mirrors(page, "report")
    assert_charts_read(page, "#prompts", "report")
    assert_nothing_sideways(page, "report")
    pages.shot(page, "rtl-report-1366x768")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)
    assert_charts_read(page, "#prompts", "report on a phone")
    assert_nothing_sideways(page, "report on a phone")
    pages.shot(page, "rtl-report-390x844")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366x768", "390x844"])
def test_the_studio_mirrors(pages, kiosk, viewport):
    size = f"{viewport['width']}x{viewport['height']}"
    page = open_rtl(pages, "studio-rtl", viewport, "/home")
    page.locator("#admin-key").fill(ADMIN_KEY)
    page.locator("#admin-key").press("Enter")
    expect(page.locator(".workshop-list")).to_be_visible()
    assert_nothing_sideways(page, f"home {size}")
    page.locator('.home-header a[href="/studio"]').click()
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    # The heading at the start (right) of its header, the way back at the end.
    header = box(page.locator(".studio-header"))
    assert abs(box(page.locator(".studio-header h1"))["right"] - header["right"]) < 2
    assert_text_at_start(page.locator("#make-heading"), "the first section's heading")
    assert_nothing_sideways(page, f"studio {size}")
    pages.shot(page, f"rtl-studio-{size}", full_page=False)
    page.locator('.studio-item[data-id="tiny"] a[href="/studio/tiny"]').click()
    expect(page.locator(".step-item").first).to_be_visible()
    selected = page.locator(".step-item.selected")
    expect(selected).to_be_visible()
    # The selected step's bar is on its start side (right).
    # (The list is drawn again as the editor loads: expect waits for the one that stays.)
    expect(selected).to_have_css("box-shadow", re.compile(r"\) -4px 0px 0px 0px inset$"))
    assert_nothing_sideways(page, f"studio editor {size}")
    pages.shot(page, f"rtl-studio-editor-{size}", full_page=False)
