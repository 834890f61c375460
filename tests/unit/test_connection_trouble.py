"""What a lost or refused connection means (static/js/trouble.js), decided once for every page.

Each page's notice line and the phone's refusal card show what `connectionTrouble` answers; it
runs here in Node (which `make` installs the page's dependencies with) on what socket.io hands a
page: a disconnect reason, or a connect error and whether socket.io itself tries again.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

TROUBLE_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "trouble.js"
ENDED = "This session has ended. Thank you for taking part"
FULL = "The room is full on this kiosk — please tell the facilitator"


def _trouble(cases: list[dict]) -> list[dict]:
    """`connectionTrouble` on each case ({what, random}); `what.error` as socket.io makes it."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: `make setup` installs the page's dependencies with npm")
    script = (
        f"import({json.dumps(TROUBLE_JS.as_uri())}).then(({{ connectionTrouble }}) => {{"
        "  const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "  console.log(JSON.stringify(cases.map(({ what, random }) => {"
        "    if (what.error) what.error = Object.assign(new Error(what.error.message), what.error);"
        "    return connectionTrouble(what, () => random);"
        "  })));"
        "});"
    )
    done = subprocess.run(
        [node, "-e", script], input=json.dumps(cases), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _one(what: dict, random: float = 0.0) -> dict:
    return _trouble([{"what": what, "random": random}])[0]


def test_a_lost_network_reconnects_quietly():
    for what in (
        {"reason": "transport close"},
        {"reason": "ping timeout"},
        {"reason": "offline"},
        {"error": {"message": "xhr poll error", "description": 0}, "retrying": True},
    ):
        trouble = _one(what)
        assert trouble["kind"] == "lost"
        assert trouble["notice"] == {"text": "Reconnecting…", "problem": False}
        assert trouble["card"] is None and trouble["retryInMs"] == 0


def test_a_connection_the_kiosk_closed_says_to_reload():
    trouble = _one({"reason": "io server disconnect"})
    assert trouble["kind"] == "closed"
    assert trouble["notice"] == {
        "text": "The session closed this connection. Reload the page to join again.",
        "problem": True,
    }
    assert trouble["card"] is None


def test_a_kiosk_out_of_connections_is_asked_again_by_socket_io():
    error = {"message": "xhr poll error", "description": 503}
    trouble = _one({"error": error, "retrying": True})
    assert trouble["kind"] == "busy"
    assert trouble["notice"]["text"] == (
        "The kiosk has no room for another connection right now; this page tries again by itself."
    )
    assert trouble["notice"]["problem"] is True
    assert trouble["card"] is None and trouble["retryInMs"] == 0


def test_a_host_name_the_kiosk_does_not_answer_to_is_said_in_the_pages_own_words():
    # 421 from the HostGuard (transport/security.py): its JSON body is for programs.
    error = {"message": "xhr poll error", "description": 421}
    trouble = _one({"error": error, "retrying": True})
    assert trouble["kind"] == "misdirected"
    assert trouble["notice"] == {
        "text": "This address does not reach the kiosk: open the link or scan the code shown on "
        "the screen.",
        "problem": True,
    }
    assert trouble["card"] is None and trouble["retryInMs"] == 0


def test_a_refusal_with_a_key_is_shown_from_the_key_and_its_parameters():
    # The page translates `data.message` (English here: no catalogue in Node); the English
    # `message` beside it is only for clients that know no key.
    message = {
        "key": "{count} phones from this network are in this session already",
        "params": {"count": 20},
    }
    error = {"message": "ignored when a key came", "data": {"message": message}}
    trouble = _one({"error": error, "retrying": False})
    assert trouble["kind"] == "refused"
    assert trouble["card"]["message"] == "20 phones from this network are in this session already"


@pytest.mark.parametrize(
    ("message", "data", "kind"),
    [
        (ENDED, {"ended": True}, "ended"),
        ("cannot join: no session with the code ABCDEF", None, "refused"),
        ("the console link is not valid for this session", None, "refused"),
    ],
)
def test_a_refusal_for_good_says_why_and_does_not_try_again(message, data, kind):
    error = {"message": message, "data": data}
    trouble = _one({"error": error, "retrying": False}, random=0.9)
    assert trouble["kind"] == kind
    assert trouble["notice"] == {"text": message, "problem": True}
    assert trouble["card"] == {"message": message, "next": ""}
    assert trouble["retryInMs"] == 0


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"retry_after_ms": 15000, "reason": "session", "limit": 2}, "full"),
        ({"retry_after_ms": 15000, "reason": "kiosk", "limit": 900}, "full"),
        ({"retry_after_ms": 15000}, "slowed"),
    ],
)
def test_a_refusal_that_says_when_is_tried_again_after_that_long_and_up_to_as_much_again(
    data, kind
):
    error = {"message": FULL, "data": data}
    soonest, latest = _trouble(
        [
            {"what": {"error": error, "retrying": False}, "random": 0.0},
            {"what": {"error": error, "retrying": False}, "random": 0.999},
        ]
    )
    assert soonest["kind"] == latest["kind"] == kind
    assert soonest["retryInMs"] == 15000 and latest["retryInMs"] == pytest.approx(29985)
    assert soonest["notice"] == {
        "text": f"{FULL}. This page tries again by itself in 15 seconds.",
        "problem": True,
    }
    assert latest["card"] == {
        "message": FULL,
        "next": "This page tries again by itself in 30 seconds: keep it open.",
    }
