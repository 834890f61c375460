"""Layout details a room notices: whole lines on the projector, a mean line that leaves the
counts legible, a phone banner that leaves the header alone, a sound offer made once, a
goodbye without the join screen, and a report that prints on few, full pages."""

from __future__ import annotations

import contextlib
import io
import time

import pypdf
import socketio
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.conftest import PHONE
from tests.browser.geometry import overlap
from tests.browser.geometry import place
from tests.browser.test_core import extra_phones

# calm-and-connect: its prompts' steps, and the last one
CHECK_IN, FEELINGS, STEADY, SYMBOL, TAKE_HOME, CHECK_IN_AGAIN, CLOSING = 2, 10, 13, 15, 16, 17, 18
# tiny: the breathing pacer, a countdown, the hug's countdown, the goodbye
BREATHE, SAVOUR, HUG, BYE = 2, 3, 7, 9


def mood(pleasantness, energy):
    """A mood grid answer."""
    return {"pleasantness": pleasantness, "energy": energy}


LONG_WORD = "Supercalifragilisticexpialidocious" * 4  # 136 characters, no space


@contextlib.contextmanager
def room(kiosk, session, phones: int):
    """A facilitator and `phones` phones over python-socketio: (command, answer_all)."""
    code = session["code"]
    console = socketio.Client()
    console.connect(
        kiosk.url,
        namespaces=["/facilitator"],
        auth={"code": code, "token": session["facilitator_token"]},
        transports=["websocket"],
    )
    clients = extra_phones(kiosk, session, phones)

    def command(action, **fields):
        ack = console.call("command", {"action": action, **fields}, namespace="/facilitator")
        assert ack["ok"], ack

    def answer_all(prompt_id, values):
        for client, value in zip(clients, values, strict=True):
            # The wall lists answers newest first by the millisecond they were stored in, and
            # answers of the same millisecond in an order of their own: a round trip here can
            # take less than one, so each answer goes in a later millisecond, as in a room.
            time.sleep(0.002)
            ack = client.call(
                "respond", {"prompt_id": prompt_id, "value": value}, namespace="/participant"
            )
            assert ack["ok"], ack

    try:
        yield command, answer_all
    finally:
        for client in (console, *clients):
            client.disconnect()


# Every line of text inside `root`: how much of it shows through every clipping ancestor.
_LINES = """(root) => {
  const visible = (node) => {
    let clip = {left: 0, top: 0, right: innerWidth, bottom: innerHeight};
    for (let el = node.parentElement; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const r = el.getBoundingClientRect();
      const left = r.left + el.clientLeft;
      const top = r.top + el.clientTop;
      const box = {left, top, right: left + el.clientWidth, bottom: top + el.clientHeight};
      clip = {left: Math.max(clip.left, box.left), top: Math.max(clip.top, box.top),
              right: Math.min(clip.right, box.right), bottom: Math.min(clip.bottom, box.bottom)};
    }
    return clip;
  };
  const lines = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.textContent.trim()) continue;
    const clip = visible(text);
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const r of range.getClientRects()) {
      if (r.width === 0 || r.height === 0) continue;
      const shown = Math.max(0, Math.min(r.bottom, clip.bottom) - Math.max(r.top, clip.top));
      const across = Math.max(0, Math.min(r.right, clip.right) - Math.max(r.left, clip.left));
      lines.push({text: text.textContent.slice(0, 40), top: Math.round(r.top), height: r.height,
                  shown: across > 0 ? shown : 0});
    }
  }
  return lines;
}"""


def half_cut_lines(page, selector):
    """Lines of text under `selector` that show partly: neither whole nor wholly hidden.

    A line's box is a little taller than its glyphs, so a pixel or two either way is no cut.
    """
    lines = page.locator(selector).evaluate(_LINES)
    assert lines, f"no text under {selector}"
    return [line for line in lines if 3 < line["shown"] < line["height"] - 3]


def test_the_projector_shows_words_answers_in_whole_lines_only(pages, kiosk):
    session = pages.session = kiosk.create_session("calm-and-connect")
    screen = pages.screen()
    words = [
        "my grandmother's ring and the smell of her kitchen on sunday mornings when it rained",
        f"{LONG_WORD[:60]} and {LONG_WORD[:70]}",
        "trust",
        "a warm cup of tea shared with an old friend by the window",
        "home",
        LONG_WORD,  # the newest: first on the wall
    ]
    with room(kiosk, session, len(words)) as (command, answer_all):
        command("goto", index=SYMBOL)
        answer_all("symbol", words)
        command("reveal")
        # Every answer is in (results arrive in coalesced updates): measure the last layout.
        expect(screen.locator("#results .results-count")).to_have_text(f"{len(words)} answers")
        expect(screen.locator("#results .answer-wall .answer").first).to_have_text(LONG_WORD)
        pages.shot(screen, "screen-words-1920x1080")
        assert half_cut_lines(screen, "#results") == []
        # The long word's own tile: two whole lines, then an ellipsis.
        tile = screen.locator("#results .answer-wall .answer").first
        # (The clamped-off text may report boxes on the last line shown: count lines by top.)
        shown = {line["top"] for line in tile.evaluate(_LINES) if line["shown"]}
        assert len(shown) == 2, shown
        # Full screen (or any new size) lays them out again, still whole.
        screen.set_viewport_size({"width": 1280, "height": 720})
        screen.wait_for_timeout(300)
        assert half_cut_lines(screen, "#results") == []
        pages.shot(screen, "screen-words-1280x720")


# The count labels and the pieces of the mean line of every histogram on the page.
_MEAN_AND_COUNTS = """(root) => [...root.querySelectorAll('.chart-histogram')].map((chart) => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  return {
    counts: [...chart.querySelectorAll('text.count')]
      .map((t) => ({text: t.textContent, ...box(t)})),
    lines: [...chart.querySelectorAll('.mean-line')].map(box),
    plot: box(chart),
  };
})"""


def test_the_mean_line_never_crosses_a_count(pages, kiosk):
    session = pages.session = kiosk.create_session("calm-and-connect")
    console = pages.console()
    screen = pages.screen()
    # Mean 4.0 exactly: the line stands on the middle of the "3" over the fourth bar.
    with room(kiosk, session, 3) as (command, answer_all):
        command("goto", index=STEADY)
        answer_all("steady", [4, 4, 4])
        command("reveal")
        for page, name in ((screen, "screen-1920x1080"), (console, "console-1440x900")):
            expect(page.locator("#results .mean-label")).to_have_text("mean 4")
            charts = page.locator("#results").evaluate(_MEAN_AND_COUNTS)
            assert len(charts) == 1
            chart = charts[0]
            assert chart["lines"], "the mean is still drawn"
            drawn = sum(line["bottom"] - line["top"] for line in chart["lines"])
            plot_height = chart["plot"]["bottom"] - chart["plot"]["top"]
            assert drawn > 0.5 * plot_height, "most of the line is still there"
            for count in chart["counts"]:
                for line in chart["lines"]:
                    # A line has no width; give it the width it is drawn with.
                    stroke = {**line, "left": line["left"] - 1.5, "right": line["right"] + 1.5}
                    assert not overlap(stroke, count), f"{name}: the mean crosses {count}"
            pages.shot(page, f"mean-line-{name}", full_page=False)


def test_the_phone_banner_leaves_the_header_readable(pages):
    page, context = pages.open("", "phone", PHONE)
    page.goto(f"{pages.kiosk.url}/j/{pages.session['code']}")
    page.wait_for_selector("body[data-connected=true]")
    pages.network_cut = True
    context.set_offline(True)
    notice = page.locator("#notice")
    expect(notice).to_have_text("Reconnecting…", timeout=30_000)
    banner = place(notice)
    for part in (".workshop-title", "#step-count", "#step-title"):
        where = place(page.locator(part))
        assert not overlap(banner["box"], where["box"]), f"the banner covers {part}"
        assert where["inside"] and where["hit"], f"{part} can be seen: {where}"
    pages.shot(page, "phone-reconnecting-390x844", full_page=False)
    context.set_offline(False)
    expect(notice).to_be_hidden(timeout=30_000)


def test_the_sound_offer_is_made_once_where_it_matters_and_remembered(pages, kiosk, session):
    console = pages.console()
    first = pages.phone("phone-first")
    offer = first.locator("#sound-offer")
    # A step with nothing to chime about asks nothing.
    expect(first.locator("#step-title")).to_have_text("Welcome")
    expect(offer).to_be_hidden()
    console.locator("#agenda button").nth(BREATHE).click()
    expect(offer).to_be_visible()
    expect(offer.get_by_role("button", name="Turn on sound")).to_be_visible()
    expect(offer.get_by_role("button", name="No thanks")).to_be_visible()
    pages.shot(first, "phone-sound-offer-390x844", full_page=False)
    # Left unanswered, it is not made again on the next countdown, nor after a reload.
    console.locator("#agenda button").nth(SAVOUR).click()
    expect(first.locator("#step-title")).to_have_text("Savour")
    expect(offer).to_be_hidden()
    first.reload()
    expect(first.locator("#step-title")).to_have_text("Savour")
    expect(first.locator("#sound-offer")).to_be_hidden()

    # "No thanks" is remembered on that phone.
    declining = pages.phone("phone-declining")
    declining.get_by_role("button", name="No thanks").click()
    expect(declining.locator("#sound-offer")).to_be_hidden()
    declining.reload()
    expect(declining.locator("#step-title")).to_have_text("Savour")
    console.locator("#agenda button").nth(HUG).click()
    expect(declining.locator("#step-title")).to_have_text("A hug")
    expect(declining.locator("#sound-offer")).to_be_hidden()

    # "Turn on sound" plays the chime, and on the next visit the first tap turns it on again.
    page, context = pages.open("", "phone-sound", PHONE)
    page.goto(f"{kiosk.url}/j/{session['code']}")
    page.get_by_role("button", name="Turn on sound").click()
    expect(page.locator("body")).to_have_attribute("data-sound", "on")
    expect(page.locator("#sound-offer")).to_be_hidden()
    again = context.new_page()
    pages._watch(again, "phone-sound-again")
    again.goto(f"{kiosk.url}/j/{session['code']}")
    expect(again.locator("#step-title")).to_have_text("A hug")
    expect(again.locator("#sound-offer")).to_be_hidden()
    again.get_by_role("button", name="I need a moment").click()
    expect(again.locator("body")).to_have_attribute("data-sound", "on")


def test_the_last_step_says_goodbye_without_the_join_screen(pages):
    console = pages.console()
    screen = pages.screen()
    expect(screen.locator(".join-code")).to_be_visible()  # the first step invites people in
    console.locator("#agenda button").nth(BYE).click()
    expect(screen.locator("#step-title")).to_have_text("Goodbye")
    expect(screen.locator("#step-text")).to_have_text("Thank you.")
    for invitation in (".join-code", ".join-url", ".lobby-qr img", ".corner-qr img", "#lobby"):
        expect(screen.locator(invitation)).to_be_hidden()
    title = place(screen.locator("#step-title"))
    assert title["inside"] and title["hit"]
    pages.shot(screen, "screen-goodbye-1920x1080")


def test_the_printed_report_fills_two_a4_pages_and_keeps_headings_with_their_results(pages, kiosk):
    session = pages.session = kiosk.create_session("calm-and-connect")
    words = [LONG_WORD, "trust", "my grandmother's ring", "hugs", "tea with a friend", "home"]
    with room(kiosk, session, 6) as (command, answer_all):
        command("goto", index=CHECK_IN)
        answer_all(
            "mood-before",
            [mood(p, e) for p, e in [(-2, 2), (0, 1), (1, 1), (-1, 3), (2, 0), (0, 2)]],
        )
        command("goto", index=FEELINGS)
        answer_all(
            "feelings-after-benefactor",
            [["calm", "warm"], ["tired"], ["calm"], ["grateful", "calm"], ["safe"], ["tense"]],
        )
        command("goto", index=STEADY)
        answer_all("steady", [2, 3, 3, 2, 4, 1])
        command("goto", index=SYMBOL)
        answer_all("symbol", words)
        command("goto", index=TAKE_HOME)
        answer_all("take-home", ["Hand on the heart"] * 3 + ["Twenty-second hug"] * 3)
        command("goto", index=CHECK_IN_AGAIN)
        answer_all(
            "mood-after",
            [mood(p, e) for p, e in [(1, -1), (1, 0), (2, -1), (0, 1), (2, -2), (1, 0)]],
        )
        command("goto", index=CLOSING)
        command("end")
    report, _ = pages.open("", "report", {"width": 1366, "height": 768})
    report.goto(f"{kiosk.url}/f/{session['code']}/report#{session['facilitator_token']}")
    expect(report.locator("body")).to_have_attribute("data-loaded", "true")
    pdf = report.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-a4.pdf").write_bytes(pdf)
    texts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(texts) <= 2, f"{len(texts)} pages"
    # The "Results" heading is followed, on its page, by the first question's figures.
    on_page = next(i for i, text in enumerate(texts) if "\nResults\n" in f"\n{text}\n")
    assert "Step 3: Where are you right now?" in texts[on_page]
    assert "6 answers" in texts[on_page]
    # Every question made it onto paper.
    everything = "\n".join(texts)
    for question in (
        "Step 3: Where are you right now?",
        "Step 11: Which feelings are here now?",
        "Step 14: With your circle around you",
        "Step 16: A word or image",
        "Step 17: Which practice will you take",
        "Step 18: Where are you now?",
    ):
        assert question in everything.replace("\n", " ")
