"""Browser fixtures: the real kiosk process and Debian's Chromium driven by Playwright.

Skipped with a loud notice where /usr/bin/chromium is missing, unless KIOSK_REQUIRE_BROWSER
is set (CI sets it and installs Chromium), in which case a missing browser fails the run.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from harness.live import LiveServer
from tests.conftest import TINY

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1440, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium): browser tests cannot run"
        if os.environ.get("KIOSK_REQUIRE_BROWSER"):
            pytest.fail(message + " and KIOSK_REQUIRE_BROWSER is set")
        warnings.warn(message, stacklevel=1)
        pytest.skip("SKIPPED LOUDLY: " + message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def kiosk(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("browser") / "kiosk.db", workshop=TINY).start()
    yield server
    server.kill()


@pytest.fixture
def session(kiosk):
    return kiosk.create_session("tiny")


class Pages:
    """Opens pages in their own contexts, collects console errors, and saves screenshots."""

    def __init__(self, chromium, kiosk, session):
        self.chromium = chromium
        self.kiosk = kiosk
        self.session = session
        self.errors: list[str] = []
        self.contexts = []
        # Tests that cut the network expect the browser to complain about it, and only that.
        self.network_cut = False
        self.expected_dialogs: list[tuple[str, bool, str | None]] = []
        self.dialogs: list[str] = []
        # Per page: long-polling GETs answered 400 whose console line is not yet forgiven.
        self._stale_polls: dict[str, int] = {}

    def _forgive_stale_polls(self, name: str) -> None:
        """Forgive the console line of each long-poll the kiosk answered 400, and only those.

        A connection the page closes (after a refusal, or a reconnection) may have its last
        long-polling GET arrive after the kiosk dropped the session: engine.io answers it 400
        (unknown session), socket.io-client ignores it, and Chromium logs "Failed to load
        resource" without the URL. Each such line is matched to one seen 400 poll; any other
        400 stays an error.
        """
        line = (
            f"{name}: Failed to load resource: the server responded with a status of 400 "
            "(BAD REQUEST)"
        )
        while self._stale_polls.get(name) and line in self.errors:
            self.errors.remove(line)
            self._stale_polls[name] -= 1

    def _watch(self, page, name):
        def on_console(message):
            if message.type != "error":
                return
            text = message.text
            if self.network_cut and any(
                sign in text
                for sign in (
                    "ERR_INTERNET_DISCONNECTED",
                    "WebSocket connection to",
                    "ERR_NETWORK_CHANGED",
                )
            ):
                return
            self.errors.append(f"{name}: {text}")
            self._forgive_stale_polls(name)

        def on_response(response):
            url = response.url
            if (
                response.status == 400
                and response.request.method == "GET"
                and "/socket.io/" in url
                and "transport=polling" in url
                and "sid=" in url
            ):
                self._stale_polls[name] = self._stale_polls.get(name, 0) + 1
                self._forgive_stale_polls(name)

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda error: self.errors.append(f"{name}: {error}"))

        def on_dialog(dialog):
            # A confirm() or prompt() the test asked for is answered as it said; any other
            # dialog is a failure (an alert() would mean participant text ran as script).
            expected = next((e for e in self.expected_dialogs if e[0] == name), None)
            if expected:
                self.expected_dialogs.remove(expected)
                self.dialogs.append(f"{name}: {dialog.message}")
                _, accept, typed = expected
                if not accept:
                    dialog.dismiss()
                elif typed is None:
                    dialog.accept()
                else:
                    dialog.accept(typed)
            else:
                self.errors.append(f"{name}: dialog {dialog.message}")
                dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    def expect_dialog(self, name, accept=True, typed=None):
        """Expect the next dialog on page `name` and answer it.

        Accepted (a prompt() answered with `typed`), or cancelled with `accept=False`.
        """
        self.expected_dialogs.append((name, accept, typed))

    def open(self, path, name, viewport, **context_options):
        context = self.chromium.new_context(viewport=viewport, **context_options)
        self.contexts.append(context)
        page = self._watch(context.new_page(), name)
        return page, context

    def popup(self, opener, name, click):
        """The tab that `click()` opens from page `opener` (a target=_blank link), watched."""
        with opener.context.expect_page() as opened:
            click()
        return self._watch(opened.value, name)

    def tab(self, context, name):
        """Another tab in `context`: the same cookies, its own sessionStorage."""
        return self._watch(context.new_page(), name)

    def console(self, viewport=LAPTOP, **options):
        s = self.session
        page, _ = self.open("", "console", viewport, **options)
        page.goto(f"{self.kiosk.url}/f/{s['code']}#{s['facilitator_token']}")
        page.wait_for_selector("body[data-connected=true]")
        return page

    def screen(self, **options):
        page, _ = self.open("", "screen", PROJECTOR, **options)
        page.goto(f"{self.kiosk.url}/s/{self.session['code']}")
        page.wait_for_selector("body[data-connected=true]")
        return page

    def phone(self, name="phone", before=None, **options):
        page, context = self.open("", name, PHONE, **options)
        if before:
            before(page)
        page.goto(f"{self.kiosk.url}/j/{self.session['code']}")
        page.wait_for_selector("body[data-connected=true]")
        return page

    def shot(self, page, name, full_page=True):
        """Save a screenshot to test-artifacts/; `full_page=False` keeps to the window."""
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(chromium, kiosk, session):
    opened = Pages(chromium, kiosk, session)
    yield opened
    opened.close()
    assert opened.errors == [], "no console errors, page errors or dialogs on any page"
