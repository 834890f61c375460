"""Each Socket.IO event reads its session's record once: handler, service and broadcast.

The app's own store counts its reads made by the handler's thread (coalesced broadcasts run
on their own threads and are counted per call in tests/store/test_reads_per_event.py).
"""

from __future__ import annotations

import threading

import pytest

HUG, REFLECT = 7, 8


@pytest.fixture
def reads(app):
    """How often the current thread has read a session record from the app's store."""
    store = app.extensions["attune.store"]
    read = store.get_session
    here = threading.get_ident()
    counter = {"reads": 0}

    def counting(code):
        if threading.get_ident() == here:
            counter["reads"] += 1
        return read(code)

    store.get_session = counting
    return counter


def test_every_event_reads_the_session_record_at_most_once(app, connect, browsers, session, reads):
    code = session["code"]
    browser = browsers.get("phone-one", code)  # the phone page, before any event
    counts = {}

    def event(name, run):
        before = reads["reads"]
        result = run()
        counts[name] = reads["reads"] - before
        return result

    console = event(
        "console connects",
        lambda: connect("/facilitator", {"code": code, "token": session["facilitator_token"]}),
    )
    screen = event("screen connects", lambda: connect("/screen", {"code": code}))
    phone = event(
        "phone connects", lambda: connect("/participant", {"code": code}, browser=browser)
    )
    assert console.connected and screen.connected and phone.connected
    assert event("next", lambda: console.command("next"))["ok"]
    answer = {"prompt_id": "mood-before", "value": 4}
    assert event("respond", lambda: phone.ack("respond", answer))["ok"]
    assert event("reveal", lambda: console.command("reveal"))["ok"]
    assert event("snapshot", lambda: phone.ack("snapshot"))["ok"]
    assert "version" in event("clock", lambda: phone.ack("clock", {"t0": 1}))
    assert event("need a moment", lambda: phone.ack("signal", {"kind": "need_moment"}))["ok"]
    assert event("goto hug", lambda: console.command("goto", index=HUG))["ok"]
    assert event("ask consent", lambda: console.command("consent_open"))["ok"]
    choice = {"step_id": "hug", "choice": "join"}
    assert event("consent", lambda: phone.ack("consent", choice))["ok"]
    assert event("goto reflect", lambda: console.command("goto", index=REFLECT))["ok"]
    done = {"kind": "done", "step_id": "reflect"}
    assert event("done", lambda: phone.ack("signal", done))["ok"]
    event("phone leaves", lambda: phone.client.disconnect(namespace="/participant"))

    assert len(counts) == 15
    twice = {name: n for name, n in counts.items() if n > 1}
    assert twice == {}, f"events that read the session record more than once: {twice}"
