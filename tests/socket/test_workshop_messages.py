"""The workshop API's worded errors carry their key (#17): the studio says them in its language.

Each answer keeps its English `error` (API clients and docs rely on it) and adds `message:
{key, params}`; each located problem adds `reason: {key, params}`, what is wrong without
where (the studio names the step, field and line itself). Every key is a message of the
catalogues (extracted from the code), so translators see it, and it renders to the English.
"""

from __future__ import annotations

import pytest
import yaml

from tests.socket.test_workshops_api import KEY
from tests.socket.test_workshops_api import SMALL
from tests.socket.test_workshops_api import YAML
from tests.socket.test_workshops_api import post
from tools.i18n import extracted
from workshop.authoring import WorkshopTooLarge
from workshop.authoring import read_workshop


@pytest.fixture(scope="module")
def catalogued() -> set[str]:
    """Every message of the catalogues (a plural's by its singular)."""
    return {m.id if isinstance(m.id, str) else m.id[0] for m in extracted() if m.id}


def render(message: dict) -> str:
    """A `{key, params}` as an English page shows it (i18n.js `say` with no catalogue)."""
    return message["key"].format(**message["params"])


def assert_said(body: dict, catalogued: set[str]) -> None:
    """`body`'s message is catalogued and renders to its English `error`."""
    assert body["message"]["key"] in catalogued, body
    assert render(body["message"]) == body["error"]


def test_refusals_of_the_api_carry_their_key(app, catalogued):
    client = app.test_client()
    missing = client.get("/api/workshops/nothing-here", headers=KEY)
    assert missing.status_code == 404
    assert missing.json["message"]["params"] == {"workshop_id": "nothing-here"}
    assert_said(missing.json, catalogued)

    builtin = client.delete("/api/workshops/tiny", headers=KEY)
    assert builtin.status_code == 409
    assert_said(builtin.json, catalogued)

    assert post(client, SMALL).status_code == 201
    taken = post(client, SMALL)
    assert taken.status_code == 409
    assert taken.json["message"]["params"] == {"workshop_id": "morning"}
    assert_said(taken.json, catalogued)

    elsewhere = client.put("/api/workshops/other", data=SMALL.encode(), headers=YAML)
    assert elsewhere.status_code == 400
    assert_said(elsewhere.json, catalogued)

    plain = client.post("/api/workshops", data=b"x", headers={**KEY, "Content-Type": "text/plain"})
    assert plain.status_code == 415
    assert_said(plain.json, catalogued)


def test_a_workshop_too_large_says_by_how_much_as_a_key(catalogued):
    # The kiosk's body cap answers first over HTTP (its own 413); the studio meets this one
    # when the cap is raised above a workshop's most.
    with pytest.raises(WorkshopTooLarge) as raised:
        read_workshop(b"#" * 300_000, "yaml")
    assert raised.value.message == {
        "key": raised.value.key,
        "params": {"size": 293, "most": 256},
    }
    assert raised.value.key in catalogued
    assert render(raised.value.message) == str(raised.value)


def test_a_save_over_a_newer_version_says_so_with_its_key(app, catalogued):
    client = app.test_client()
    first = post(client, SMALL)
    changed = SMALL.replace("title: Morning reset", "title: Morning reset, again")
    newer = client.put("/api/workshops/morning", data=changed.encode(), headers=YAML)
    assert newer.status_code == 200
    stale = {**YAML, "If-Match": first.headers["ETag"]}
    refused = client.put("/api/workshops/morning", data=SMALL.encode(), headers=stale)
    assert refused.status_code == 412
    params = refused.json["message"]["params"]
    assert params["workshop_id"] == "morning"
    assert params["version"] == refused.json["version"]
    assert params["saved_at"] == refused.json["updated_at"]
    assert_said(refused.json, catalogued)


def test_each_located_problem_says_what_is_wrong_as_a_key(app, catalogued):
    broken = (
        SMALL.replace("title: Arrive\n", "title: ''\n    countdown: -5\n    colour: red\n")
        .replace('question: "How calm?"}', 'question: "How calm?", min: 4, max: 2}')
        .replace("title: Morning reset\n", "title: Morning reset\nlanguage: english\n")
    )
    body = post(app.test_client(), broken).json
    assert body["message"] == {
        "key": "The workshop cannot be used. Problems found: {count}.",
        "params": {"count": len(body["errors"])},
    }
    reasons = {problem["field"]: problem["reason"] for problem in body["errors"]}
    assert reasons == {
        "language": {
            "key": "String should match pattern '{pattern}'",
            "params": {"pattern": "^[a-z]{2}$"},
        },
        "steps.0.title": {
            "key": "String should have at least {min_length} character",
            "params": {"min_length": 1},
        },
        "steps.0.countdown": {
            "key": "Input should be greater than or equal to {ge}",
            "params": {"ge": 1},
        },
        "steps.0.colour": {"key": "Extra inputs are not permitted", "params": {}},
        "steps.1.prompt": {"key": "max must be greater than min", "params": {}},
    }
    for problem in body["errors"]:
        assert problem["reason"]["key"] in catalogued, problem
        # The English message is the place, then the reason as the page renders it.
        assert problem["message"].endswith(": " + render(problem["reason"])), problem


def test_problems_between_steps_and_of_the_whole_file_carry_keys(app, catalogued):
    client = app.test_client()
    data = yaml.safe_load(SMALL)
    data["steps"][3]["prompt"]["pairs_with"] = "arrive"
    data["steps"][1]["prompt"]["min"] = 0
    data["steps"][1]["prompt"]["max"] = 3
    data["steps"][3]["prompt"]["pairs_with"] = "calm-before"
    problem = client.post("/api/workshops", json=data, headers=KEY).json["errors"][0]
    assert problem["reason"] == {
        "key": "prompt.pairs_with '{pairs_with}' has the range {min}-{max}; "
        "a pair needs the same range",
        "params": {"pairs_with": "calm-before", "min": 0, "max": 3},
    }
    assert problem["message"].endswith(render(problem["reason"]))
    for text, key in [
        ("- just\n- a list\n", "a workshop file must be a mapping with title and steps"),
        (
            "a: &x 1\nb: *x\n",
            "YAML anchors and aliases (&name, *name, <<: *name) are not "
            "accepted in a workshop: write each value out",
        ),
        ("title: [\n", "not valid YAML: {detail}"),
    ]:
        problems = post(client, text).json["errors"]
        assert [p["reason"]["key"] for p in problems] == [key]
        assert problems[0]["reason"]["key"] in catalogued
        assert render(problems[0]["reason"]) == problems[0]["message"]
