"""Incoming payloads of the public protocol, validated before anything else sees them.

Every socket event and JSON body is parsed by one of these models. Unknown fields are refused
(a typo should fail loudly), strings are bounded, and numbers are real numbers, not booleans.
"""

from __future__ import annotations

from typing import Annotated
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StrictBool
from pydantic import StrictFloat
from pydantic import StrictInt
from pydantic import StrictStr
from pydantic import TypeAdapter
from pydantic import ValidationError

from workshop.errors import AttuneError
from workshop.script import SLUG_PATTERN

JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6
JoinCode = Annotated[StrictStr, Field(min_length=4, max_length=12, pattern=r"^[A-Za-z0-9]+$")]
ParticipantId = Annotated[
    StrictStr, Field(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
]
PromptId = Annotated[StrictStr, Field(pattern=SLUG_PATTERN)]
AnswerId = Annotated[StrictStr, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
# Longer than any prompt allows, so that the prompt's own limit gives the precise message.
AnswerText = Annotated[StrictStr, Field(max_length=2000)]
# A mood grid's answer is a small mapping; its keys and numbers are checked against the prompt
# (workshop/results.py), which words the error for the person, so any JSON scalar passes here.
AnswerMapping = Annotated[
    dict[
        Annotated[StrictStr, Field(max_length=40)],
        StrictInt | StrictFloat | StrictBool | Annotated[StrictStr, Field(max_length=80)] | None,
    ],
    Field(max_length=8),
]
# The feelings a person chose: checked against the prompt (workshop/results.py) in words.
AnswerList = Annotated[
    list[Annotated[StrictStr, Field(max_length=80)] | StrictInt | StrictFloat | StrictBool | None],
    Field(max_length=40),
]
# Days a session's answers are kept: 0 deletes them when it ends; ten years at most.
MAX_RETENTION_DAYS = 3650
RetentionDays = Annotated[StrictInt, Field(ge=0, le=MAX_RETENTION_DAYS)]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParticipantAuth(_Message):
    """`auth` of a phone connecting to /participant.

    The phone's id comes from the kiosk's signed cookie; a `pid` here (older pages made one
    up) is checked for shape and otherwise ignored.
    """

    code: JoinCode
    pid: ParticipantId | None = None


class FacilitatorAuth(_Message):
    """`auth` of a console connecting to /facilitator.

    The token may be empty for a browser signed in on the facilitator home.
    """

    code: JoinCode
    token: Annotated[StrictStr, Field(max_length=200)] = ""


class ScreenAuth(_Message):
    """`auth` of a projector screen connecting to /screen."""

    code: JoinCode


class Respond(_Message):
    """A participant's answer to the open prompt.

    `answer_id` is optional; a phone that sets it may resend the same answer after a lost
    ack and it is stored once. `answered_ms` is when the person answered, in server time as
    the phone estimates it: an answer sent late (from the outbox of a phone that was offline)
    still counts if the prompt was open then and closed only recently.
    """

    prompt_id: PromptId
    value: StrictInt | AnswerText | AnswerMapping | AnswerList
    answer_id: AnswerId | None = None
    answered_ms: StrictInt | None = Field(default=None, ge=0, le=10**15)


class ClockPing(_Message):
    """One round trip of the clock-offset estimate: the client's send time."""

    t0: float = Field(allow_inf_nan=False)


class _Action(_Message):
    pass


class Next(_Action):
    action: Literal["next"]


class Prev(_Action):
    action: Literal["prev"]


class Goto(_Action):
    action: Literal["goto"]
    index: StrictInt = Field(ge=0, le=10_000)


class TimerStart(_Action):
    action: Literal["timer_start"]


class TimerPause(_Action):
    action: Literal["timer_pause"]


class TimerResume(_Action):
    action: Literal["timer_resume"]


class TimerAdd(_Action):
    action: Literal["timer_add"]
    seconds: StrictInt = Field(ge=-3600, le=3600)


class TimerReset(_Action):
    action: Literal["timer_reset"]


class PromptOpen(_Action):
    action: Literal["prompt_open"]


class PromptClose(_Action):
    action: Literal["prompt_close"]


class Reveal(_Action):
    action: Literal["reveal"]


class HideResults(_Action):
    action: Literal["hide_results"]


class End(_Action):
    action: Literal["end"]


class ConsentOpen(_Action):
    """Ask the room for consent: for `step_id`, else the current or next step that has it."""

    action: Literal["consent_open"]
    step_id: Annotated[StrictStr, Field(pattern=SLUG_PATTERN)] | None = None


class ConsentClose(_Action):
    action: Literal["consent_close"]


class DeleteAnswers(_Action):
    """Erase every answer of the session now; `confirm` must repeat the join code."""

    action: Literal["delete_answers"]
    confirm: Annotated[StrictStr, Field(max_length=20)]


class HideResponse(_Action):
    action: Literal["hide_response"]
    answer_id: AnswerId


class ShowResponse(_Action):
    """Show a hidden answer again, or approve one that waits for approval."""

    action: Literal["show_response"]
    answer_id: AnswerId


Command = Annotated[
    Next
    | Prev
    | Goto
    | TimerStart
    | TimerPause
    | TimerResume
    | TimerAdd
    | TimerReset
    | PromptOpen
    | PromptClose
    | Reveal
    | HideResults
    | End
    | HideResponse
    | ShowResponse
    | ConsentOpen
    | ConsentClose
    | DeleteAnswers,
    Field(discriminator="action"),
]
COMMAND_ADAPTER: TypeAdapter[Command] = TypeAdapter(Command)
ACTIONS = sorted(
    model.model_fields["action"].annotation.__args__[0]  # type: ignore[union-attr]
    for model in _Action.__subclasses__()
)


class ConsentChoice(_Message):
    """A phone's private choice before a touch or partner step."""

    step_id: Annotated[StrictStr, Field(pattern=SLUG_PATTERN)]
    choice: Literal["join", "alternative", "skip"]


class Signal(_Message):
    """A phone's quiet signal: it needs a moment (or is fine again), or it is done (or not)."""

    kind: Literal["need_moment", "ok_again", "done", "undone"]
    # For done/undone: the step the phone showed when it was tapped. A tap that arrives after
    # the room moved on is refused instead of marking the next step.
    step_id: Annotated[StrictStr, Field(pattern=SLUG_PATTERN)] | None = None


class CreateSession(_Message):
    """Body of `POST /api/sessions`."""

    workshop: Annotated[StrictStr, Field(pattern=SLUG_PATTERN)]
    # Days the answers are kept; 0 deletes them when the session ends. None: the kiosk default.
    retention_days: RetentionDays | None = None
    # Keep the report's aggregate figures (no answer text) when the answers are deleted.
    keep_aggregates: bool = True


class BadMessage(AttuneError, ValueError):
    """A payload that does not fit its model; the message says what to change."""


def describe_error(error: ValidationError) -> str:
    """One short, human sentence from a pydantic error (first problem only).

    Input values are never echoed back: they can be huge or hostile.
    """
    problem = error.errors(include_input=False, include_url=False)[0]
    # Union members add their type to the path ("value.int"); the field name is what helps.
    where = ".".join(
        str(part)
        for part in problem["loc"]
        if str(part) not in ("int", "str") and "[" not in str(part)
    )
    message = problem["msg"].removeprefix("Value error, ")
    if problem["type"] == "union_tag_invalid":
        return f"unknown action; use one of: {', '.join(ACTIONS)}"
    if problem["type"] == "union_tag_not_found":
        return f"'action' is missing; use one of: {', '.join(ACTIONS)}"
    return f"{where}: {message}" if where else message


def parse(model: type[_Message] | TypeAdapter, payload: object):
    """Validate a payload against a model or adapter.

    :raise BadMessage: the payload is not an object of the right shape.
    """
    if not isinstance(payload, dict):
        raise BadMessage("expected a JSON object")
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_python(payload)
        return model.model_validate(payload)
    except ValidationError as error:
        raise BadMessage(describe_error(error)) from None


_RETENTION_DAYS = TypeAdapter(RetentionDays)


def retention_days_from_text(text: str) -> int | None:
    """Days typed in a form (blank: the kiosk's default), checked as `CreateSession` checks them.

    :raise BadMessage: not a whole number, or not a retention a session may have, in words.
    """
    typed = text.strip()
    if not typed:
        return None
    try:
        days = int(typed)
    except ValueError:
        raise BadMessage("Retention is a whole number of days.") from None
    try:
        return _RETENTION_DAYS.validate_python(days)
    except ValidationError:
        raise BadMessage(f"Retention is between 0 and {MAX_RETENTION_DAYS} days.") from None
