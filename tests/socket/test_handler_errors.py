"""What a client is told when its event cannot be handled, and what the log keeps."""

from __future__ import annotations

import logging
import sqlite3
import time

from tests.socket.conftest import english
from transport.realtime import COALESCE_SECONDS

HUG = 7


def test_extra_arguments_are_refused_before_the_handler_runs(phone, session):
    mine = phone()
    # Two positional arguments for a handler that takes one JSON object.
    ack = mine.client.emit(
        "respond",
        {"prompt_id": "mood-before", "value": 3},
        "extra",
        namespace="/participant",
        callback=True,
    )
    assert ack == {
        "ok": False,
        "error": "respond takes one JSON object",
        "message": {"key": "{event} takes one JSON object", "params": {"event": "respond"}},
    }


def test_a_type_error_inside_a_handler_is_logged_and_not_blamed_on_the_message(
    app, console, phone, session, caplog
):
    mine = phone()
    console.command("next")
    kiosk = app.extensions["attune.kiosk"]

    def broken(code, phone_id, message):
        return len(message) + 1  # a fault of the server's: a Respond has no len()

    kiosk.respond = broken
    with caplog.at_level(logging.ERROR, logger="attune"):
        ack = mine.ack("respond", {"prompt_id": "mood-before", "value": 3})
    assert ack["ok"] is False
    assert "takes one JSON object" not in ack["error"]
    assert "try again" in ack["error"]
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is TypeError]
    assert logged, "the failure is logged with its traceback"


def test_consent_in_a_session_that_no_longer_exists_is_answered(
    app, console, phone, session, tmp_path
):
    mine = phone()
    console.command("goto", index=HUG)
    console.command("consent_open")
    time.sleep(COALESCE_SECONDS * 2)  # the head count of the join has gone out
    # The session disappears from the database under the phone (an operator's clean-up).
    with sqlite3.connect(tmp_path / "kiosk.db") as db:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("DELETE FROM sessions WHERE code = ?", (session["code"],))
    app.extensions["attune.store"]._cache.clear()
    ack = mine.ack("consent", {"step_id": "hug", "choice": "join"})
    assert english(ack) == {"ok": False, "error": "this session no longer exists"}
