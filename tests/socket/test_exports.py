"""Exports: facilitator only, every answer, CSV equal to JSON, formulas defused."""

import csv
import io
import re

from tests.socket.test_session_flow import WORD
from tests.socket.test_session_flow import wait_for

HOSTILE = [
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    'plain, with "quotes"',
    "שלום 🌱",
    "calm;=cmd|' /C calc'!A0",  # a `;` spreadsheet would split this if it were not quoted
    "-2+3",
]


def bearer(session):
    return {"Authorization": f"Bearer {session['facilitator_token']}"}


def answer_everything(console, phone, clock):
    console.command("next")
    phones = [phone(f"phone-{i}") for i in range(len(HOSTILE))]
    for i, role in enumerate(phones):
        clock.advance(1000)
        assert role.ack("respond", {"prompt_id": "mood-before", "value": 1 + i % 5})["ok"]
    console.command("goto", index=WORD)
    for text, role in zip(HOSTILE, reversed(phones), strict=True):
        clock.advance(1000)
        assert role.ack("respond", {"prompt_id": "symbol", "value": text})["ok"]
    return phones


def test_exports_need_the_facilitator_token(app, session):
    client = app.test_client()
    for path in ("export.json", "export.csv", "report.json"):
        url = f"/api/sessions/{session['code']}/{path}"
        assert client.get(url).status_code == 401
        assert (
            client.get(url, headers={"Authorization": "Bearer test-admin-key"}).status_code == 401
        )
        assert client.get(url, headers={"Authorization": "Bearer nope"}).json["ok"] is False
        assert client.get(url, headers=bearer(session)).status_code == 200
    # An unknown code gets the same answer as a wrong token: these URLs tell no code apart.
    assert (
        client.get("/api/sessions/NOPE22/export.json", headers=bearer(session)).status_code == 401
    )


def test_csv_parsed_back_equals_the_json(app, session, console, phone, clock):
    answer_everything(console, phone, clock)
    client = app.test_client()
    exported = client.get(
        f"/api/sessions/{session['code']}/export.json", headers=bearer(session)
    ).json
    rows = exported["answers"]
    assert len(rows) == 2 * len(HOSTILE)
    assert {r["respondent"] for r in rows} == {f"r{i}" for i in range(1, len(HOSTILE) + 1)}
    assert rows[0] == {
        "respondent": "r1",
        "prompt_id": "mood-before",
        "question": "How do you feel right now?",
        "kind": "scale",
        "value": 1,
        "seconds": 1.0,
        "hidden": False,
    }
    response = client.get(f"/api/sessions/{session['code']}/export.csv", headers=bearer(session))
    assert response.content_type == "text/csv; charset=utf-8"
    # A byte-order mark first, so Excel on Windows reads UTF-8 (Hebrew, emoji) as UTF-8.
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert "שלום 🌱" in text
    # Every field quoted: a `;` inside an answer never starts a new cell.
    lines = text.split("\r\n")
    assert lines[-1] == "" and all(
        re.fullmatch(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*', line) for line in lines[:-1]
    ), lines
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    values = [row["value"] for row in parsed]
    for value in values:
        assert value == "-2" or not value.startswith(("=", "+", "-", "@")), "formulas defused"
    assert "-2" in values, "a plain negative number stays a number"
    assert "'-2+3" in values and '\'=HYPERLINK("http://x")' in values
    assert "calm;=cmd|' /C calc'!A0" in values  # starts as text: one quoted cell

    def undo(cell: str) -> str:
        return (
            cell[1:]
            if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r")
            else cell
        )

    def typed(row: dict) -> dict:
        value = undo(row["value"])
        return {
            "respondent": row["respondent"],
            "prompt_id": row["prompt_id"],
            "question": row["question"],
            "kind": row["kind"],
            "value": int(value) if row["kind"] == "scale" else value,
            "seconds": float(row["seconds"]),
            "hidden": row["hidden"] == "true",
        }

    assert [typed(row) for row in parsed] == rows


def test_export_marks_hidden_answers_and_keeps_them(app, session, console, phone, clock):
    answer_everything(console, phone, clock)
    answers = wait_for(console, "results", lambda r: r["count"] == len(HOSTILE))["answers"]
    target = next(a for a in answers if a["text"] == "+1")
    assert console.command("hide_response", answer_id=target["id"])["ok"]
    rows = (
        app.test_client()
        .get(f"/api/sessions/{session['code']}/export.json", headers=bearer(session))
        .json["answers"]
    )
    hidden = [r for r in rows if r["hidden"]]
    assert [r["value"] for r in hidden] == ["+1"]


def test_export_holds_nothing_that_identifies_a_phone(
    app, session, console, phone, browsers, clock
):
    answer_everything(console, phone, clock)
    text = (
        app.test_client()
        .get(f"/api/sessions/{session['code']}/export.json", headers=bearer(session))
        .text
    )
    assert browsers.phone_id("phone-0", session["code"]) not in text
    store = app.extensions["attune.store"]
    respondents = {a.respondent for a in store.answers(session["code"])}
    assert all(r not in text for r in respondents)


def test_report_has_timings_and_every_prompt(app, session, console, phone, clock):
    answer_everything(console, phone, clock)
    report = (
        app.test_client()
        .get(f"/api/sessions/{session['code']}/report.json", headers=bearer(session))
        .json
    )
    assert [p["results"]["prompt_id"] for p in report["prompts"]] == [
        "mood-before",
        "symbol",
        "keep",
        "mood-after",
    ]
    assert [t["index"] for t in report["timings"]] == [0, 1, 4]
    assert report["timings"][1]["taken_ms"] == 1000 * len(HOSTILE)


# How a client may write the header: the scheme in any case, spaces around the secret.
BEARER_SPELLINGS = [
    ("Bearer {}", True),
    ("bearer {}", True),
    ("BEARER   {}  ", True),
    ("Basic {}", False),
    ("{}", False),
    ("Bearer", False),
    ("Bearer    ", False),
]


def test_the_session_api_and_the_exports_read_the_bearer_header_alike(app, session):
    client = app.test_client()
    report = f"/api/sessions/{session['code']}/report.json"
    for spelling, accepted in BEARER_SPELLINGS:
        header = {"Authorization": spelling.format(session["facilitator_token"])}
        assert (client.get(report, headers=header).status_code == 200) is accepted, spelling
        header = {"Authorization": spelling.format("test-admin-key")}
        created = client.post("/api/sessions", json={"workshop": "tiny"}, headers=header)
        assert (created.status_code == 201) is accepted, spelling
