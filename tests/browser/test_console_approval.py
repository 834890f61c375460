"""Words that wait for approval: the room sees an answer once the facilitator approves it.

Its own kiosk, with a workshop whose words answers wait for approval.
"""

import pytest
from playwright.sync_api import expect

from harness.live import LiveServer
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    """A kiosk running a workshop with `approve_words`."""
    folder = tmp_path_factory.mktemp("approval")
    server = LiveServer(folder / "kiosk.db", workshop=FIXTURES / "approval.yaml").start()
    yield server
    server.kill()


@pytest.fixture
def session(kiosk):
    return kiosk.create_session("approval")


def test_an_answer_reaches_the_room_only_once_approved(pages):
    console, screen, phone = pages.console(), pages.screen(), pages.phone()
    console.get_by_role("button", name="Next →").click()
    phone.locator("#words").fill("gratitude")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#received")).to_contain_text("Received")
    entry = console.locator(".word-entry").filter(has_text="gratitude")
    expect(entry.locator(".word-status")).to_have_text("waiting for approval")
    console.get_by_role("button", name="Reveal results").click()
    expect(screen.locator("#results")).to_be_visible()
    expect(screen.locator("#results")).not_to_contain_text("gratitude")

    console.get_by_role("button", name="Approve: gratitude").click()
    expect(screen.locator("#results .answer-wall")).to_contain_text("gratitude")
    expect(phone.locator("#results")).to_contain_text("gratitude")
    expect(entry.locator(".word-status")).to_have_count(0)
    expect(console.get_by_role("button", name="Hide: gratitude")).to_be_visible()
