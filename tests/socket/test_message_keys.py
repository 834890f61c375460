"""Server messages travel as keys with parameters; each page translates them (issue #17).

One Socket.IO room holds phones in many languages, so the kiosk never words a message in one
language for it: an ack's refusal and a broadcast carry `message: {key, params}` (the key is
the English message as marked with `N_`, so it is in the catalogues), beside the English text.
"""

from __future__ import annotations

import re

import pytest

from app import restarting_notice
from tests.socket.conftest import english
from tools.i18n import extracted

BEFORE = 1  # tiny.yaml: the scale from 1 to 5


@pytest.fixture(scope="module")
def catalogue_keys() -> set[str]:
    """Every message the code marks (what `make i18n` puts in the catalogues)."""
    return {m.id if isinstance(m.id, str) else m.id[0] for m in extracted() if m.id}


def _phone_in(app, connect, code: str, accept_language: str):
    """A phone whose browser asks for `accept_language`: its page, then its connection."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept_language
    page = browser.get(f"/j/{code}")
    assert page.status_code == 200
    language = re.search(r'<html lang="(\w+)"', page.text).group(1)
    role = connect("/participant", {"code": code}, browser=browser)
    assert role.connected
    return role, language


def test_a_refused_answer_carries_its_key_and_parameters(console, phone, catalogue_keys):
    mine = phone()
    console.command("goto", index=BEFORE)
    ack = mine.ack("respond", {"prompt_id": "mood-before", "value": 9})
    assert english(ack) == {"ok": False, "error": "choose a number from 1 to 5"}
    assert ack["message"] == {
        "key": "choose a number from {min} to {max}",
        "params": {"min": 1, "max": 5},
    }
    assert ack["message"]["key"] in catalogue_keys


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"prompt_id": "nope", "value": 1}, "there is no such question in this workshop"),
        ({"prompt_id": "symbol", "value": "hello"}, "that question is not on the current step"),
        (
            {"prompt_id": "mood-before", "value": "x"},
            "a scale answer is a whole number from {min} to {max}",
        ),
    ],
)
def test_every_refusal_a_phone_meets_is_in_the_catalogues(
    console, phone, catalogue_keys, payload, key
):
    mine = phone()
    console.command("goto", index=BEFORE)
    ack = mine.ack("respond", payload)
    assert english(ack)["ok"] is False
    assert ack["message"]["key"] == key
    assert key in catalogue_keys


def test_a_refused_choice_and_signal_carry_keys(phone, catalogue_keys):
    mine = phone()
    consent = mine.ack("consent", {"step_id": "hug", "choice": "join"})
    done = mine.ack("signal", {"kind": "done", "step_id": "welcome"})
    for ack in (consent, done):
        assert english(ack)["ok"] is False
        assert ack["message"]["key"] in catalogue_keys, ack


def test_the_same_broadcast_reaches_a_german_and_a_french_phone_untranslated(
    app, socketio, connect, console, session, catalogue_keys
):
    code = session["code"]
    german, german_page = _phone_in(app, connect, code, "de-DE,de;q=0.9")
    french, french_page = _phone_in(app, connect, code, "fr-FR,fr;q=0.9")
    assert (german_page, french_page) == ("de", "fr")  # each page translates for itself
    german.received()
    french.received()
    console.command("goto", index=BEFORE)
    to_german = german.received("state")
    to_french = french.received("state")
    assert to_german and to_german == to_french
    # A notice to every page (the kiosk stopping): one payload, a key for each page.
    socketio.emit("notice", restarting_notice(), namespace="/participant", to=code)
    notices = [german.received("notice"), french.received("notice")]
    assert notices[0] == notices[1] == [restarting_notice()]
    assert notices[0][0]["message"]["key"] in catalogue_keys
