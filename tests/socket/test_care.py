"""Care for the room: consent, "I need a moment", done counts, deletion. Counts only, never who."""

from pathlib import Path

from tests.socket.test_session_flow import BEFORE
from tests.socket.test_session_flow import HUG
from tests.socket.test_session_flow import REFLECT
from tests.socket.test_session_flow import WORD
from tests.socket.test_session_flow import wait_for

PRIVATE_WORDS = ("consent", "need_moment", "care", "join", "alternative", "skip")


def phones(phone, n):
    return [phone(f"carephone-{i}") for i in range(n)]


def nothing_private(payloads) -> bool:
    text = repr(payloads)
    return '"care"' not in text and "'care'" not in text and "need_moment" not in text


def test_consent_choices_reach_the_console_as_counts_only(console, screen, phone):
    room = phones(phone, 3)
    console.command("goto", index=HUG)
    assert console.command("consent_open")["ok"]
    asked = room[0].received("state")[-1]["consent_ask"]
    assert asked["step_id"] == "hug" and asked["alternative"]["title"] == "Hug yourself"
    for role, choice in zip(room, ("join", "alternative", "skip"), strict=True):
        ack = role.ack("consent", {"step_id": "hug", "choice": choice})
        assert ack == {"ok": True, "step_id": "hug", "choice": choice}
    room[2].ack("consent", {"step_id": "hug", "choice": "join"})  # changeable
    care = wait_for(console, "care", lambda c: c["consent"] and c["consent"]["join"] == 2)
    counts = {"join": 2, "alternative": 1, "skip": 0}
    assert care["consent"] == {"step_id": "hug", "title": "A hug", **counts}
    assert care["step_consent"] == {
        "step_id": "hug",
        "title": "A hug",
        "asked": True,
        "asking": True,
        **counts,
    }
    # The screen and the phones never receive a choice or a count.
    for role in (screen, *room):
        for name, payload in role.received():
            assert name != "care"
            if name == "state":
                assert "care" not in payload
    # Each phone gets its own choice back, and only its own.
    again = phone("carephone-1")
    assert dict(again.received())["mine"]["consent"] == {"hug": "alternative"}


def test_consent_is_refused_when_not_asked(console, phone):
    mine = phone()
    ack = mine.ack("consent", {"step_id": "hug", "choice": "join"})
    assert ack["ok"] is False and "not being asked" in ack["error"]
    console.command("goto", index=HUG)
    console.command("consent_open")
    assert mine.ack("consent", {"step_id": "hug", "choice": "maybe"})["ok"] is False
    console.command("consent_close")
    assert mine.ack("consent", {"step_id": "hug", "choice": "join"})["ok"] is False


def test_consent_open_targets_the_next_step_and_follows_the_room(console, phone):
    mine = phone()
    console.command("goto", index=HUG - 1)
    assert console.command("consent_open")["ok"]
    assert mine.received("state")[-1]["consent_ask"]["step_id"] == "hug"
    console.command("next")  # reaching the hug keeps the question open
    assert mine.received("state")[-1]["consent_ask"]["step_id"] == "hug"
    console.command("next")  # leaving it closes it
    assert mine.received("state")[-1]["consent_ask"] is None
    console.command("goto", index=WORD)
    refused = console.command("consent_open")
    assert refused["ok"] is False and "consent" in refused["error"]


def test_the_console_state_carries_the_care_counts(console, phone):
    room = phones(phone, 2)
    console.command("goto", index=HUG)
    console.command("consent_open")
    room[0].ack("consent", {"step_id": "hug", "choice": "skip"})
    room[1].ack("signal", {"kind": "need_moment"})
    console.command("timer_start")
    care = console.received("state")[-1]["care"]
    counts = {"join": 0, "alternative": 0, "skip": 1}
    assert care == {
        "consent": {"step_id": "hug", "title": "A hug", **counts},
        "step_consent": {
            "step_id": "hug",
            "title": "A hug",
            "asked": True,
            "asking": True,
            **counts,
        },
        "need_moment": 1,
        "done": None,
    }


def test_need_a_moment_is_a_count_that_clears_itself(console, screen, phone, clock):
    room = phones(phone, 2)
    assert room[0].ack("signal", {"kind": "need_moment"}) == {"ok": True, "kind": "need_moment"}
    room[1].ack("signal", {"kind": "need_moment"})
    wait_for(console, "care", lambda c: c["need_moment"] == 2)
    room[1].ack("signal", {"kind": "ok_again"})
    wait_for(console, "care", lambda c: c["need_moment"] == 1)
    clock.advance(5 * 60 * 1000)
    room[1].ack("signal", {"kind": "ok_again"})  # any event re-counts; the expiry also does
    wait_for(console, "care", lambda c: c["need_moment"] == 0)
    assert all(name != "care" for name, _ in screen.received())
    assert nothing_private([p for n, p in room[1].received() if n == "state"])


def test_done_counts_follow_connects_and_disconnects(console, phone):
    room = phones(phone, 4)
    console.command("goto", index=REFLECT)
    room[0].ack("signal", {"kind": "done"})
    room[1].ack("signal", {"kind": "done"})
    wait_for(console, "care", lambda c: c["done"] == {"done": 2, "of": 4})
    room[1].client.disconnect(namespace="/participant")
    wait_for(console, "care", lambda c: c["done"] == {"done": 1, "of": 3})
    room[0].ack("signal", {"kind": "undone"})
    wait_for(console, "care", lambda c: c["done"] == {"done": 0, "of": 3})
    refused = room[0].ack("signal", {"kind": "bogus"})
    assert refused["ok"] is False


def test_done_is_refused_on_a_step_without_it(console, phone):
    assert phone().ack("signal", {"kind": "done"})["error"] == "this step has no 'done'"


def test_the_room_moves_on_when_enough_are_done(console, phone):
    room = phones(phone, 5)
    console.command("goto", index=REFLECT)
    for role in room[:3]:
        role.ack("signal", {"kind": "done"})
    assert console.received("state")[-1]["step"]["index"] == REFLECT
    room[3].ack("signal", {"kind": "done"})  # 4 of 5 = 80 %
    assert console.received("state")[-1]["step"]["index"] == REFLECT + 1


def answer_words(console, phone, texts):
    console.command("goto", index=WORD)
    for i, text in enumerate(texts):
        assert phone(f"wordphone-{i}").ack("respond", {"prompt_id": "symbol", "value": text})["ok"]


def database_bytes(app) -> bytes:
    path = Path(app.extensions["attune.store"].path)
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def test_delete_answers_leaves_no_text_in_the_database_files(app, console, phone, session):
    secret = "xylophone-orchid-7319"
    answer_words(console, phone, [secret, f"{secret} again", "third"])
    assert secret.encode() in database_bytes(app)
    refused = console.command("delete_answers", confirm="WRONG1")
    assert refused["ok"] is False and session["code"] in refused["error"]
    assert console.command("delete_answers", confirm=session["code"].lower())["ok"]
    assert secret.encode() not in database_bytes(app)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {session['facilitator_token']}"}
    gone = client.get(f"/api/sessions/{session['code']}/export.json", headers=headers)
    assert gone.status_code == 410 and "deleted" in gone.json["error"]
    assert (
        client.get(f"/api/sessions/{session['code']}/export.csv", headers=headers).status_code
        == 410
    )
    report = client.get(f"/api/sessions/{session['code']}/report.json", headers=headers).json
    symbol = next(p for p in report["prompts"] if p["results"]["prompt_id"] == "symbol")
    assert symbol["results"]["count"] == 3 and "answers" not in symbol["results"]
    assert console.received("state")[-1]["session"]["answers_deleted"] is True


def test_ending_drops_the_pairing_but_keeps_the_shift(app, console, phone, session):
    room = phones(phone, 3)
    console.command("goto", index=BEFORE)
    for role in room:
        role.ack("respond", {"prompt_id": "mood-before", "value": 2})
    console.command("goto", index=6)
    for role in room:
        role.ack("respond", {"prompt_id": "mood-after", "value": 4})
    store = app.extensions["attune.store"]
    before = {a.respondent for a in store.answers(session["code"], "mood-before")}
    after = {a.respondent for a in store.answers(session["code"], "mood-after")}
    assert before == after
    assert console.command("end")["ok"]
    before = {a.respondent for a in store.answers(session["code"], "mood-before")}
    after = {a.respondent for a in store.answers(session["code"], "mood-after")}
    assert not before & after, "no stored hash pairs a phone's answers any more"
    headers = {"Authorization": f"Bearer {session['facilitator_token']}"}
    report = (
        app.test_client().get(f"/api/sessions/{session['code']}/report.json", headers=headers).json
    )
    shift = next(p for p in report["prompts"] if p["results"]["prompt_id"] == "mood-after")[
        "results"
    ]["shift"]
    assert shift == {"pairs": 3, "up": 3, "same": 0, "down": 0, "mean_change": 2.0}


def test_retention_is_set_per_session(app, session):
    client = app.test_client()
    headers = {"Authorization": "Bearer test-admin-key"}
    made = client.post(
        "/api/sessions", json={"workshop": "tiny", "retention_days": 0}, headers=headers
    )
    assert made.status_code == 201
    record = app.extensions["attune.kiosk"].record(made.json["code"])
    assert record.retention_days == 0
    assert app.extensions["attune.kiosk"].record(session["code"]).retention_days == 30
    bad = client.post(
        "/api/sessions", json={"workshop": "tiny", "retention_days": -1}, headers=headers
    )
    assert bad.status_code == 400
