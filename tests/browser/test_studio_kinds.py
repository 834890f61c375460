"""The studio's editor has a control for every field of the schema, mood grids and feelings
included, with the kiosk's own errors beside them and their real controls in the preview; and
a workshop's history shows how paired mood grids and feelings moved."""

from __future__ import annotations

import typing

import pytest
import requests
from playwright.sync_api import expect
from pydantic import BaseModel

from harness.live import ADMIN_KEY
from tests.browser.conftest import PHONE
from tests.browser.test_experience import run_axe
from tests.browser.test_layout_details import room
from tests.browser.test_studio import LAPTOP
from tests.browser.test_studio import add_step
from tests.browser.test_studio import fits_the_width
from tests.browser.test_studio import kiosk  # noqa: F401 (the studio's own kiosk, a fixture)
from tests.browser.test_studio import new_workshop
from tests.browser.test_studio import save
from tests.browser.test_studio import signed_in
from tests.browser.test_studio import wait_checked
from workshop.script import AnyPrompt
from workshop.script import Step
from workshop.script import Workshop


def _models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models a field's type holds (through Optional, unions and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def schema_paths(model: type[BaseModel], prefix: str = "", skip: tuple[str, ...] = ()) -> set[str]:
    """Every field of `model` a person sets, as a dotted path ("breathing", "breathing.inhale")."""
    paths = set()
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        path = prefix + name
        nested = _models_in(field.annotation)
        # An optional part (a pacer, consent) is switched on and off by a control of its own;
        # a part always there (consent's alternative) is only its fields.
        if not nested or type(None) in typing.get_args(field.annotation):
            paths.add(path)
        for model in nested:
            paths |= schema_paths(model, f"{path}.")
    return paths


def prompt_kinds() -> dict[str, type[BaseModel]]:
    """Each prompt kind of the schema and its model, from the union itself."""
    kinds = {}
    for model in typing.get_args(AnyPrompt):
        (kind,) = typing.get_args(model.model_fields["kind"].annotation)
        kinds[kind] = model
    return kinds


def fields_in(page, scope: str) -> set[str]:
    return set(
        page.locator(f"{scope} [data-field]").evaluate_all("els => els.map(e => e.dataset.field)")
    )


def test_the_editor_has_a_control_for_every_field_of_the_schema(pages, kiosk):  # noqa: F811
    """A field added to workshop/script.py without a control in the editor fails here."""
    page = signed_in(pages, kiosk)
    new_workshop(page, "Every field")
    # The workshop's own fields (its steps are the list).
    assert fields_in(page, "#workshop-fields") == schema_paths(Workshop, skip=("steps",))

    add_step(page, "All of it")
    form = page.locator("#step-form")
    # Fields that show once their part is switched on: a pacer, consent, "done".
    form.get_by_label("Breathing pacer").check()
    form.get_by_label("Ask each person privately first (a touch or partner exercise)").check()
    form.get_by_label("Phones show “I'm done”").check()
    expect(form.get_by_label("Move on when this share is done")).to_be_visible()
    step_fields = {f for f in fields_in(page, "#step-form") if not f.startswith("prompt.")}
    assert step_fields == schema_paths(Step, skip=("prompt",))

    # Each kind of question, with exactly its own fields.
    kinds = prompt_kinds()
    assert set(kinds) >= {"scale", "words", "choice", "mood", "feelings"}
    offered = (
        form.get_by_label("Kind of question")
        .locator("option")
        .evaluate_all("options => options.map(o => o.value).filter(Boolean)")
    )
    assert sorted(offered) == sorted(kinds)
    for kind, model in kinds.items():
        form.get_by_label("Kind of question").select_option(kind)
        expect(form.get_by_label("Kind of question")).to_have_value(kind)
        prompt_fields = {f for f in fields_in(page, "#step-form") if f.startswith("prompt.")}
        assert prompt_fields == schema_paths(model, "prompt."), kind


def test_mood_and_feelings_steps_are_edited_checked_and_previewed(pages, kiosk):  # noqa: F811
    page = signed_in(pages, kiosk)
    new_workshop(page, "Moods and feelings")
    form = page.locator("#step-form")
    phone = page.frame_locator("#preview-phone")

    # A mood grid: the schema's four words to start with, each one editable.
    add_step(page, "Where are you?")
    form.get_by_label("Kind of question").select_option("mood")
    expect(form.get_by_label("Pleasant end (right)")).to_have_value("pleasant")
    expect(form.get_by_label("Low energy end (bottom)")).to_have_value("low energy")
    form.get_by_label("The question", exact=True).fill("Where are you now?")
    form.get_by_label("Pleasant end (right)").fill("at ease")
    form.get_by_label("High energy end (top)").fill("wired")
    # The preview is the phone's own grid, with the words as typed.
    expect(phone.locator("#prompt .mood-cell")).to_have_count(49)
    expect(phone.locator("#prompt .mood-axis.pleasant")).to_have_text("at ease")
    expect(phone.locator("#prompt .mood-axis.high")).to_have_text("wired")
    expect(phone.locator("#prompt-question")).to_have_text("Where are you now?")
    phone.locator('#prompt .mood-cell[data-value="2,1"]').click()
    expect(phone.locator("#received")).to_contain_text("Received")

    # An empty word is the kiosk's error, beside its field.
    form.get_by_label("Low energy end (bottom)").fill("")
    wait_checked(page)
    low_error = form.locator('.field-error[data-error-for="prompt.low_label"]')
    expect(low_error).to_contain_text("prompt.low_label: String should have at least 1 character")
    expect(form.get_by_label("Low energy end (bottom)")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Low energy end (bottom)").fill("drained")
    wait_checked(page)
    expect(low_error).to_be_hidden()

    # Feelings: the workshop's own list, offered by a feelings question that lists none.
    page.locator("#workshop-fields").get_by_label(
        "Feelings offered by feelings questions, one a line"
    ).fill("steady\nshaky\nopen")
    add_step(page, "Name it")
    form.get_by_label("Kind of question").select_option("feelings")
    form.get_by_label("The question", exact=True).fill("Which feelings are here?")
    options = form.get_by_label("Feelings offered, one a line")
    expect(options).to_have_value("")
    expect(options).to_have_attribute("placeholder", "steady\nshaky\nopen")
    expect(phone.locator("#prompt .feeling")).to_have_text(["steady", "shaky", "open"])
    # Its own list wins; "most" is the kiosk's rule (all when fewer are offered).
    options.fill("light\nheavy\nrestless\nclear")
    form.get_by_label("Most feelings one person may choose").fill("2")
    expect(phone.locator("#prompt .feeling")).to_have_text(["light", "heavy", "restless", "clear"])
    expect(phone.locator("#feelings-help")).to_have_text("Choose up to 2, then press Send.")
    # The projector asks the room to answer on their phones, as it does in a session.
    screen = page.frame_locator("#preview-screen")
    expect(screen.locator("#question-text")).to_have_text("Which feelings are here?")
    expect(screen.locator("#question-status")).to_have_text("Answer on your phone")
    phone.locator("#prompt .feeling", has_text="heavy").click()
    phone.locator("#prompt .feeling", has_text="clear").click()
    phone.locator("#prompt .feeling", has_text="light").click()
    expect(phone.locator(".feelings-limit")).to_contain_text("You have chosen 2")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#received")).to_contain_text("Received")

    form.get_by_label("Most feelings one person may choose").fill("11")
    wait_checked(page)
    expect(form.locator('.field-error[data-error-for="prompt.max_choices"]')).to_contain_text(
        "prompt.max_choices: Input should be less than or equal to 10"
    )
    form.get_by_label("Most feelings one person may choose").fill("2")
    options.fill("light\nLight")
    wait_checked(page)
    # A rule of the whole question: its error is at the top of the question's group.
    expect(form.locator('.field-error[data-error-for="prompt"]')).to_contain_text(
        "prompt: options must be distinct"
    )
    options.fill("light\nheavy\nrestless\nclear")

    # After: a second mood grid paired with the first, a second feelings with the same list.
    add_step(page, "Where now?")
    form.get_by_label("Kind of question").select_option("mood")
    form.get_by_label("The question", exact=True).fill("And now?")
    pair = form.get_by_label("Before and after")
    expect(pair.locator("option")).to_have_text(["Not paired", "After of “step-1-question”"])
    pair.select_option("step-1-question")
    add_step(page, "Name it again")
    form.get_by_label("Kind of question").select_option("feelings")
    form.get_by_label("The question", exact=True).fill("And now?")
    form.get_by_label("Before and after").select_option("step-2-question")
    wait_checked(page)
    # Other feelings than its pair: the kiosk's words at the pair's field.
    expect(form.locator('.field-error[data-error-for="prompt.pairs_with"]')).to_contain_text(
        "offers other feelings; a pair needs the same feelings"
    )
    form.get_by_label("Feelings offered, one a line").fill("light\nheavy\nrestless\nclear")
    wait_checked(page)
    expect(page.locator("#problems")).to_be_hidden()
    save(page)

    stored = requests.get(
        f"{kiosk.url}/api/workshops/moods-and-feelings",
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=10,
    ).json()
    prompts = [step["prompt"] for step in stored["steps"]]
    assert stored["feelings"] == ["steady", "shaky", "open"]
    assert prompts[0]["pleasant_label"] == "at ease" and prompts[0]["low_label"] == "drained"
    assert prompts[1]["options"] == ["light", "heavy", "restless", "clear"]
    assert prompts[1]["max_choices"] == 2
    assert prompts[2]["pairs_with"] == "step-1-question"
    assert prompts[3]["pairs_with"] == "step-2-question"

    # What a facilitator sees, on a laptop and on a phone; axe is injected as a script, which
    # the pages' CSP forbids, so this browser bypasses it.
    page = signed_in(pages, kiosk, name="studio-axe", bypass_csp=True)
    page.goto(f"{kiosk.url}/studio/moods-and-feelings")
    expect(page.locator("#steps li")).to_have_count(4)
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        for index, name in ((0, "mood"), (1, "feelings")):
            page.locator("#steps .step-select").nth(index).click()
            expect(page.locator("#step-heading")).to_have_text(f"Step {index + 1} of 4")
            page.wait_for_timeout(400)
            size = f"{viewport['width']}x{viewport['height']}"
            pages.shot(page, f"studio-editor-{name}-{size}", full_page=False)
            pages.shot(page, f"studio-editor-{name}-{size}-full")
            assert fits_the_width(page), f"{name} at {size}"
            assert run_axe(page) == [], f"{name} at {size}"


EVENING = {
    "id": "evening",
    "title": "Evening check",
    "feelings": ["calm", "tense", "tired"],
    "steps": [
        {
            "id": "mood-in",
            "title": "Mood in",
            "prompt": {
                "id": "mood-before",
                "kind": "mood",
                "question": "Where are you?",
                "pleasant_label": "bright",
            },
        },
        {
            "id": "feel-in",
            "title": "Feel in",
            "prompt": {"id": "feel-before", "kind": "feelings", "question": "Name it"},
        },
        {
            "id": "mood-out",
            "title": "Mood out",
            "prompt": {
                "id": "mood-after",
                "kind": "mood",
                "question": "And now?",
                "pleasant_label": "bright",
                "pairs_with": "mood-before",
            },
        },
        {
            "id": "feel-out",
            "title": "Feel out",
            "prompt": {
                "id": "feel-after",
                "kind": "feelings",
                "question": "Again",
                "pairs_with": "feel-before",
            },
        },
    ],
}


def test_history_shows_paired_mood_grids_and_feelings(pages, kiosk):  # noqa: F811
    added = requests.post(
        f"{kiosk.url}/api/workshops",
        json=EVENING,
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=10,
    )
    assert added.status_code == 201, added.text
    full = kiosk.create_session("evening")
    with room(kiosk, full, 3) as (command, answer_all):
        for index, prompt_id, values in (
            (
                0,
                "mood-before",
                [
                    {"pleasantness": -2, "energy": 2},
                    {"pleasantness": -1, "energy": 1},
                    {"pleasantness": 0, "energy": 0},
                ],
            ),
            (1, "feel-before", [["tense"], ["tense", "tired"], ["calm"]]),
            (
                2,
                "mood-after",
                [
                    {"pleasantness": 1, "energy": -1},
                    {"pleasantness": 2, "energy": -2},
                    {"pleasantness": 0, "energy": 1},
                ],
            ),
            (3, "feel-after", [["calm"], ["calm", "tired"], ["calm"]]),
        ):
            command("goto", index=index)
            answer_all(prompt_id, values)
    small = kiosk.create_session("evening")
    with room(kiosk, small, 1) as (command, answer_all):
        command("goto", index=0)
        answer_all("mood-before", [{"pleasantness": 3, "energy": 3}])
        command("goto", index=2)
        answer_all("mood-after", [{"pleasantness": -3, "energy": -3}])

    page = signed_in(pages, kiosk)
    page.goto(f"{kiosk.url}/studio/evening/history")
    expect(page.locator("body")).to_have_attribute("data-loaded", "true")
    shown = page.locator(".history-session").filter(has_text=full["code"])
    expect(shown).to_contain_text("3 people")
    mood = shown.locator(".pair-mood")
    expect(mood.locator(".pair-title")).to_have_text("mood-before → mood-after")
    expect(mood.locator(".shift-line.pleasant")).to_have_text("2 of 3 (67%) moved toward bright")
    expect(mood.locator('tr[data-axis="pleasantness"] td')).to_have_text(["−1", "+1"])
    expect(mood.locator('tr[data-axis="energy"] td')).to_have_text(["+1", "−0.67"])
    feelings = shown.locator(".pair-feelings")
    expect(feelings.locator(".feelings-counts tbody tr")).to_have_text(
        [
            "calm13+2",
            "tense20−2",
            "tired11" + "0",
        ]
    )
    hidden = page.locator(".history-session").filter(has_text=small["code"])
    expect(hidden.locator(".hidden-pair")).to_have_count(2)
    expect(hidden).to_contain_text("Not enough answers to show")
    expect(hidden.locator("table, svg")).to_have_count(0)
    axe = signed_in(pages, kiosk, name="history-axe", bypass_csp=True)
    axe.goto(page.url)
    expect(axe.locator(".pair-feelings")).to_have_count(2)
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        pages.shot(page, f"studio-history-kinds-{viewport['width']}x{viewport['height']}")
        assert fits_the_width(page), viewport
        axe.set_viewport_size(viewport)
        assert run_axe(axe) == [], viewport


@pytest.fixture(autouse=True)
def _no_stray_console_errors(pages):
    """The editor's draft checks answer 400 while a draft has a problem (test_studio's rule)."""
    yield
    refused = "the server responded with a status of 400 (BAD REQUEST)"
    pages.errors[:] = [e for e in pages.errors if refused not in e]
