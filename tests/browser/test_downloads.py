"""Downloads and printing, from the console and from the report, as the facilitator clicks them.

One session for the module: one phone's answers, then only reads.
"""

import csv
import io
import json

import pytest
from playwright.sync_api import expect

BEFORE, WORD = 1, 4


@pytest.fixture(scope="module")
def session(kiosk):
    """One session shared by the module's tests."""
    return kiosk.create_session("tiny")


def give_answers(console, phone):
    """A scale answer and a words answer, typed on the phone."""
    console.locator("#agenda button").nth(BEFORE).click()
    phone.locator(".scale-row button", has_text="4").click()
    expect(phone.locator("#received")).to_contain_text("Received")
    console.locator("#agenda button").nth(WORD).click()
    phone.locator("#words").fill("Grüße, 🌱")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#received")).to_contain_text("Received")
    expect(console.locator("#answers")).to_have_text("1")


def saved(page, click):
    """Click, wait for the file the browser saves, and return its name and text."""
    with page.expect_download() as started:
        click()
    download = started.value
    return download.suggested_filename, open(download.path(), encoding="utf-8-sig").read()


def check_files(page, code, csv_button, json_button):
    name, text = saved(page, page.get_by_role("button", name=csv_button).click)
    assert name == f"attune-{code}.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {(r["prompt_id"], r["value"]) for r in rows} == {
        ("mood-before", "4"),
        ("symbol", "Grüße, 🌱"),
    }, rows
    name, text = saved(page, page.get_by_role("button", name=json_button).click)
    assert name == f"attune-{code}.json"
    values = json.dumps(json.loads(text), ensure_ascii=False)
    assert "Grüße, 🌱" in values and "mood-before" in values


def test_the_console_saves_every_answer_as_csv_and_json(pages, session):
    console, phone = pages.console(), pages.phone()
    give_answers(console, phone)
    check_files(console, session["code"], "Answers CSV", "Answers JSON")
    expect(console.locator("#status")).to_be_empty()


def test_the_report_prints_and_saves_every_answer(pages, session):
    console = pages.console()
    report = pages.popup(
        console, "report", console.get_by_role("link", name="Open the report").click
    )
    expect(report.locator("body")).to_have_attribute("data-loaded", "true")
    check_files(report, session["code"], "Download answers (CSV)", "Download answers (JSON)")
    expect(report.locator("#report-status")).to_be_empty()

    # Print opens the browser's print dialog (headless Chromium fires beforeprint, then
    # returns); the printed page shows the report without its buttons.
    report.evaluate(
        "window.__printing = 0;"
        "window.addEventListener('beforeprint', () => { window.__printing += 1; })"
    )
    report.get_by_role("button", name="Print or save as PDF").click()
    report.wait_for_function("() => window.__printing === 1")
    report.emulate_media(media="print")
    expect(report.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    expect(report.get_by_role("heading", name="Timings")).to_be_visible()
    expect(report.get_by_role("heading", name="Step 2: How do you feel right now?")).to_be_visible()
