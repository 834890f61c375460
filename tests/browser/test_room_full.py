"""Refused connections as people see them: in words, and in by themselves when it helps."""

import socket

import pytest
from playwright.sync_api import expect

from harness.live import LiveServer
from harness.wire import upgrade_request
from tests.browser.conftest import PHONE
from tests.browser.conftest import PROJECTOR
from tests.browser.conftest import Pages
from tests.conftest import TINY

ROOM_FULL = "The room is full on this kiosk — please tell the facilitator"
LAPTOP_1366 = {"width": 1366, "height": 768}


@pytest.fixture
def one_phone_kiosk(tmp_path):
    server = LiveServer(
        tmp_path / "full.db", workshop=TINY, env={"KIOSK_MAX_PARTICIPANTS": "1"}
    ).start()
    yield server
    server.kill()


@pytest.fixture
def full_pages(chromium, one_phone_kiosk):
    opened = Pages(chromium, one_phone_kiosk, one_phone_kiosk.create_session("tiny"))
    yield opened
    opened.close()
    assert opened.errors == [], "no console errors, page errors or dialogs on any page"


def test_a_phone_that_finds_the_room_full_is_told_so_and_gets_in_when_a_place_frees(full_pages):
    first = full_pages.phone("first")
    expect(first.locator("#step-title")).to_have_text("Welcome")

    second, _ = full_pages.open("", "second", PHONE)
    failed = []
    second.on("response", lambda r: r.status >= 400 and failed.append((r.request.method, r.url)))
    second.goto(f"{full_pages.kiosk.url}/j/{full_pages.session['code']}")
    refused = second.locator("#refused")
    expect(refused.get_by_role("heading")).to_have_text(ROOM_FULL)
    expect(refused).to_contain_text("This page tries again by itself in")
    expect(second.get_by_role("button", name="I need a moment")).to_be_hidden()
    assert second.locator("body").get_attribute("data-connected") == "false"
    full_pages.shot(second, "phone-room-full-390x844")

    # The first phone leaves (its page is closed); the second one's own retry, 15-30 s after
    # the refusal, finds the free place without anybody touching it.
    first.context.close()
    second.wait_for_selector("body[data-connected=true]", timeout=40_000)
    expect(second.locator("#step-title")).to_have_text("Welcome")
    expect(refused).to_be_hidden()
    expect(second.get_by_role("button", name="I need a moment")).to_be_visible()
    _only_a_stale_poll_failed(failed)


def _only_a_stale_poll_failed(failed):
    """No request failed but, at most, the refused connection's last long-poll.

    (Its 400 and the console line Chromium logs for it are the conftest's to forgive.)
    """
    polls = [url for method, url in failed if method == "GET" and "transport=polling" in url]
    assert len(polls) == len(failed) <= 1, failed


@pytest.fixture
def small_kiosk(tmp_path):
    """A kiosk started with a hard limit of 1024 open files, as on many desktops."""
    server = LiveServer(tmp_path / "small.db", workshop=TINY, open_files=(1024, 1024)).start()
    yield server
    server.kill()


def _hold_descriptors_down_to_the_floor(port: int) -> list[socket.socket]:
    """Open engine.io websockets (no namespace) until the kiosk refuses the next one."""
    held = []
    for _ in range(1024):
        connection = socket.create_connection(("127.0.0.1", port), timeout=10)
        connection.sendall(upgrade_request("127.0.0.1", port))
        head = connection.recv(4096)
        if not head.startswith(b"HTTP/1.1 101"):
            connection.close()
            assert head.startswith(b"HTTP/1.1 503"), head
            return held
        held.append(connection)
    raise AssertionError("the kiosk never refused a connection")


def test_a_screen_on_a_kiosk_out_of_connections_says_so_and_gets_in_when_some_free(
    chromium, small_kiosk
):
    pages = Pages(chromium, small_kiosk, small_kiosk.create_session("tiny"))
    held = _hold_descriptors_down_to_the_floor(small_kiosk.port)
    try:
        screen, _ = pages.open("", "screen", PROJECTOR)
        refused = []
        screen.on("response", lambda r: r.status == 503 and refused.append(r.url))
        screen.goto(f"{small_kiosk.url}/s/{pages.session['code']}")
        notice = screen.locator("#notice")
        expect(notice).to_have_text(
            "The kiosk has no room for another connection right now; "
            "this page tries again by itself."
        )
        pages.shot(screen, "screen-no-room-1920x1080")
        for connection in held[:40]:
            connection.close()
        screen.wait_for_selector("body[data-connected=true]", timeout=60_000)
        expect(notice).to_be_hidden()
        expect(screen.locator("#lobby-title")).to_have_text("Tiny test workshop")
        # Chromium logs each refused request; those, and only those, were expected.
        assert refused and all("/socket.io/" in url for url in refused)
        expected = "screen: Failed to load resource: the server responded with a status of 503"
        pages.errors = [e for e in pages.errors if not e.startswith(expected)]
        assert pages.errors == []
    finally:
        pages.close()
        for connection in held:
            connection.close()


def test_a_console_with_a_wrong_link_is_told_why_and_does_not_keep_trying(pages):
    console, _ = pages.open("", "console", LAPTOP_1366)
    asked, failed = [], []
    console.on("request", lambda r: "/socket.io/" in r.url and asked.append(r.url))
    console.on("response", lambda r: r.status >= 400 and failed.append((r.request.method, r.url)))
    console.goto(f"{pages.kiosk.url}/f/{pages.session['code']}#not-the-token")
    notice = console.locator("#notice")
    expect(notice).to_contain_text("console link is not valid")
    expect(notice).not_to_contain_text("tries again")
    pages.shot(console, "console-wrong-link-1366x768")
    handshakes = len([url for url in asked if "sid=" not in url])
    console.wait_for_timeout(3000)
    assert len([url for url in asked if "sid=" not in url]) == handshakes, "no new attempt"
    _only_a_stale_poll_failed(failed)
