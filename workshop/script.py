"""Workshop scripts: the YAML files a facilitator writes, validated on load.

A workshop is a title, a description and a list of steps. Each step carries the text the room
sees, the facilitator's notes, and optionally a countdown, a breathing pacer and a prompt.
Validation is done by pydantic; errors are rewritten so they name the file, the step and the
field, because the person reading them is editing a YAML file, not reading a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from typing import Literal

import yaml
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import ValidationError
from pydantic import model_validator

from workshop.errors import N_
from workshop.errors import AttuneError

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]

# A `words` answer must hold at least a real sentence; beyond 500 characters it is an essay,
# which a projector cannot show and a room does not read.
WORDS_MIN_LIMIT = 80
WORDS_MAX_LIMIT = 500
DEFAULT_MIN_RESPONSES = 3


class SchemaProblem(AttuneError, ValueError):
    """What a check of the schema finds wrong in one part of a workshop, in words.

    Its message is marked `N_` with `{name}` parameters (`SchemaProblem(N_("{what} must be
    distinct"), what="options")`): the file loader prints it in English, the studio shows it in
    its own language from the key and parameters (`problem_reason`).
    """


class StepConflict(AttuneError, ValueError):
    """A problem between steps (an id used twice, a pair with no earlier scale), found at one.

    Raised inside the workshop's validation, which reports it as a problem of the whole
    workshop; `index` and `field` say which step and field it belongs to, for an editor. Its
    key and parameters say what is wrong (for the studio, which names the step itself); its
    text names the step first, as the file loader prints it.
    """

    def __init__(self, message: str, index: int, field: str, step: str, **params):
        super().__init__(message, **params)
        self.index = index
        self.field = field
        self.step = step  # the step's id

    def __str__(self) -> str:
        return f"step {self.index + 1} ({self.step!r}): {super().__str__()}"


class _Strict(BaseModel):
    """Base for every script model: unknown keys are typos, so they are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Breathing(_Strict):
    """A breathing pacer: one cycle is inhale, hold, exhale (and an optional hold after)."""

    inhale: float = Field(gt=0, le=30)
    hold: float = Field(default=0, ge=0, le=30)
    exhale: float = Field(gt=0, le=30)
    hold_after: float = Field(default=0, ge=0, le=30)
    cycles: int = Field(ge=1, le=100)

    @property
    def cycle_ms(self) -> int:
        """Length of one breathing cycle in milliseconds."""
        return round((self.inhale + self.hold + self.exhale + self.hold_after) * 1000)

    @property
    def total_ms(self) -> int:
        """Length of all cycles in milliseconds."""
        return self.cycle_ms * self.cycles


class _PromptBase(_Strict):
    id: Slug
    question: str = Field(min_length=1, max_length=300)
    min_responses: int | None = Field(default=None, ge=1, le=1000)


class ScalePrompt(_PromptBase):
    """A numeric scale such as 1-5, with labels at both ends."""

    kind: Literal["scale"]
    min: int = Field(default=1, ge=-10, le=10)
    max: int = Field(default=5, ge=-10, le=10)
    min_label: str = Field(default="", max_length=40)
    max_label: str = Field(default="", max_length=40)
    pairs_with: Slug | None = None

    @model_validator(mode="after")
    def _range_is_sensible(self) -> ScalePrompt:
        if self.max <= self.min:
            raise SchemaProblem(N_("max must be greater than min"))
        if self.max - self.min > 10:
            raise SchemaProblem(N_("a scale has at most 11 points (max - min <= 10)"))
        return self


class WordsPrompt(_PromptBase):
    """A short free-text answer."""

    kind: Literal["words"]
    max_length: int = Field(default=140, ge=WORDS_MIN_LIMIT, le=WORDS_MAX_LIMIT)
    # None: follow the workshop's `approve_words`.
    approval: bool | None = None


class ChoicePrompt(_PromptBase):
    """A single choice among a few options."""

    kind: Literal["choice"]
    options: list[Annotated[str, Field(min_length=1, max_length=80)]] = Field(
        min_length=2, max_length=12
    )

    @model_validator(mode="after")
    def _options_are_distinct(self) -> ChoicePrompt:
        if len(set(self.options)) != len(self.options):
            raise SchemaProblem(N_("options must be distinct"))
        return self


# A mood grid runs from -3 to 3 on both axes: seven steps each way, a 7x7 grid.
MOOD_LIMIT = 3


class MoodPrompt(_PromptBase):
    """A grid of pleasantness against energy (the "mood meter"); a person taps one cell.

    The answer is `{"pleasantness": p, "energy": e}` with whole numbers from -3 to 3. The four
    words name the axes' ends on the phone, the screen and the report.
    """

    kind: Literal["mood"]
    pleasant_label: str = Field(default="pleasant", min_length=1, max_length=40)
    unpleasant_label: str = Field(default="unpleasant", min_length=1, max_length=40)
    high_label: str = Field(default="high energy", min_length=1, max_length=40)
    low_label: str = Field(default="low energy", min_length=1, max_length=40)
    pairs_with: Slug | None = None


# Feelings offered when a workshop lists none, by the workshop's language: plain words a room
# can name its state with, pleasant and unpleasant, calm and stirred.
DEFAULT_FEELINGS = {
    "en": [
        "calm",
        "safe",
        "warm",
        "tired",
        "tense",
        "restless",
        "sad",
        "grateful",
        "connected",
        "hopeful",
    ],
    "de": [
        "ruhig",
        "sicher",
        "warm",
        "müde",
        "angespannt",
        "unruhig",
        "traurig",
        "dankbar",
        "verbunden",
        "zuversichtlich",
    ],
    # French and Spanish adjectives take a gender ("fatigué"/"fatiguée"): nouns (calm, safety,
    # warmth...) fit everyone who picks them, as for Arabic below.
    "fr": [
        "calme",
        "sécurité",
        "chaleur",
        "fatigue",
        "tension",
        "agitation",
        "tristesse",
        "gratitude",
        "lien",
        "espoir",
    ],
    "es": [
        "calma",
        "seguridad",
        "calidez",
        "cansancio",
        "tensión",
        "inquietud",
        "tristeza",
        "gratitud",
        "conexión",
        "esperanza",
    ],
    # Nouns rather than adjectives, which Arabic too writes differently for a woman and a man.
    "ar": [
        "هدوء",
        "أمان",
        "دفء",
        "تعب",
        "توتر",
        "قلق",
        "حزن",
        "امتنان",
        "تواصل",
        "أمل",
    ],
}
MAX_FEELINGS = 40
Feeling = Annotated[str, Field(min_length=1, max_length=40)]


def _distinct(names: list[str], what: str) -> None:
    """Refuse a list that names one thing twice (case and spacing aside)."""
    folded = [" ".join(name.split()).casefold() for name in names]
    if len(set(folded)) != len(folded):
        raise SchemaProblem(N_("{what} must be distinct"), what=what)


class FeelingsPrompt(_PromptBase):
    """Naming feelings: a person picks 1 to `max_choices` of the feelings offered.

    `options` are the feelings offered; without them the workshop's `feelings` are offered,
    else the defaults of the workshop's language (`DEFAULT_FEELINGS`), filled in on load.
    """

    kind: Literal["feelings"]
    options: list[Feeling] | None = Field(default=None, min_length=2, max_length=MAX_FEELINGS)
    max_choices: int = Field(default=3, ge=1, le=10)
    pairs_with: Slug | None = None

    @model_validator(mode="after")
    def _offers_enough(self) -> FeelingsPrompt:
        if self.options is None:
            raise SchemaProblem(
                N_(
                    "list the feelings to offer (options here, or feelings for the whole "
                    "workshop): default feelings exist only for {languages}"
                ),
                languages=", ".join(sorted(DEFAULT_FEELINGS)),
            )
        _distinct(self.options, "options")
        return self

    @property
    def most(self) -> int:
        """How many feelings a person may choose: `max_choices`, or all if fewer are offered."""
        return min(self.max_choices, len(self.options or ()))


Prompt = Annotated[
    ScalePrompt | WordsPrompt | ChoicePrompt | MoodPrompt | FeelingsPrompt,
    Field(discriminator="kind"),
]
AnyPrompt = ScalePrompt | WordsPrompt | ChoicePrompt | MoodPrompt | FeelingsPrompt


class Alternative(_Strict):
    """What someone does instead of a touch or partner exercise (a self-hug, say)."""

    title: str = Field(min_length=1, max_length=120)
    text: str = Field(default="", max_length=2000)


class Consent(_Strict):
    """A private question before a touch or partner step: join, do the alternative, or sit out."""

    question: str = Field(min_length=1, max_length=300)
    alternative: Alternative


class Step(_Strict):
    """One step of a workshop."""

    id: Slug
    title: str = Field(min_length=1, max_length=120)
    text: str = Field(default="", max_length=2000)
    notes: str = Field(default="", max_length=5000)
    # One line that tells someone arriving mid-step what is going on.
    context: str = Field(default="", max_length=200)
    countdown: int | None = Field(default=None, ge=1, le=6 * 3600)
    breathing: Breathing | None = None
    prompt: Prompt | None = None
    auto_advance: bool = False
    consent: Consent | None = None
    # Phones show "I'm done"; with `done_advance` the step moves on once that share is done.
    done: bool = False
    done_advance: float | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="after")
    def _done_advance_needs_done(self) -> Step:
        if self.done_advance is not None and not self.done:
            raise SchemaProblem(N_("done_advance needs done: true"))
        return self

    @property
    def timer_ms(self) -> int | None:
        """The step's timer length: its countdown, else the length of its breathing cycles."""
        if self.countdown is not None:
            return self.countdown * 1000
        if self.breathing is not None:
            return self.breathing.total_ms
        return None

    @model_validator(mode="after")
    def _auto_advance_needs_timer(self) -> Step:
        if self.auto_advance and self.countdown is None and self.breathing is None:
            raise SchemaProblem(N_("auto_advance needs a countdown or a breathing pacer"))
        return self


class Workshop(_Strict):
    """A whole workshop script."""

    id: Slug
    title: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    min_responses: int = Field(default=DEFAULT_MIN_RESPONSES, ge=1, le=1000)
    # Words answers wait for the facilitator's approval before the room sees them.
    approve_words: bool = False
    # Ask for consent as soon as a step that carries it is reached (else the console opens it).
    consent_on_enter: bool = False
    # The feelings a `feelings` prompt offers when it lists none (else the language's defaults).
    feelings: list[Feeling] | None = Field(default=None, min_length=2, max_length=MAX_FEELINGS)
    steps: list[Step] = Field(min_length=1, max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _offer_default_feelings(cls, data: object) -> object:
        return offer_default_feelings(data)

    @model_validator(mode="after")
    def _feelings_are_distinct(self) -> Workshop:
        if self.feelings is not None:
            _distinct(self.feelings, "feelings")
        return self

    @model_validator(mode="after")
    def _ids_and_pairs_are_consistent(self) -> Workshop:
        seen_steps: set[str] = set()
        # Prompts of earlier steps by id: a `pairs_with` names one of the same kind.
        earlier: dict[str, Prompt] = {}
        for index, step in enumerate(self.steps):
            if step.id in seen_steps:
                raise StepConflict(
                    N_("step id '{step_id}' is used twice"), index, "id", step.id, step_id=step.id
                )
            seen_steps.add(step.id)
            prompt = step.prompt
            if prompt is None:
                continue
            if prompt.id in earlier:
                raise StepConflict(
                    N_("prompt id '{prompt_id}' is used twice"),
                    index,
                    "prompt.id",
                    step.id,
                    prompt_id=prompt.id,
                )
            pairs_with = getattr(prompt, "pairs_with", None)
            if pairs_with is not None:
                mismatch = _pair_mismatch(earlier.get(pairs_with), prompt)
                if mismatch:
                    message, params = mismatch
                    raise StepConflict(
                        message,
                        index,
                        "prompt.pairs_with",
                        step.id,
                        pairs_with=pairs_with,
                        **params,
                    )
            earlier[prompt.id] = prompt
        return self

    def step_index(self, step_id: str) -> int:
        """Position of the step with this id.

        :raise KeyError: no such step.
        """
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        raise KeyError(step_id)

    def prompt(self, prompt_id: str) -> tuple[int, AnyPrompt]:
        """The step index and prompt with this id.

        :raise KeyError: no such prompt.
        """
        for index, step in enumerate(self.steps):
            if step.prompt is not None and step.prompt.id == prompt_id:
                return index, step.prompt
        raise KeyError(prompt_id)

    def min_responses_for(self, prompt: AnyPrompt) -> int:
        """The privacy threshold of a prompt: its own, else the workshop's."""
        return prompt.min_responses if prompt.min_responses is not None else self.min_responses

    def needs_approval(self, prompt: AnyPrompt) -> bool:
        """Whether answers to this prompt wait for approval before the room sees them."""
        if not isinstance(prompt, WordsPrompt):
            return False
        return prompt.approval if prompt.approval is not None else self.approve_words

    @property
    def planned_ms(self) -> int:
        """Total planned time of the timed steps, in milliseconds."""
        return sum(step.timer_ms or 0 for step in self.steps)


def offer_default_feelings(data: object) -> object:
    """Workshop data whose `feelings` prompts without options offer the workshop's feelings.

    Those are its `feelings` list, else the defaults of its language. Done on the raw data,
    before prompts are checked (and by the studio's drafts, which check steps one by one), so a
    prompt always holds what it offers; anything of the wrong shape is left for the schema.
    """
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        return data
    offered = data.get("feelings")
    if offered is None:
        language = data.get("language", "en")
        offered = DEFAULT_FEELINGS.get(language) if isinstance(language, str) else None
    if not isinstance(offered, list):
        return data
    steps = []
    for step in data["steps"]:
        prompt = step.get("prompt") if isinstance(step, dict) else None
        if (
            isinstance(prompt, dict)
            and prompt.get("kind") == "feelings"
            and prompt.get("options") is None
        ):
            step = {**step, "prompt": {**prompt, "options": list(offered)}}
        steps.append(step)
    return {**data, "steps": steps}


# What a workshop whose top level is not a mapping (a list, a string) is told.
NOT_A_MAPPING = N_("a workshop file must be a mapping with title and steps")


def _pair_mismatch(before, after) -> tuple[str, dict] | None:
    """Why `after` cannot pair with the earlier prompt `before` (a message marked `N_` with
    its parameters besides `pairs_with`), or None if it can.

    A pair compares like with like: the same kind, and for a scale the same range, for
    feelings the same feelings offered.
    """
    if type(before) is not type(after):
        return N_(
            "prompt.pairs_with '{pairs_with}' must name a {kind} prompt of an earlier step"
        ), {"kind": after.kind}
    if isinstance(after, ScalePrompt) and (before.min, before.max) != (after.min, after.max):
        return N_(
            "prompt.pairs_with '{pairs_with}' has the range {min}-{max}; "
            "a pair needs the same range"
        ), {"min": before.min, "max": before.max}
    if isinstance(after, FeelingsPrompt) and sorted(before.options) != sorted(after.options):
        return N_(
            "prompt.pairs_with '{pairs_with}' offers other feelings; a pair needs the same feelings"
        ), {}
    return None


class WorkshopError(AttuneError, ValueError):
    """A workshop file could not be loaded; the message names the file, step and field."""


def _describe_location(data: object, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic error location into 'step 3 ("hug") → prompt.kind'."""
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        index = loc[1]
        step_id = None
        if isinstance(data, dict):
            steps = data.get("steps")
            if isinstance(steps, list) and 0 <= index < len(steps):
                candidate = steps[index]
                if isinstance(candidate, dict):
                    step_id = candidate.get("id")
        rest = field_path(loc[2:])
        label = f"step {index + 1}" + (f" ({step_id!r})" if step_id else "")
        return label + (" → " + rest if rest else "")
    return ".".join(str(part) for part in loc) or "(top level)"


# Discriminated unions add the kind name to an error's path ("scale"); it is noise to people.
_KIND_TAGS = ("scale", "words", "choice", "mood", "feelings")


def field_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic error location as a dotted path (`steps.3.prompt.max`), without kind tags."""
    return ".".join(str(part) for part in loc if part not in _KIND_TAGS)


def described_problems(data: object, error: ValidationError) -> list[tuple[dict, str]]:
    """Each problem of a failed validation of `data`: (pydantic's error, where: what).

    The words are those the file loader prints after the file's name, so the studio and the
    command line say the same.
    """
    described = []
    for problem in error.errors():
        where = _describe_location(data, tuple(problem["loc"]))
        message = problem["msg"].removeprefix("Value error, ")
        described.append((problem, f"{where}: {message}"))
    return described


# pydantic's own words for the problems a workshop can have, marked for translation with the
# parameters pydantic gives (its `ctx`); the English is pydantic's, word for word. Where
# pydantic glues a plural ending on, one message per form.
_PYDANTIC_WORDS: dict[str, str | tuple[str, str, str]] = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "string_too_short": (
        N_("String should have at least {min_length} character"),
        N_("String should have at least {min_length} characters"),
        "min_length",
    ),
    "string_too_long": (
        N_("String should have at most {max_length} character"),
        N_("String should have at most {max_length} characters"),
        "max_length",
    ),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "finite_number": N_("Input should be a finite number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary or instance of {class_name}"),
    "literal_error": N_("Input should be {expected}"),
    "too_short": (
        N_(
            "{field_type} should have at least {min_length} item after validation, "
            "not {actual_length}"
        ),
        N_(
            "{field_type} should have at least {min_length} items after validation, "
            "not {actual_length}"
        ),
        "min_length",
    ),
    "too_long": (
        N_(
            "{field_type} should have at most {max_length} item after validation, "
            "not {actual_length}"
        ),
        N_(
            "{field_type} should have at most {max_length} items after validation, "
            "not {actual_length}"
        ),
        "max_length",
    ),
    "union_tag_invalid": N_(
        "Input tag {tag} found using {discriminator} does not match any of the expected tags: "
        "{expected_tags}"
    ),
    "union_tag_not_found": N_("Unable to extract tag using discriminator {discriminator}"),
}


def problem_reason(found: dict) -> tuple[str, dict]:
    """What is wrong in one of pydantic's errors, without where: a message and its parameters.

    The message is marked `N_` (a page translates it, static/js/i18n.js `say`), its English
    the same as `described_problems` gives after the place. A problem with words of its own
    (`SchemaProblem`, `StepConflict`) gives its key; one of pydantic's, its marked words
    (`_PYDANTIC_WORDS`); any other, pydantic's English as it is, which then stays English.
    """
    context = found.get("ctx") or {}
    error = context.get("error")
    if isinstance(error, AttuneError) and error.key:
        return error.key, dict(error.params)
    english = found["msg"].removeprefix("Value error, ")
    words = _PYDANTIC_WORDS.get(found["type"])
    if words is None:
        return english, {}
    params = {
        name: value if isinstance(value, (int, float, str)) else str(value)
        for name, value in context.items()
        if name != "expected_plural"
    }
    if isinstance(words, tuple):
        singular, plural, count = words
        words = singular if params.get(count) == 1 else plural
    try:
        rendered = words.format(**params)
    except (KeyError, IndexError, ValueError):
        rendered = None
    # pydantic words a problem its own way in a version we have not seen: its English stays.
    return (words, params) if rendered == english else (english, {})


def parse_workshop(data: object, source: str = "<workshop>") -> Workshop:
    """Validate already-parsed YAML data as a workshop.

    :raise WorkshopError: the data is not a valid workshop; the message names ``source``.
    """
    if not isinstance(data, dict):
        raise WorkshopError(f"{source}: {NOT_A_MAPPING}")
    try:
        return Workshop.model_validate(data)
    except ValidationError as error:
        lines = [f"{source}: {text}" for _, text in described_problems(data, error)]
        raise WorkshopError("\n".join(lines)) from None


def load_workshop(path: str | Path) -> Workshop:
    """Read and validate one workshop file (YAML).

    :raise WorkshopError: the file is missing, not YAML, or not a valid workshop.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise WorkshopError(f"{path}: cannot read the file ({error.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise WorkshopError(f"{path}: not valid YAML: {error}") from None
    return parse_workshop(data, source=str(path))


BUILTIN_DIR = Path(__file__).parent / "library"


def load_library(extra: list[str | Path] | None = None) -> dict[str, Workshop]:
    """Load the built-in workshops plus any extra files, keyed by workshop id.

    :raise WorkshopError: a file is invalid, or two files use the same id.
    """
    paths = sorted(BUILTIN_DIR.glob("*.yaml")) + [Path(p) for p in (extra or [])]
    library: dict[str, Workshop] = {}
    origin: dict[str, Path] = {}
    for path in paths:
        workshop = load_workshop(path)
        if workshop.id in library and origin[workshop.id] != path:
            if path in [Path(p) for p in (extra or [])]:
                # A user's own file may deliberately replace a built-in one of the same id.
                library[workshop.id] = workshop
                origin[workshop.id] = path
                continue
            raise WorkshopError(
                f"{path}: workshop id {workshop.id!r} is also used by {origin[workshop.id]}"
            )
        library[workshop.id] = workshop
        origin[workshop.id] = path
    return library
