"""One device posing as many: phone ids come from the kiosk, and one address gets a share."""

from pathlib import Path

from app import create_app
from participant.identity import phone_cookie_name
from tests.conftest import ADMIN_KEY
from tests.conftest import TINY
from tests.socket.conftest import Browsers
from tests.socket.conftest import Role

SCALE = {"prompt_id": "mood-before", "value": 5}


def kiosk(tmp_path, clock, **config):
    return create_app(
        {
            "DB": str(tmp_path / "kiosk.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "WORKSHOP": str(TINY),
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": clock,
            **config,
        }
    )


def start_session(app) -> dict:
    return (
        app.test_client()
        .post(
            "/api/sessions",
            json={"workshop": "tiny"},
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        )
        .json
    )


def test_made_up_ids_without_the_kiosks_cookie_are_refused_and_cast_no_votes(
    app, session, connect, console
):
    console.command("next")  # the scale prompt is open
    stuffers = [
        connect("/participant", {"code": session["code"], "pid": f"made-up-{i:02d}-0123456789"})
        for i in range(25)
    ]
    assert not any(stuffer.connected for stuffer in stuffers)
    assert app.extensions["attune.store"].answers(session["code"]) == []
    assert console.received("presence") == []


def test_ids_in_auth_count_for_nothing_one_cookie_is_one_phone_and_one_vote(
    app, session, connect, browsers, console
):
    console.command("next")
    browser = browsers.get("stuffer", session["code"])
    for i in range(25):
        stuffer = connect(
            "/participant",
            {"code": session["code"], "pid": f"made-up-{i:02d}-0123456789"},
            browser=browser,
        )
        assert stuffer.ack("respond", {**SCALE, "answer_id": f"stuffed-{i:02d}-0123"})["ok"]
    stored = app.extensions["attune.store"].answers(session["code"])
    assert len(stored) == 1, "every vote replaced the last one: one phone, one vote"
    assert console.ack("snapshot", {})["ok"]
    assert console.received("state")[-1]["results"]["count"] == 1


def test_a_forged_or_foreign_id_is_refused(tmp_path, clock, app, session, connect, browsers):
    code = session["code"]
    other = start_session(app)["code"]
    browsers.get("elsewhere", other)
    other_signed = browsers.signed("elsewhere", other)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    another_kiosk = kiosk(elsewhere, clock)
    with another_kiosk.app_context():
        foreign = another_kiosk.extensions["attune.kiosk"].issue_phone_id(
            start_session(another_kiosk)["code"]
        )
    forged = [
        "phone-one-0123456789",  # an id of the phone's own making
        "AAAAAAAAAAAAAAAAAAAAAA." + "A" * 43,  # well formed, signed by nobody
        other_signed,  # a genuine id of another session of this kiosk
        foreign,  # a genuine id of another kiosk
    ]
    for cookie in forged:
        browser = app.test_client()
        browser.set_cookie(phone_cookie_name(code), cookie)
        # With an id of its own in `auth` too, as phones sent before the kiosk issued them.
        auth = {"code": code, "pid": "forged-phone-0123456789"}
        assert not connect("/participant", auth, browser=browser).connected
    assert app.extensions["attune.address_share"].held(code, "127.0.0.1") == 0
    # The other session's own phone is fine in its own session.
    own = browsers.get("elsewhere", other)
    assert connect("/participant", {"code": other}, browser=own).connected


def test_a_phone_keeps_its_answers_across_reconnects_and_a_restart(tmp_path, clock):
    app = kiosk(tmp_path, clock)
    created = start_session(app)
    code = created["code"]
    socketio = app.extensions["socketio"]
    console = Role(
        socketio, app, "/facilitator", {"code": code, "token": created["facilitator_token"]}
    )
    console.command("next")
    browsers = Browsers(app)
    phone = Role(socketio, app, "/participant", {"code": code}, browsers.get("phone", code))
    assert phone.ack("respond", SCALE)["ok"]
    phone.client.disconnect(namespace="/participant")

    again = Role(socketio, app, "/participant", {"code": code}, browsers.get("phone", code))
    assert dict(again.received())["mine"]["answers"] == {"mood-before": 5}
    stranger = Role(socketio, app, "/participant", {"code": code}, browsers.get("other", code))
    assert dict(stranger.received())["mine"]["answers"] == {}
    signed = browsers.signed("phone", code)
    app.extensions["attune.store"].close()

    # A restart: ids are signed under the session's own key, which is kept with the session,
    # so the same cookie is the same phone (on every process of a cluster too).
    restarted = kiosk(tmp_path, clock)
    browser = restarted.test_client()
    browser.set_cookie(phone_cookie_name(code), signed)
    back = Role(
        restarted.extensions["socketio"], restarted, "/participant", {"code": code}, browser
    )
    assert back.connected
    assert dict(back.received())["mine"]["answers"] == {"mood-before": 5}


def test_the_phone_page_gives_an_httponly_lax_cookie_and_keeps_a_valid_one(app, session):
    code = session["code"]
    name = phone_cookie_name(code)
    service = app.extensions["attune.kiosk"]
    browser = app.test_client()
    page = browser.get(f"/j/{code}")
    assert page.status_code == 200
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith(f"attune_phone_{code}=")
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age", "samesite"} <= attributes
    assert "SameSite=Lax" in cookie and "Path=/;" in cookie + ";" and "Max-Age=2592000" in cookie
    assert "secure" not in attributes, "the kiosk is reached over plain HTTP here"
    assert "no-store" in page.headers["Cache-Control"]
    signed = browser.get_cookie(name).value
    assert service.phone_id(code, signed)

    # A valid id is kept (and its month renewed); a forged one is replaced by a real one.
    again = browser.get(f"/j/{code}")
    assert f"{name}={signed};" in again.headers["Set-Cookie"]
    browser.set_cookie(name, "phone-one-0123456789")
    replaced = browser.get(f"/j/{code}")
    fresh = browser.get_cookie(name).value
    assert replaced.status_code == 200 and fresh != signed
    assert service.phone_id(code, fresh)


def test_ids_count_in_their_session_until_it_ends(app, session, connect, browsers, console):
    code = session["code"]
    console.command("next")
    phone = connect("/participant", {"code": code}, browser=browsers.get("phone", code))
    assert phone.ack("respond", SCALE)["ok"]
    assert console.command("end")["ok"]
    # The session's key is replaced when it ends: its ids stop counting, so nothing a phone
    # holds pairs it with its answers any more. An ended session's code admits no phone: one
    # coming back is told the session ended (its page, /j/<code>, says so without a socket).
    assert app.extensions["attune.kiosk"].phone_id(code, browsers.signed("phone", code)) is None
    back = connect("/participant", {"code": code}, browser=browsers.get("phone", code))
    assert not back.connected
    assert "This session has ended" in browsers.get("phone", code).get(f"/j/{code}").text


def test_over_https_the_cookie_is_secure(tmp_path, clock):
    app = kiosk(tmp_path, clock, PUBLIC_URL="https://kiosk.test")
    code = start_session(app)["code"]
    page = app.test_client().get(f"/j/{code}", headers={"Host": "kiosk.test"})
    assert "; Secure" in page.headers["Set-Cookie"]


def test_nothing_that_identifies_a_phone_is_written(tmp_path, clock):
    app = kiosk(tmp_path, clock)
    created = start_session(app)
    code = created["code"]
    socketio = app.extensions["socketio"]
    console = Role(
        socketio, app, "/facilitator", {"code": code, "token": created["facilitator_token"]}
    )
    console.command("next")
    browsers = Browsers(app)
    for i, address in enumerate(("10.77.1.23", "10.77.1.24")):
        name = f"phone-{i}"
        phone = Role(
            socketio, app, "/participant", {"code": code}, browsers.get(name, code, address)
        )
        assert phone.ack("respond", {**SCALE, "value": 2 + i})["ok"]
        phone.client.disconnect(namespace="/participant")
    identifying = [
        *(browsers.phone_id(f"phone-{i}", code) for i in range(2)),
        *(browsers.signed(f"phone-{i}", code) for i in range(2)),
        "10.77.1.23",
        "10.77.1.24",
    ]
    written = b"".join(path.read_bytes() for path in Path(tmp_path).glob("kiosk.db*"))
    assert len(app.extensions["attune.store"].answers(code)) == 2
    for text in identifying:
        assert text.encode() not in written, text
    share = app.extensions["attune.address_share"]
    assert share.held(code, "10.77.1.23") == share.held(code, "10.77.1.24") == 0


def test_one_address_holds_its_share_of_a_room_and_another_still_gets_in(tmp_path, clock):
    app = kiosk(tmp_path, clock, PHONES_PER_ADDRESS=3)
    code = start_session(app)["code"]
    socketio = app.extensions["socketio"]
    browsers = Browsers(app)

    def join(name, address):
        browser = browsers.get(name, code, address)
        return Role(socketio, app, "/participant", {"code": code}, browser)

    venue = [join(f"venue-{i}", "10.0.0.1") for i in range(3)]
    assert all(phone.connected for phone in venue)
    # A phone that got its id elsewhere and then joined the same network.
    browsers.get("late", code, "10.0.0.9").environ_base["REMOTE_ADDR"] = "10.0.0.1"
    assert not join("late", "10.0.0.1").connected
    assert join("venue-0", "10.0.0.1").connected, "a second tab of a phone there is fine"
    assert join("elsewhere", "10.0.0.2").connected, "another address still gets in"
    venue[1].client.disconnect(namespace="/participant")
    assert join("late", "10.0.0.1").connected, "a place that was left is free again"


def test_an_address_gets_only_its_share_of_new_ids_and_says_so(tmp_path, clock):
    app = kiosk(tmp_path, clock, PHONES_PER_ADDRESS=3)
    code = start_session(app)["code"]

    def open_page(address, browser=None):
        browser = browser or app.test_client()
        browser.environ_base["REMOTE_ADDR"] = address
        return browser, browser.get(f"/j/{code}")

    kept = [open_page("10.0.0.1") for _ in range(3)]
    assert all(page.status_code == 200 for _, page in kept)
    _, refused = open_page("10.0.0.1")
    assert refused.status_code == 429
    assert "Set-Cookie" not in refused.headers
    assert 1100 <= int(refused.headers["Retry-After"]) <= 1201
    text = refused.get_data(as_text=True)
    assert "Too many new phones have joined from this network lately" in text
    assert "ask the facilitator" in text
    # Phones that have their id are never turned away from the page, and others still join.
    assert open_page("10.0.0.1", kept[0][0])[1].status_code == 200
    assert open_page("10.0.0.2")[1].status_code == 200


def test_the_share_is_generous_by_default_and_can_be_set(tmp_path, clock, monkeypatch):
    assert kiosk(tmp_path / "a", clock).config["PHONES_PER_ADDRESS"] == 250
    assert kiosk(tmp_path / "b", clock, MAX_PARTICIPANTS=1000).config["PHONES_PER_ADDRESS"] == 50
    monkeypatch.setenv("KIOSK_PHONES_PER_ADDRESS", "3")
    assert kiosk(tmp_path / "c", clock).config["PHONES_PER_ADDRESS"] == 3
    monkeypatch.setenv("KIOSK_PHONES_PER_ADDRESS", "0")
    assert kiosk(tmp_path / "d", clock).config["PHONES_PER_ADDRESS"] == 0
