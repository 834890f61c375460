"""A database that cannot be written gives the sender an error ack, never a false ok."""

import sqlite3

from tests.socket.conftest import english


def make_read_only(app):
    """Reopen the store's database read-only: every write now fails, as on a full disk."""
    store = app.extensions["attune.store"]
    with store._lock:
        store._db.close()
        store._db = sqlite3.connect(
            f"file:{store.path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
        store._db.row_factory = sqlite3.Row


def test_answers_and_commands_fail_loudly_when_the_database_is_read_only(
    app, console, phone, session
):
    mine = phone()
    console.command("next")
    before = console.received("state")[-1]["version"]
    make_read_only(app)
    answer = mine.ack("respond", {"prompt_id": "mood-before", "value": 3})
    assert english(answer) == {
        "ok": False,
        "error": "the server could not save this; please try again in a moment",
    }
    command = console.command("next")
    assert command["ok"] is False and "could not save" in command["error"]
    # Nothing was broadcast and the session did not move.
    assert console.received("state") == []
    app.extensions["attune.store"]._cache.clear()
    assert app.extensions["attune.kiosk"].state(session["code"]).version == before
    assert mine.ack("clock", {"t0": 1})["server_ms"] > 0, "the server still answers"
