"""Workshops in other languages through the kiosk: the translated built-ins are listed and
run, and a word cloud of German, French, Spanish or Arabic answers leaves out the words that
only hold a sentence together ("ich fühle mich", "je me sens", "me siento", "أنا أشعر")."""

from __future__ import annotations

import time

import pytest

from tests.conftest import ADMIN_KEY
from workshop.script import DEFAULT_FEELINGS

KEY = {"Authorization": f"Bearer {ADMIN_KEY}"}
TRANSLATED = {"de": "Ruhe und Verbundenheit", "fr": "Calme et lien", "es": "Calma y conexión"}

# Answers as a room types them, and the cloud they make: the function words are gone, the
# words that carry the meaning stay, counted once per answer.
CLOUDS = {
    "de": (
        ["Ich fühle mich ruhig und geborgen", "meine Familie ist mir nah", "Familie, Ruhe"],
        {"familie": 2, "geborgen": 1, "nah": 1, "ruhe": 1, "ruhig": 1},
    ),
    "fr": (
        ["Je me sens calme avec ma famille", "l'amour de mes enfants", "c’est l’amour"],
        {"amour": 2, "calme": 1, "enfants": 1, "famille": 1},
    ),
    "es": (
        ["Me siento en calma con mi familia", "el amor de mis hijos", "la familia es todo"],
        {"familia": 2, "amor": 1, "calma": 1, "hijos": 1},
    ),
    "ar": (
        ["أنا أشعر بالهدوء مع عائلتي", "انا احس بالأمان في البيت", "عائلتي هي كل شيء"],
        {"عائلتي": 2, "البيت": 1, "بالأمان": 1, "بالهدوء": 1, "شيء": 1},
    ),
}

ARABIC = """\
id: wasl
title: هدوء وتواصل
language: ar
steps:
  - id: symbol
    title: رمز للتواصل
    prompt: {id: symbol, kind: words, question: كلمة تعني لك التواصل}
  - id: feelings
    title: المشاعر
    prompt: {id: feelings, kind: feelings, question: ما المشاعر الموجودة الآن؟}
"""


def wait_for(role, name, predicate, timeout=5.0):
    """The first event `name` whose payload matches, collected until `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event, payload in role.received():
            if event == name and predicate(payload):
                return payload
        time.sleep(0.02)
    raise AssertionError(f"no matching {name!r} within {timeout}s")


def start(app, workshop_id: str) -> dict:
    response = app.test_client().post("/api/sessions", json={"workshop": workshop_id}, headers=KEY)
    assert response.status_code == 201, response.json
    return response.json


def test_the_translated_built_ins_are_listed_as_built_in(app):
    listed = app.test_client().get("/api/workshops", headers=KEY).json["workshops"]
    english = next(w for w in listed if w["id"] == "calm-and-connect")
    for language, title in TRANSLATED.items():
        mine = next(w for w in listed if w["id"] == f"calm-and-connect-{language}")
        assert mine == {
            **english,
            "id": f"calm-and-connect-{language}",
            "title": title,
            "language": language,
        }
        assert mine["builtin"] is True and mine["steps"] == 19


@pytest.mark.parametrize("language", sorted(CLOUDS))
def test_a_word_cloud_leaves_the_function_words_of_its_language_out(app, connect, join, language):
    if language == "ar":
        stored = app.test_client().post(
            "/api/workshops",
            data=ARABIC.encode("utf-8"),
            headers={**KEY, "Content-Type": "application/yaml"},
        )
        assert stored.status_code == 201, stored.json
        session, step = start(app, "wasl"), 0
    else:
        session, step = start(app, f"calm-and-connect-{language}"), 15
    code = session["code"]
    console = connect("/facilitator", {"code": code, "token": session["facilitator_token"]})
    assert console.command("goto", index=step)["ok"]
    answers, cloud = CLOUDS[language]
    for number, text in enumerate(answers):
        phone = join(code, f"phone-{number}")
        assert phone.ack("respond", {"prompt_id": "symbol", "value": text})["ok"]
    results = wait_for(console, "results", lambda r: r["count"] == len(answers))
    assert {entry["word"]: entry["count"] for entry in results["words"]} == cloud


def test_an_arabic_feelings_question_offers_arabic_feelings(app):
    client = app.test_client()
    headers = {**KEY, "Content-Type": "application/yaml"}
    assert (
        client.post("/api/workshops", data=ARABIC.encode("utf-8"), headers=headers).status_code
        == 201
    )
    stored = client.get("/api/workshops/wasl", headers=KEY).json
    assert stored["steps"][1]["prompt"]["options"] == DEFAULT_FEELINGS["ar"]
