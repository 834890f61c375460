"""The rooms' pages and HTTP answers in the reader's language (#17).

The console, the screen and the report speak the workshop's language unless the browser chose
another; error pages are translated on the server; the JSON API keeps its English `error` and
adds the message's key for the pages to translate.
"""

from __future__ import annotations

import re

import pytest

from harness.pseudo import OPEN
from harness.pseudo import write_pseudo_catalogue
from tests.conftest import ADMIN_KEY
from tests.conftest import FIXTURES
from transport.i18n import LANGUAGE_COOKIE

BEARER = {"Authorization": f"Bearer {ADMIN_KEY}"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


@pytest.fixture
def pseudo_app(tmp_path, clock):
    """The kiosk with the pseudo-catalogue as German, running a German workshop."""
    from app import create_app

    return create_app(
        {
            "DB": str(tmp_path / "kiosk.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "WORKSHOP": str(FIXTURES / "raum.yaml"),
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": clock,
            "TRANSLATIONS": str(write_pseudo_catalogue(tmp_path / "translations")),
        }
    )


def _session(client, workshop: str) -> dict:
    response = client.post("/api/sessions", json={"workshop": workshop}, headers=BEARER)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json


def _language(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize("page", ["/f/{code}", "/s/{code}", "/f/{code}/report"])
def test_facilitator_pages_speak_the_workshops_language_until_the_browser_chooses(pseudo_app, page):
    client = pseudo_app.test_client()
    code = _session(client, "raum")["code"]
    address = page.format(code=code)
    assert _language(client.get(address, headers=ENGLISH)) == "de"
    # An English workshop's, in English, whatever the browser asks for.
    english_code = _session(client, "calm-and-connect")["code"]
    assert _language(client.get(page.format(code=english_code), headers=GERMAN)) == "en"
    # A choice on this browser wins over the workshop's language, and is remembered.
    assert _language(client.get(f"{address}?lang=en", headers=GERMAN)) == "en"
    assert client.get_cookie(LANGUAGE_COOKIE).value == "en"
    assert _language(client.get(address, headers=GERMAN)) == "en"


def test_the_workshops_texts_carry_its_language_on_a_page_in_another(pseudo_app):
    client = pseudo_app.test_client()
    code = _session(client, "raum")["code"]
    page = client.get(f"/f/{code}?lang=en").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert 'id="step-title" class="step-title user-text" lang="de" dir="ltr"' in page
    assert 'data-workshop-lang="de"' in page
    screen = client.get(f"/s/{code}").get_data(as_text=True)
    assert 'id="lobby-title" class="user-text" lang="de" dir="ltr">Ankommen im Raum<' in screen


def test_error_pages_are_translated_on_the_server(pseudo_app):
    client = pseudo_app.test_client()
    for address in ("/j/ZZZZ22", "/no/such/page"):
        page = client.get(address, headers=GERMAN).get_data(as_text=True)
        heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
        words = re.search(r"<main class=\"page-message\">.*?<p>(.*?)</p>", page, re.S).group(1)
        assert heading.startswith(OPEN) and words.startswith(OPEN), page
    english = client.get("/j/ZZZZ22", headers=ENGLISH).get_data(as_text=True)
    assert "<h1>Not found</h1>" in english
    assert "No session has this code. Check the code on the screen." in english


def test_a_refused_home_form_says_why_in_the_readers_language(pseudo_app):
    client = pseudo_app.test_client()
    refused = client.post(
        "/home/sessions",
        data={"workshop": "raum"},
        headers={**GERMAN, "Sec-Fetch-Site": "cross-site"},
    )
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert f"{OPEN}This form can only be sent from the kiosk&#39;s own pages." in page


def test_api_errors_keep_english_and_add_the_key_for_pages(pseudo_app):
    client = pseudo_app.test_client()
    code = _session(client, "raum")["code"]
    refused = client.get(f"/api/sessions/{code}/report.json", headers=GERMAN)
    assert refused.status_code == 401
    assert refused.json["error"] == "send the facilitator token as 'Authorization: Bearer <token>'"
    assert refused.json["message"] == {"key": refused.json["error"], "params": {}}
    # werkzeug's own refusals stay as they were for API clients.
    missing = client.get("/api/no-such-thing", headers=GERMAN)
    assert missing.status_code == 404 and "message" not in missing.json
    assert OPEN not in missing.json["error"]


def test_a_spent_guessing_budget_is_told_in_the_readers_language(tmp_path, clock):
    from app import create_app

    app = create_app(
        {
            "DB": str(tmp_path / "kiosk.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": clock,
            "GUESS_LIMIT": 2,
            "TRANSLATIONS": str(write_pseudo_catalogue(tmp_path / "translations")),
        }
    )
    client = app.test_client()
    for code in ("ZZZZ22", "ZZZZ23"):
        assert client.get(f"/?code={code}", headers=GERMAN).status_code == 404
    landing = client.get("/?code=ZZZZ24", headers=GERMAN)
    assert landing.status_code == 429
    wait = re.search(r'<p id="code-wait"[^>]*>(.*?)</p>', landing.get_data(as_text=True)).group(1)
    # The whole sentence, and the reason inside it, are the catalogue's.
    assert wait.startswith(f"{OPEN}{OPEN}Too many wrong join codes"), wait
    page = client.get("/j/ZZZZ25", headers=GERMAN)
    assert page.status_code == 429
    text = page.get_data(as_text=True)
    assert f"<h1>{OPEN}Wait a moment⟧</h1>" in text
    assert f"<p>{OPEN}{OPEN}Too many wrong join codes" in text
    for key in ("wrong-1", "wrong-2"):
        client.post(
            "/home/login", data={"admin_key": key}, headers={"Sec-Fetch-Site": "same-origin"}
        )
    login = client.post(
        "/home/login",
        data={"admin_key": "wrong-3"},
        headers={**GERMAN, "Sec-Fetch-Site": "same-origin"},
    )
    assert login.status_code == 429
    assert f'role="alert">{OPEN}{OPEN}Too many wrong admin keys' in login.get_data(as_text=True)
