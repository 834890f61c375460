"""Workshop files: the built-in ones load, bad ones name the file, step and field."""

from pathlib import Path

import pytest
import yaml

from workshop.script import WorkshopError
from workshop.script import load_library
from workshop.script import load_workshop
from workshop.script import parse_workshop

MINIMAL = {"id": "w", "title": "W", "steps": [{"id": "a", "title": "A"}]}


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return path


def step(**fields):
    return {"id": "s", "title": "S", **fields}


def test_builtin_library_has_calm_and_connect_and_a_demo():
    library = load_library()
    assert {"calm-and-connect", "demo"} <= set(library)
    calm = library["calm-and-connect"]
    assert len(calm.steps) >= 19
    prompts = {s.prompt.id: s.prompt for s in calm.steps if s.prompt}
    kinds = {p.kind for p in prompts.values()}
    assert {"scale", "words", "choice", "mood", "feelings"} <= kinds
    paired = [p for p in prompts.values() if p.kind == "mood" and p.pairs_with]
    assert [(p.id, p.pairs_with) for p in paired] == [("mood-after", "mood-before")], (
        "the after check-in pairs with the before one"
    )
    order = [s.id for s in calm.steps]
    assert calm.steps[2].prompt.id == "mood-before" and calm.steps[-2].prompt.id == "mood-after"
    assert order.index("name-feelings") == order.index("benefactor") + 1
    for exercise in ("circle-of-safety", "carry-the-circle", "re-wiring"):
        step = calm.steps[order.index(exercise)]
        assert step.countdown and len(step.notes) > 300 and step.context, exercise
    timers = [s.countdown for s in calm.steps if s.countdown]
    for seconds in (20, 30, 45, 120):
        assert seconds in timers, f"a {seconds}-second step is in the seed"
    assert any(s.breathing and s.breathing.cycles == 3 for s in calm.steps)
    steps = {s.id: s for s in calm.steps}
    assert steps["hug"].consent and steps["head-rub"].consent
    assert steps["hug"].consent.alternative.title
    assert any(s.done for s in calm.steps)


def test_minimal_workshop_loads(tmp_path):
    workshop = load_workshop(write(tmp_path, MINIMAL))
    assert workshop.steps[0].timer_ms is None
    assert workshop.min_responses == 3


def test_breathing_step_gets_a_timer_of_its_cycles(tmp_path):
    data = {
        **MINIMAL,
        "steps": [step(breathing={"inhale": 4, "hold": 2, "exhale": 6, "cycles": 3})],
    }
    workshop = load_workshop(write(tmp_path, data))
    assert workshop.steps[0].timer_ms == 36_000


@pytest.mark.parametrize(
    ("bad_step", "expected"),
    [
        (step(countdown=-5), "step 1 ('s') → countdown"),
        (step(countdown="soon"), "step 1 ('s') → countdown"),
        (step(prompt={"id": "p", "kind": "poll", "question": "Q"}), "step 1 ('s') → prompt"),
        (
            step(prompt={"id": "p", "kind": "scale", "question": "Q", "min": 5, "max": 1}),
            "max must be greater",
        ),
        (
            step(prompt={"id": "p", "kind": "choice", "question": "Q", "options": ["x"]}),
            "prompt.options",
        ),
        (
            step(prompt={"id": "p", "kind": "words", "question": "Q", "max_length": 20}),
            "prompt.max_length",
        ),
        (step(breathing={"inhale": 4, "exhale": 0, "cycles": 3}), "breathing.exhale"),
        (step(colour="red"), "step 1 ('s') → colour: Extra inputs are not permitted"),
        (step(auto_advance=True), "auto_advance needs a countdown"),
        ({"id": "s", "title": ""}, "step 1 ('s') → title"),
    ],
)
def test_bad_step_errors_name_file_step_and_field(tmp_path, bad_step, expected):
    path = write(tmp_path, {**MINIMAL, "steps": [bad_step]})
    with pytest.raises(WorkshopError) as caught:
        load_workshop(path)
    message = str(caught.value)
    assert str(path) in message
    assert expected in message


def test_error_names_the_right_step_among_many(tmp_path):
    data = {**MINIMAL, "steps": [step(id="one"), step(id="two"), step(id="three", countdown=0)]}
    with pytest.raises(WorkshopError, match=r"step 3 \('three'\) → countdown"):
        load_workshop(write(tmp_path, data))


def test_duplicate_step_ids_are_refused(tmp_path):
    data = {**MINIMAL, "steps": [step(id="a"), step(id="a")]}
    with pytest.raises(WorkshopError, match="used twice"):
        load_workshop(write(tmp_path, data))


def test_pairs_with_must_name_an_earlier_scale_of_the_same_range(tmp_path):
    after = {"id": "after", "kind": "scale", "question": "Q", "pairs_with": "before"}
    with pytest.raises(WorkshopError, match="earlier step"):
        load_workshop(write(tmp_path, {**MINIMAL, "steps": [step(prompt=after)]}))
    before = {"id": "before", "kind": "scale", "question": "Q", "max": 7}
    data = {**MINIMAL, "steps": [step(id="b", prompt=before), step(id="c", prompt=after)]}
    with pytest.raises(WorkshopError, match="same range"):
        load_workshop(write(tmp_path, data))


def test_not_yaml_and_missing_file(tmp_path):
    with pytest.raises(WorkshopError, match="not valid YAML"):
        load_workshop(write(tmp_path, "steps: [unclosed"))
    with pytest.raises(WorkshopError, match="cannot read"):
        load_workshop(tmp_path / "nope.yaml")
    with pytest.raises(WorkshopError, match="must be a mapping"):
        parse_workshop(["a list"], "x.yaml")


def test_words_limit_holds_a_real_sentence(tmp_path):
    prompt = {"id": "p", "kind": "words", "question": "Q"}
    workshop = load_workshop(write(tmp_path, {**MINIMAL, "steps": [step(prompt=prompt)]}))
    assert workshop.steps[0].prompt.max_length >= 80
