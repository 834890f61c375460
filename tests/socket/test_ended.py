"""An ended session: a second End changes nothing, and every refusal names a page that exists."""

import re

from tests.socket.test_care import phones
from tests.socket.test_session_flow import AFTER
from tests.socket.test_session_flow import BEFORE


def report_shift(app, session) -> dict:
    headers = {"Authorization": f"Bearer {session['facilitator_token']}"}
    report = (
        app.test_client().get(f"/api/sessions/{session['code']}/report.json", headers=headers).json
    )
    after = next(p for p in report["prompts"] if p["results"]["prompt_id"] == "mood-after")
    return after["results"]["shift"]


def test_a_second_end_is_acked_unchanged_and_keeps_the_figures(app, console, phone, session):
    room = phones(phone, 3)
    console.command("goto", index=BEFORE)
    for role in room:
        role.ack("respond", {"prompt_id": "mood-before", "value": 2})
    console.command("goto", index=AFTER)
    for role in room:
        role.ack("respond", {"prompt_id": "mood-after", "value": 4})
    first = console.command("end")
    assert first["ok"]
    kept = report_shift(app, session)
    assert kept["pairs"] == 3
    # Another tab, or a double click, ends it again: no error, nothing changes.
    again = console.command("end")
    assert again == {"ok": True, "version": first["version"]}
    assert report_shift(app, session) == kept


def test_commands_after_the_end_say_so_in_a_sentence_that_names_the_home_page(
    app, console, phone, session
):
    assert console.command("end")["ok"]
    for action, fields in (
        ("next", {}),
        ("timer_start", {}),
        ("hide_response", {"answer_id": "x" * 12}),
    ):
        refused = console.command(action, **fields)
        assert refused["ok"] is False
        error = refused["error"]
        assert error[0].isupper() and error.endswith("."), error
        assert "console home" not in error
        page = re.search(r"\((/[a-z/]+)\)", error).group(1)
        assert app.test_client().get(page).status_code == 200, f"{page} is a page that exists"


def test_a_wrong_delete_code_is_refused_in_a_sentence(console, session):
    refused = console.command("delete_answers", confirm="WRONG1")
    assert refused["ok"] is False
    assert refused["error"].startswith("Nothing was deleted")
    assert session["code"] in refused["error"] and refused["error"].endswith(".")
