"""Who may connect where: unknown codes, wrong tokens and malformed auth are refused."""

import pytest


@pytest.mark.parametrize(
    "auth",
    [
        None,
        "ABC234",
        {},
        {"code": "ZZZZZZ"},
        {"code": "{code}", "pid": "short"},
        {"code": "{code}", "pid": "bad pid with spaces!!"},
        {"code": "{code}", "pid": "x" * 65},
        {"code": 123456},
        {"code": "{code}", "extra": 1},
    ],
)
def test_phone_with_bad_auth_is_refused(connect, session, browsers, auth):
    if isinstance(auth, dict):
        auth = {
            k: (v.format(code=session["code"]) if isinstance(v, str) else v)
            for k, v in auth.items()
        }
    # Even from a browser that holds a valid phone id from the kiosk.
    browser = browsers.get("phone", session["code"])
    assert connect("/participant", {"code": session["code"]}, browser=browser).connected
    assert not connect("/participant", auth, browser=browser).connected


@pytest.mark.parametrize("token", ["", "wrong", "x" * 300, None, 12])
def test_console_with_a_wrong_token_is_refused(connect, session, token):
    assert not connect("/facilitator", {"code": session["code"], "token": token}).connected


def test_console_with_the_token_of_another_session_is_refused(connect, session, app):
    other = (
        app.test_client()
        .post(
            "/api/sessions",
            json={"workshop": "tiny"},
            headers={"Authorization": "Bearer test-admin-key"},
        )
        .json
    )
    assert not connect(
        "/facilitator", {"code": session["code"], "token": other["facilitator_token"]}
    ).connected


def test_screen_with_an_unknown_code_is_refused(connect):
    assert not connect("/screen", {"code": "NOPE22"}).connected


def test_codes_are_accepted_in_any_case(connect, session):
    assert connect("/screen", {"code": session["code"].lower()}).connected


def test_phone_and_screen_cannot_drive(phone, screen, console):
    before = console.received("state")[-1]["version"]
    for role in (phone(), screen):
        ack = role.command("next")
        assert ack["ok"] is False and "unknown event" in ack["error"]
    assert console.command("timer_start")["ok"] is False  # first step has no timer
    assert console.received("state") == []
    assert before == 1
