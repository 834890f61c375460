"""The studio's workshop API (docs/protocol.md, "Workshops"): every status, both ways in
(the admin key and the home's cookie), located errors, drafts, the YAML round trip, sessions
of stored workshops and the history of a workshop."""

from __future__ import annotations

import json

import pytest
import yaml

from app import create_app
from tests.conftest import ADMIN_KEY
from tests.conftest import FIXTURES
from tests.conftest import TINY
from tests.conftest import FakeClock
from workshop.script import WorkshopError
from workshop.script import load_library
from workshop.script import load_workshop

KEY = {"Authorization": f"Bearer {ADMIN_KEY}"}
YAML = {**KEY, "Content-Type": "application/yaml"}
EVERY_FIELD = FIXTURES / "every-field.yaml"

SMALL = """\
id: morning
title: Morning reset
steps:
  - id: arrive
    title: Arrive
    text: Sit down.
  - id: before
    title: Before
    prompt: {id: calm-before, kind: scale, question: "How calm?"}
  - id: breathe
    title: Breathe
    breathing: {inhale: 4, exhale: 6, cycles: 3}
  - id: after
    title: After
    prompt: {id: calm-after, kind: scale, question: "And now?", pairs_with: calm-before}
"""


def post(client, text: str, headers=YAML, path="/api/workshops"):
    return client.post(path, data=text.encode("utf-8"), headers=headers)


def small(**changes) -> str:
    """SMALL with some top-level lines replaced (`title="..."` → `title: ...`)."""
    text = SMALL
    for key, value in changes.items():
        text = text.replace(f"{key}: {yaml.safe_load(SMALL)[key]}", f"{key}: {value}", 1)
    return text


# -- who may ------------------------------------------------------------------------------------

ROUTES = [
    ("get", "/api/workshops"),
    ("post", "/api/workshops"),
    ("post", "/api/workshops/validate"),
    ("get", "/api/workshops/tiny"),
    ("get", "/api/workshops/tiny.yaml"),
    ("put", "/api/workshops/tiny"),
    ("delete", "/api/workshops/tiny"),
    ("get", "/api/workshops/tiny/history"),
]


@pytest.mark.parametrize("method, path", ROUTES)
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}], ids=["none", "wrong"])
def test_every_route_wants_the_admin_key_or_the_cookie(app, method, path, headers):
    response = getattr(app.test_client(), method)(path, data=SMALL, headers=headers)
    assert response.status_code == 401
    assert response.json["ok"] is False and "admin key" in response.json["error"]


def test_wrong_keys_are_counted_by_the_guessing_brake(tmp_path):
    app = create_app(
        {
            "DB": str(tmp_path / "kiosk.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": FakeClock(),
            "GUESS_LIMIT": 3,
        }
    )
    client = app.test_client()
    wrong = {"Authorization": "Bearer wrong"}
    assert [client.get("/api/workshops", headers=wrong).status_code for _ in range(3)] == [401] * 3
    refused = client.get("/api/workshops", headers=KEY)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many wrong admin keys" in refused.json["error"]


def signed_in(app):
    client = app.test_client()
    assert client.post("/home/login", data={"admin_key": ADMIN_KEY}).status_code == 303
    return client


OWN_PAGE = [
    pytest.param({"Sec-Fetch-Site": "same-origin", "Origin": "null"}, id="fetch-no-referrer"),
    pytest.param({"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}, id="fetch"),
    pytest.param({"Origin": "http://kiosk.test"}, id="old-browser-public-url"),
    pytest.param({}, id="no-browser-headers"),
]
OTHER_PAGE = [
    pytest.param({"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}, id="cross"),
    pytest.param({"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:9999"}, id="port"),
    pytest.param({"Sec-Fetch-Site": "none"}, id="typed-address"),
    pytest.param({"Origin": "http://evil.example"}, id="old-browser-cross-site"),
    pytest.param({"Origin": "null"}, id="old-browser-opaque"),
]


@pytest.mark.parametrize("headers", OWN_PAGE)
def test_the_homes_cookie_writes_from_the_kiosks_own_pages(app, headers):
    client = signed_in(app)
    assert client.get("/api/workshops").status_code == 200
    sent = {**headers, "Content-Type": "application/yaml"}
    assert post(client, SMALL, sent).status_code == 201
    assert client.put("/api/workshops/morning", data=SMALL, headers=sent).status_code == 200
    started = client.post("/api/sessions", json={"workshop": "morning"}, headers=headers)
    assert started.status_code == 201, started.json
    assert client.delete("/api/workshops/morning", headers=headers).status_code == 204


@pytest.mark.parametrize("headers", OTHER_PAGE)
def test_the_homes_cookie_writes_nothing_for_another_page(app, headers):
    client = signed_in(app)
    post(client, SMALL, YAML)
    sent = {**headers, "Content-Type": "application/yaml"}
    for response in (
        post(client, small(id="other"), sent),
        post(client, SMALL, sent, path="/api/workshops/validate"),
        client.put("/api/workshops/morning", data=SMALL, headers=sent),
        client.delete("/api/workshops/morning", headers=headers),
        client.post("/api/sessions", json={"workshop": "morning"}, headers=headers),
    ):
        assert response.status_code == 403, response.request.path
        assert "kiosk's own pages" in response.json["error"]
    assert client.get("/api/workshops/morning").status_code == 200, "reads need no page check"
    assert client.get("/api/workshops/other").status_code == 404


def test_a_signed_out_cookie_is_refused(app):
    client = signed_in(app)
    client.post("/home/logout", headers={"Sec-Fetch-Site": "same-origin"})
    assert client.get("/api/workshops").status_code == 401


# -- the list, making, reading ------------------------------------------------------------------


def test_the_list_has_built_in_then_stored_workshops(app, clock):
    client = app.test_client()
    listed = client.get("/api/workshops", headers=KEY).json["workshops"]
    builtin = load_library([TINY])
    assert [w["id"] for w in listed] == [
        w.id for w in sorted(builtin.values(), key=lambda w: w.title)
    ]
    tiny = next(w for w in listed if w["id"] == "tiny")
    assert tiny == {
        "id": "tiny",
        "title": "Tiny test workshop",
        "language": "en",
        "builtin": True,
        "steps": 10,
        "planned_seconds": 86,  # breathing (4 + 2 + 6) x 3, countdowns 30 and 20
        "updated_at": None,
    }
    clock.now_ms = 1_800_000_000_123
    assert post(client, SMALL).status_code == 201
    assert post(client, small(id="alpha", title="A first one")).status_code == 201
    listed = client.get("/api/workshops", headers=KEY).json["workshops"]
    assert [w["id"] for w in listed][-2:] == ["alpha", "morning"]
    assert listed[-1] == {
        "id": "morning",
        "title": "Morning reset",
        "language": "en",
        "builtin": False,
        "steps": 4,
        "planned_seconds": 30,
        "updated_at": "2027-01-15T08:00:00.123Z",
    }


def test_a_workshop_posted_as_yaml_is_stored_and_read_back(app):
    client = app.test_client()
    made = post(client, SMALL)
    assert made.status_code == 201
    assert made.headers["Location"] == "/api/workshops/morning"
    assert made.json == {
        "ok": True,
        "id": "morning",
        "updated_at": made.json["updated_at"],
        "version": made.json["version"],
    }
    got = client.get(made.headers["Location"], headers=KEY)
    assert got.status_code == 200
    expected = yaml.safe_load(SMALL)
    assert got.json["builtin"] is False and got.json["updated_at"] == made.json["updated_at"]
    assert got.json["title"] == expected["title"] and got.json["language"] == "en"
    assert got.json["steps"][2]["breathing"] == {
        "inhale": 4.0,
        "hold": 0.0,
        "exhale": 6.0,
        "hold_after": 0.0,
        "cycles": 3,
    }
    assert got.json["steps"][0]["countdown"] is None, "defaults included"


def test_a_workshop_read_as_json_can_be_sent_back_as_json(app):
    client = app.test_client()
    post(client, SMALL)
    fetched = client.get("/api/workshops/morning", headers=KEY).json
    fetched["title"] = "Evening reset"
    fetched["steps"][0]["countdown"] = 45
    replaced = client.put("/api/workshops/morning", json=fetched, headers=KEY)
    assert replaced.status_code == 200, replaced.json
    again = client.get("/api/workshops/morning", headers=KEY).json
    assert again["title"] == "Evening reset" and again["steps"][0]["countdown"] == 45
    copy = {**fetched, "id": "copy"}
    assert client.post("/api/workshops", json=copy, headers=KEY).status_code == 201


def test_an_id_that_is_taken_is_refused_in_words(app):
    client = app.test_client()
    assert post(client, SMALL).status_code == 201
    again = post(client, small(title="Another"))
    assert again.status_code == 409 and "exists already" in again.json["error"]
    builtin = post(client, small(id="tiny"))
    assert builtin.status_code == 409 and "built-in" in builtin.json["error"]
    assert client.get("/api/workshops/tiny", headers=KEY).json["title"] == "Tiny test workshop"


def test_the_kiosk_keeps_a_bounded_number_of_workshops(app):
    client = app.test_client()
    app.extensions["attune.kiosk"].library.max_stored = 2
    for name in ("one", "two"):
        assert post(client, small(id=name)).status_code == 201
    full = post(client, small(id="three"))
    assert full.status_code == 409 and "at most 2 workshops" in full.json["error"]
    client.delete("/api/workshops/one", headers=KEY)
    assert post(client, small(id="three")).status_code == 201


def test_unknown_workshops_are_404_and_other_bodies_415(app):
    client = app.test_client()
    for method, path in ROUTES[3:]:
        if method in ("put",):
            response = client.put(path.replace("tiny", "nope"), data=small(id="nope"), headers=YAML)
        else:
            response = getattr(client, method)(path.replace("tiny", "nope"), headers=KEY)
        assert response.status_code == 404, path
        assert "no workshop has the id 'nope'" in response.json["error"]
    plain = client.post("/api/workshops", data=SMALL, headers={**KEY, "Content-Type": "text/plain"})
    assert plain.status_code == 415 and "application/yaml" in plain.json["error"]


def test_replacing_needs_the_same_id_and_a_stored_workshop(app):
    client = app.test_client()
    post(client, SMALL)
    moved = client.put("/api/workshops/morning", data=small(id="evening"), headers=YAML)
    assert moved.status_code == 400 and "'evening'" in moved.json["error"]
    builtin = client.put("/api/workshops/tiny", data=small(id="tiny"), headers=YAML)
    assert builtin.status_code == 409 and "built-in" in builtin.json["error"]
    invalid = client.put("/api/workshops/morning", data=small(title="''"), headers=YAML)
    assert invalid.status_code == 400 and invalid.json["errors"][0]["field"] == "title"
    replaced = client.put("/api/workshops/morning", data=small(title="New"), headers=YAML)
    assert replaced.status_code == 200
    assert replaced.json["ok"] is True and replaced.json["id"] == "morning"
    assert client.get("/api/workshops/morning", headers=KEY).json["title"] == "New"


def test_a_save_based_on_an_older_version_is_refused_not_lost(app, clock):
    """Two tabs (or two facilitators) open version 1; the second save must not undo the first."""
    client = app.test_client()
    created = post(client, SMALL)
    opened = client.get("/api/workshops/morning", headers=KEY)
    version = opened.json["version"]
    assert created.json["version"] == version and opened.headers["ETag"] == f'"{version}"'

    clock.advance(1_000)
    first = client.put(
        "/api/workshops/morning",
        data=small(title="First tab"),
        headers={**YAML, "If-Match": f'"{version}"'},
    )
    assert first.status_code == 200
    newer = first.json["version"]
    assert newer != version and first.headers["ETag"] == f'"{newer}"'

    clock.advance(1_000)
    second = client.put(
        "/api/workshops/morning",
        data=small(title="Second tab"),
        headers={**YAML, "If-Match": f'"{version}"'},
    )
    assert second.status_code == 412
    assert second.json["ok"] is False and second.json["version"] == newer
    assert second.json["updated_at"] == first.json["updated_at"]
    assert (
        "was saved again" in second.json["error"] and "nothing was changed" in second.json["error"]
    )
    assert second.headers["ETag"] == f'"{newer}"'
    assert client.get("/api/workshops/morning", headers=KEY).json["title"] == "First tab"

    # A weak or unknown version matches nothing; "*" and the stored version replace it.
    for stale in (f'W/"{newer}"', '"0000"', "garbage"):
        refused = client.put(
            "/api/workshops/morning", data=small(title="Nope"), headers={**YAML, "If-Match": stale}
        )
        assert refused.status_code == 412, stale
    listed = client.put(
        "/api/workshops/morning",
        data=small(title="Either"),
        headers={**YAML, "If-Match": f'"{version}", "{newer}"'},
    )
    assert listed.status_code == 200
    anything = client.put(
        "/api/workshops/morning", data=small(title="Any"), headers={**YAML, "If-Match": "*"}
    )
    assert anything.status_code == 200
    gone = client.put(
        "/api/workshops/nothing", data=small(id="nothing"), headers={**YAML, "If-Match": "*"}
    )
    assert gone.status_code == 404
    # Without If-Match a PUT replaces what is stored, as before versions existed.
    assert (
        client.put("/api/workshops/morning", data=small(title="Old"), headers=YAML).status_code
        == 200
    )
    # A JSON body read back (with its version) can be sent back as it is.
    back = client.get("/api/workshops/morning", headers=KEY).json
    again = client.put(
        "/api/workshops/morning", json=back, headers={**KEY, "If-Match": f'"{back["version"]}"'}
    )
    assert again.status_code == 200
    # A built-in workshop has no version: it is never replaced.
    builtin = client.get("/api/workshops/tiny", headers=KEY)
    assert builtin.json["version"] is None and "ETag" not in builtin.headers


def test_a_save_racing_another_between_its_check_and_its_write_is_refused(app, clock):
    """The version is checked and written in one statement: a save landing in between wins."""
    client = app.test_client()
    post(client, SMALL)
    version = client.get("/api/workshops/morning", headers=KEY).json["version"]
    catalog = app.extensions["attune.kiosk"].library
    store = catalog.store
    read = store.get_workshop
    raced = []

    def read_then_race(workshop_id):
        found = read(workshop_id)
        if not raced:  # another tab's save lands right after this save's check
            raced.append(True)
            clock.advance(1)
            other = client.put("/api/workshops/morning", data=small(title="Other"), headers=YAML)
            assert other.status_code == 200
        return found

    store.get_workshop = read_then_race
    clock.advance(1)
    late = client.put(
        "/api/workshops/morning",
        data=small(title="Late"),
        headers={**YAML, "If-Match": f'"{version}"'},
    )
    store.get_workshop = read
    assert late.status_code == 412
    assert client.get("/api/workshops/morning", headers=KEY).json["title"] == "Other"


def test_deleting_forgets_a_stored_workshop_only(app):
    client = app.test_client()
    post(client, SMALL)
    assert client.delete("/api/workshops/morning", headers=KEY).status_code == 204
    assert client.get("/api/workshops/morning", headers=KEY).status_code == 404
    assert client.delete("/api/workshops/morning", headers=KEY).status_code == 404
    builtin = client.delete("/api/workshops/tiny", headers=KEY)
    assert builtin.status_code == 409 and "built-in" in builtin.json["error"]


def test_a_body_over_the_cap_is_refused_in_words(tmp_path, app):
    big = SMALL.replace("Sit down.", "x" * (300 * 1024))
    refused = post(app.test_client(), big)
    assert refused.status_code == 413 and "256 KiB" in refused.json["error"]
    roomy = create_app(
        {
            "DB": str(tmp_path / "roomy.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": FakeClock(),
            "MAX_BODY_BYTES": 4 * 1024 * 1024,
        }
    )
    refused = post(roomy.test_client(), big)
    assert refused.status_code == 413
    assert refused.json["error"].startswith("This workshop is 301 KiB and a workshop may be at")


# -- validation and its words -------------------------------------------------------------------

BROKEN = """\
id: broken
title: Broken in three steps
steps:
  - id: fine
    title: Fine
    countdown: 60
  - id: breathe
    title: Breathe
    breathing:
      inhale: 0
      exhale: 6
      cycles: 3
  - id: ask
    title: Ask
    colour: blue
    prompt:
      id: calm
      kind: scale
      question: How calm?
      max: 20
  - id: also-fine
    title: Also fine
    prompt: {id: pick, kind: choice, question: Which, options: [a, b]}
"""


def test_errors_name_the_line_step_and_field_in_the_file_loaders_words(app, tmp_path):
    rejected = post(app.test_client(), BROKEN)
    assert rejected.status_code == 400
    body = rejected.json
    assert body["ok"] is False
    assert [(e["step"], e["step_id"], e["field"], e["line"]) for e in body["errors"]] == [
        (1, "breathe", "steps.1.breathing.inhale", 10),
        (2, "ask", "steps.2.prompt.max", 20),
        (2, "ask", "steps.2.colour", 15),
    ]
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    with pytest.raises(WorkshopError) as loaded:
        load_workshop(path)
    assert str(loaded.value).splitlines() == [f"{path}: {e['message']}" for e in body["errors"]]
    assert body["error"] == (
        "The workshop has 3 problems: step 2 ('breathe') → breathing.inhale: Input should be "
        "greater than 0 (line 10), and 2 more."
    )


def test_a_file_broken_only_in_some_steps_comes_back_as_a_draft(app):
    client = app.test_client()
    body = post(client, BROKEN).json
    draft = body["draft"]
    raw = yaml.safe_load(BROKEN)
    assert draft["id"] == "broken" and draft["language"] == "en" and draft["min_responses"] == 3
    assert draft["steps"][1] == raw["steps"][1], "a broken step stays as it was sent"
    assert draft["steps"][2] == raw["steps"][2]
    assert draft["steps"][0]["countdown"] == 60 and draft["steps"][0]["text"] == "", "as loaded"
    assert draft["steps"][3]["prompt"]["options"] == ["a", "b"]
    assert client.get("/api/workshops/broken", headers=KEY).status_code == 404, "nothing stored"
    draft["steps"][1]["breathing"]["inhale"] = 4
    del draft["steps"][2]["colour"]
    draft["steps"][2]["prompt"]["max"] = 5
    fixed = client.post("/api/workshops", json=draft, headers=KEY)
    assert fixed.status_code == 201, fixed.json


def test_problems_between_steps_are_placed_at_the_later_step(app):
    duplicate = SMALL.replace("  - id: breathe\n", "  - id: arrive\n")
    errors = post(app.test_client(), duplicate).json["errors"]
    assert errors == [
        {
            "step": 2,
            "step_id": "arrive",
            "field": "steps.2.id",
            "line": 10,
            "message": "(top level): step 3 ('arrive'): step id 'arrive' is used twice",
            # What is wrong, without where, for the studio to say in its own language.
            "reason": {
                "key": "step id '{step_id}' is used twice",
                "params": {"step_id": "arrive"},
            },
        }
    ]
    unpaired = SMALL.replace("pairs_with: calm-before", "pairs_with: calm-later")
    body = post(app.test_client(), unpaired).json
    assert [(e["step"], e["field"], e["line"]) for e in body["errors"]] == [
        (3, "steps.3.prompt.pairs_with", 15)
    ]
    assert "draft" in body


def test_a_problem_outside_steps_gives_no_draft_and_json_no_lines(app):
    client = app.test_client()
    english = SMALL.replace("title: Morning reset\n", "title: Morning reset\nlanguage: english\n")
    body = post(client, english).json
    assert "draft" not in body
    assert body["errors"][0]["field"] == "language" and body["errors"][0]["line"] == 3
    data = yaml.safe_load(SMALL)
    data["steps"][0]["countdown"] = -1
    body = client.post("/api/workshops", json=data, headers=KEY).json
    assert body["errors"] == [
        {
            "step": 0,
            "step_id": "arrive",
            "field": "steps.0.countdown",
            "line": None,
            "message": "step 1 ('arrive') → countdown: Input should be greater than or equal to 1",
            "reason": {"key": "Input should be greater than or equal to {ge}", "params": {"ge": 1}},
        }
    ]


def test_validate_checks_a_draft_and_plans_its_time(app):
    client = app.test_client()
    checked = post(client, EVERY_FIELD.read_text(), path="/api/workshops/validate")
    assert checked.status_code == 200, checked.json
    assert checked.json == {
        "ok": True,
        "planned_seconds": 197.5,  # 90 + (4.5 + 1.5 + 6 + 0.5) x 7 + 20
        "steps": [
            {"planned_seconds": 90, "timed": True},
            {"planned_seconds": 87.5, "timed": True},
            *[{"planned_seconds": 0, "timed": False}] * 3,
            {"planned_seconds": 20, "timed": True},
            *[{"planned_seconds": 0, "timed": False}] * 2,
        ],
    }
    refused = post(client, BROKEN, path="/api/workshops/validate")
    assert refused.status_code == 400 and len(refused.json["errors"]) == 3
    assert client.get("/api/workshops/every-field", headers=KEY).status_code == 404


# -- the YAML file ------------------------------------------------------------------------------


def exported(client, workshop_id: str):
    response = client.get(f"/api/workshops/{workshop_id}.yaml", headers=KEY)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/yaml; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{workshop_id}.yaml"'
    return response.get_data(as_text=True)


@pytest.mark.parametrize("workshop_id", sorted(load_library([TINY])))
def test_every_built_in_workshop_exports_as_a_file_that_loads_unchanged(app, tmp_path, workshop_id):
    path = tmp_path / f"{workshop_id}.yaml"
    path.write_text(exported(app.test_client(), workshop_id), encoding="utf-8")
    assert load_workshop(path) == load_library([TINY])[workshop_id]


def test_a_workshop_using_every_field_round_trips_through_the_studio(app, tmp_path):
    client = app.test_client()
    original = load_workshop(EVERY_FIELD)
    assert post(client, EVERY_FIELD.read_text(encoding="utf-8")).status_code == 201
    path = tmp_path / "again.yaml"
    path.write_text(exported(client, "every-field"), encoding="utf-8")
    assert load_workshop(path) == original
    # And the kiosk starts with it as its own file (`--workshop`).
    kiosk = create_app(
        {
            "DB": str(tmp_path / "other.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "WORKSHOP": str(path),
            "PUBLIC_URL": "http://kiosk.test",
            "CLOCK": FakeClock(),
        }
    )
    assert kiosk.extensions["attune.kiosk"].library["every-field"] == original


# -- sessions of stored workshops ---------------------------------------------------------------


def start(client, workshop_id: str) -> dict:
    started = client.post("/api/sessions", json={"workshop": workshop_id}, headers=KEY)
    assert started.status_code == 201, started.json
    return started.json


def test_a_stored_workshop_runs_and_its_session_keeps_it_as_it_started(app, connect, join):
    client = app.test_client()
    post(client, SMALL)
    session = start(client, "morning")
    code = session["code"]
    console = connect("/facilitator", {"code": code, "token": session["facilitator_token"]})
    phone = join(code)
    assert console.connected and phone.connected
    assert phone.received("state")[-1]["step"]["title"] == "Arrive"
    assert console.command("next")["ok"] and console.command("prompt_open")["ok"]
    state = phone.received("state")[-1]
    assert state["step"]["prompt"]["question"] == "How calm?"
    assert phone.ack("respond", {"prompt_id": "calm-before", "value": 4})["ok"]

    # Edited and then deleted while it runs: the room sees what it started with.
    changed = SMALL.replace("How calm?", "Changed?").replace("Morning reset", "Changed")
    assert client.put("/api/workshops/morning", data=changed, headers=YAML).status_code == 200
    assert client.delete("/api/workshops/morning", headers=KEY).status_code == 204
    assert console.ack("snapshot")["ok"]
    assert console.received("state")[-1]["step"]["prompt"]["question"] == "How calm?"
    assert phone.ack("respond", {"prompt_id": "calm-before", "value": 5})["ok"]
    headers = {"Authorization": f"Bearer {session['facilitator_token']}"}
    report = client.get(f"/api/sessions/{code}/report.json", headers=headers)
    assert report.status_code == 200
    assert report.json["workshop"]["title"] == "Morning reset"
    assert report.json["prompts"][0]["results"]["count"] == 1
    assert start(client, "tiny")["code"] != code, "built-in ones start as before"
    refused = client.post("/api/sessions", json={"workshop": "morning"}, headers=KEY)
    assert refused.status_code == 400, "a deleted workshop starts no new session"


def test_the_home_lists_stored_workshops_as_text(app):
    client = signed_in(app)
    post(client, small(title="'<script>alert(1)</script> & <b>bold</b>'"), YAML)
    page = client.get("/home").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert" not in page and 'value="morning"' in page


# -- history ------------------------------------------------------------------------------------


def run_pairs(app, connect, join, workshop_id: str, answers: list[tuple[int, int]]):
    """A session of `workshop_id` where each phone answers (before, after); then ended.

    Returns its code and console token.
    """
    session = start(app.test_client(), workshop_id)
    code = session["code"]
    console = connect("/facilitator", {"code": code, "token": session["facilitator_token"]})
    phones = [join(code, f"phone-{n}") for n in range(len(answers))]
    for step, (prompt_id, side) in ((1, ("calm-before", 0)), (3, ("calm-after", 1))):
        assert console.command("goto", index=step)["ok"]
        assert console.command("prompt_open")["ok"]
        for phone, pair in zip(phones, answers, strict=True):
            assert phone.ack("respond", {"prompt_id": prompt_id, "value": pair[side]})["ok"]
    assert console.command("end")["ok"]
    return code, session["facilitator_token"]


def test_the_history_lists_sessions_with_their_shift_above_the_threshold(app, connect, join, clock):
    client = app.test_client()
    post(client, SMALL)
    clock.now_ms = 1_800_000_000_000
    small_room, _ = run_pairs(app, connect, join, "morning", [(2, 4), (3, 3)])
    clock.now_ms += 86_400_000
    full_room, token = run_pairs(app, connect, join, "morning", [(2, 4), (3, 3), (4, 2), (1, 4)])
    history = client.get("/api/workshops/morning/history", headers=KEY)
    assert history.status_code == 200
    assert history.json == {
        "sessions": [
            {
                "code": full_room,
                "started_at": "2027-01-16T08:00:00.000Z",
                "ended_at": "2027-01-16T08:00:00.000Z",
                "people": 4,
                "pairs": [
                    {
                        "kind": "scale",
                        "before": "calm-before",
                        "after": "calm-after",
                        "count": 4,
                        "mean_shift": 0.75,
                        "better": 2,
                        "same": 1,
                        "worse": 1,
                    }
                ],
            },
            {
                "code": small_room,
                "started_at": "2027-01-15T08:00:00.000Z",
                "ended_at": "2027-01-15T08:00:00.000Z",
                "people": 2,
                "pairs": [
                    {
                        "kind": "scale",
                        "before": "calm-before",
                        "after": "calm-after",
                        "hidden": True,
                    }
                ],
            },
        ]
    }
    # The history shows the report's own figures.
    report = client.get(
        f"/api/sessions/{full_room}/report.json", headers={"Authorization": f"Bearer {token}"}
    ).json
    assert report["prompts"][1]["results"]["shift"] == {
        "pairs": 4,
        "up": 2,
        "same": 1,
        "down": 1,
        "mean_change": 0.75,
    }
    # Deleting the workshop keeps its past sessions (and a new one of the same id starts afresh).
    client.delete("/api/workshops/morning", headers=KEY)
    assert client.get("/api/workshops/morning/history", headers=KEY).status_code == 404
    post(client, SMALL)
    assert len(client.get("/api/workshops/morning/history", headers=KEY).json["sessions"]) == 2


def test_a_pair_follows_its_own_threshold_and_the_figures_kept_after_deletion(
    app, connect, join, clock
):
    client = app.test_client()
    strict = SMALL.replace("pairs_with: calm-before}", "pairs_with: calm-before, min_responses: 5}")
    post(client, strict)
    run_pairs(app, connect, join, "morning", [(1, 2), (2, 3), (3, 4), (4, 5)])
    pairs = client.get("/api/workshops/morning/history", headers=KEY).json["sessions"][0]["pairs"]
    assert pairs == [
        {"kind": "scale", "before": "calm-before", "after": "calm-after", "hidden": True}
    ]
    relaxed = strict.replace("min_responses: 5", "min_responses: 4")
    client.delete("/api/workshops/morning", headers=KEY)
    post(client, relaxed)
    clock.advance(60_000)  # the newer session is listed first
    code, _ = run_pairs(app, connect, join, "morning", [(1, 2), (2, 3), (3, 4), (4, 5)])
    kiosk = app.extensions["attune.kiosk"]
    with app.app_context():
        kiosk.erase_answers(code)
    latest = client.get("/api/workshops/morning/history", headers=KEY).json["sessions"][0]
    assert latest["code"] == code
    assert latest["pairs"] == [
        {
            "kind": "scale",
            "before": "calm-before",
            "after": "calm-after",
            "count": 4,
            "mean_shift": 1.0,
            "better": 4,
            "same": 0,
            "worse": 0,
        }
    ]


def test_a_built_in_workshop_has_a_history_too(app, session):
    history = app.test_client().get("/api/workshops/tiny/history", headers=KEY).json
    assert [s["code"] for s in history["sessions"]] == [session["code"]]
    assert history["sessions"][0]["ended_at"] is None
    assert history["sessions"][0]["pairs"] == [
        {"kind": "scale", "before": "mood-before", "after": "mood-after", "hidden": True}
    ]
    assert json.dumps(history).count("token") == 0


FEELINGS_AND_MOOD = """\
id: evening
title: Evening check
min_responses: 3
feelings: [calm, tense, tired]
steps:
  - id: mood-in
    title: Mood in
    prompt: {id: mood-before, kind: mood, question: "Where are you?", pleasant_label: bright}
  - id: feel-in
    title: Feel in
    prompt: {id: feel-before, kind: feelings, question: "Name it", max_choices: 2}
  - id: rest
    title: Rest
    countdown: 60
  - id: mood-out
    title: Mood out
    prompt: {id: mood-after, kind: mood, question: "And now?", pairs_with: mood-before,
             pleasant_label: bright}
  - id: feel-out
    title: Feel out
    prompt: {id: feel-after, kind: feelings, question: "Name it again", max_choices: 2,
             pairs_with: feel-before}
"""


def run_mood_and_feelings(app, connect, join, phones: list[dict]) -> str:
    """A session of `evening` where each phone answers its four prompts; then ended."""
    session = start(app.test_client(), "evening")
    code = session["code"]
    console = connect("/facilitator", {"code": code, "token": session["facilitator_token"]})
    joined = [join(code, f"phone-{n}") for n in range(len(phones))]
    for step, prompt_id in (
        (0, "mood-before"),
        (1, "feel-before"),
        (3, "mood-after"),
        (4, "feel-after"),
    ):
        assert console.command("goto", index=step)["ok"]
        assert console.command("prompt_open")["ok"]
        for phone, answers in zip(joined, phones, strict=True):
            sent = phone.ack("respond", {"prompt_id": prompt_id, "value": answers[prompt_id]})
            assert sent["ok"], sent
    assert console.command("end")["ok"]
    return code


def mood(pleasantness: int, energy: int) -> dict:
    return {"pleasantness": pleasantness, "energy": energy}


def test_the_history_shows_paired_mood_grids_and_feelings_above_the_threshold(
    app, connect, join, clock
):
    client = app.test_client()
    assert post(client, FEELINGS_AND_MOOD).status_code == 201
    room = [
        {
            "mood-before": mood(-2, 2),
            "feel-before": ["tense"],
            "mood-after": mood(1, -1),
            "feel-after": ["calm"],
        },
        {
            "mood-before": mood(-1, 1),
            "feel-before": ["tense", "tired"],
            "mood-after": mood(2, -2),
            "feel-after": ["calm", "tired"],
        },
        {
            "mood-before": mood(0, 0),
            "feel-before": ["calm"],
            "mood-after": mood(0, 1),
            "feel-after": ["calm"],
        },
        {
            "mood-before": mood(1, -3),
            "feel-before": ["tired"],
            "mood-after": mood(1, -3),
            "feel-after": ["tense"],
        },
    ]
    clock.now_ms = 1_800_000_000_000
    small_room = run_mood_and_feelings(app, connect, join, room[:2])
    clock.advance(60_000)
    full_room = run_mood_and_feelings(app, connect, join, room)
    sessions = client.get("/api/workshops/evening/history", headers=KEY).json["sessions"]
    assert [s["code"] for s in sessions] == [full_room, small_room]
    labels = {
        "pleasant": "bright",
        "unpleasant": "unpleasant",
        "high": "high energy",
        "low": "low energy",
    }
    assert sessions[0]["pairs"] == [
        {
            "kind": "mood",
            "before": "mood-before",
            "after": "mood-after",
            "count": 4,
            "labels": labels,
            "mean_before": {"pleasantness": -0.5, "energy": 0.0},
            "mean_after": {"pleasantness": 1.0, "energy": -1.25},
            "toward_pleasant": 2,
            "toward_calm": 2,
        },
        {
            "kind": "feelings",
            "before": "feel-before",
            "after": "feel-after",
            "count": 4,
            "feelings": [
                {"option": "calm", "before": 1, "after": 3, "change": 2},
                {"option": "tense", "before": 2, "after": 1, "change": -1},
                {"option": "tired", "before": 2, "after": 1, "change": -1},
            ],
        },
    ]
    # Two phones are below the workshop's threshold of 3: no figure of theirs is shown.
    assert sessions[1]["pairs"] == [
        {"kind": "mood", "before": "mood-before", "after": "mood-after", "hidden": True},
        {"kind": "feelings", "before": "feel-before", "after": "feel-after", "hidden": True},
    ]
    # The same figures as the report's, which the history reuses.
    kiosk = app.extensions["attune.kiosk"]
    with app.app_context():
        report = {
            p["results"]["prompt_id"]: p["results"] for p in kiosk.report(full_room)["prompts"]
        }
    assert report["feel-after"]["shift"]["feelings"] == sessions[0]["pairs"][1]["feelings"]
    assert report["mood-after"]["shift"]["before"] == sessions[0]["pairs"][0]["mean_before"]


def test_the_history_reads_each_session_once(app, connect, join, clock):
    client = app.test_client()
    post(client, SMALL)
    for _ in range(3):
        run_pairs(app, connect, join, "morning", [(2, 4), (3, 3), (4, 2)])
        clock.advance(60_000)
    store = app.extensions["attune.store"]
    reads = []
    read = store.get_session
    store.get_session = lambda code: reads.append(code) or read(code)
    sessions = client.get("/api/workshops/morning/history", headers=KEY).json["sessions"]
    assert len(sessions) == 3
    assert sorted(reads) == sorted(s["code"] for s in sessions)
