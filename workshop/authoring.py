"""Workshops as the studio sends them: YAML or JSON text, checked by the schema the kiosk runs on.

The schema is `workshop/script.py`'s, so a workshop that saves is a workshop that runs. What
this adds is for an editor rather than a terminal: every problem located (its line in the YAML,
its step, its field) and worded as the file loader words it; a file that is valid except for
some steps comes back as a draft with those steps as they were, for a person to fix; and a
workshop goes out as YAML that the file loader reads back into the same workshop.

Text from outside is bounded before it is parsed: its size, how deep it nests, and no YAML
anchors or aliases (one alias of an alias of a list is the "billion laughs": a few hundred
bytes that stand for billions of values).
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass

import yaml
from pydantic import ValidationError

from workshop.errors import N_
from workshop.errors import AttuneError
from workshop.script import DEFAULT_FEELINGS
from workshop.script import NOT_A_MAPPING
from workshop.script import MoodPrompt
from workshop.script import Step
from workshop.script import StepConflict
from workshop.script import Workshop
from workshop.script import described_problems
from workshop.script import field_path
from workshop.script import offer_default_feelings
from workshop.script import problem_reason

# Far above a real workshop (the built-in ones are 5-10 KiB) and far below what would hold
# up the kiosk while it parses.
MAX_WORKSHOP_BYTES = 256 * 1024
# A workshop nests five deep (steps, a step, its prompt, its options, one option).
MAX_NESTING = 32
# More than a person reads; a file with more has one mistake repeated.
MAX_PROBLEMS = 100
# What a GET of a workshop adds to its fields, dropped from a JSON body so it can be sent back.
READ_ONLY_FIELDS = ("builtin", "updated_at", "version")

# libyaml's parser when PyYAML was built with it (faster, same events, same line numbers).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One reason a workshop cannot be used, where it is, in the file loader's words.

    `key` and `params` say what is wrong without where (a message marked `N_`), for the studio
    to say in its own language beside the step, field and line it names itself.
    """

    message: str
    step: int | None = None  # the step's index, from 0
    step_id: str | None = None  # the step's id as written
    field: str | None = None  # e.g. "steps.3.prompt.max"
    line: int | None = None  # in the YAML sent, from 1
    key: str | None = None  # what is wrong, marked N_ (`message` itself when None)
    params: dict | None = None

    @classmethod
    def said(cls, key: str, line: int | None = None, **params) -> Problem:
        """A problem of the whole text (not a field's): `key` marked `N_`, with `params`."""
        message = key.format(**params) if params else key
        return cls(message, line=line, key=key, params=params)

    def as_json(self) -> dict:
        """The problem as the API sends it: `reason` is what is wrong as a key and parameters."""
        return {
            "step": self.step,
            "step_id": self.step_id,
            "field": self.field,
            "line": self.line,
            "message": self.message,
            "reason": {"key": self.key or self.message, "params": self.params or {}},
        }


class WorkshopRejected(AttuneError, ValueError):
    """A workshop that cannot be used, with every problem located, and a draft when it helps.

    `draft` is set when every problem is inside steps: the workshop with its valid steps as
    they load and the broken ones as they were sent.
    """

    def __init__(self, problems: list[Problem], draft: dict | None = None):
        self.problems = problems[:MAX_PROBLEMS]
        self.draft = draft
        super().__init__(self.summary)
        # What a page says instead of the summary (it lists the problems, each translated).
        self.key = N_("The workshop cannot be used. Problems found: {count}.")
        self.params = {"count": len(self.problems)}

    @property
    def summary(self) -> str:
        """One sentence: the first problem and how many more there are."""
        first = self.problems[0]
        where = f" (line {first.line})" if first.line else ""
        if len(self.problems) == 1:
            return f"The workshop cannot be used: {first.message}{where}."
        count = len(self.problems)
        return f"The workshop has {count} problems: {first.message}{where}, and {count - 1} more."


class WorkshopTooLarge(AttuneError, ValueError):
    """A workshop's text is over `MAX_WORKSHOP_BYTES`; the message says by how much."""

    def __init__(self, size: int):
        super().__init__(
            N_(
                "This workshop is {size} KiB and a workshop may be at most {most} KiB: shorten "
                "its texts and notes, or split it into two workshops."
            ),
            size=math.ceil(size / 1024),
            most=MAX_WORKSHOP_BYTES // 1024,
        )


def read_workshop(body: bytes, kind: str) -> Workshop:
    """The workshop in `body`, YAML (`kind` "yaml") or JSON ("json"), checked by the schema.

    :raise WorkshopTooLarge: the body is over `MAX_WORKSHOP_BYTES`.
    :raise WorkshopRejected: it is not text, does not parse, nests too deep, uses YAML
        anchors, or is not a valid workshop; every problem is located.
    """
    if len(body) > MAX_WORKSHOP_BYTES:
        raise WorkshopTooLarge(len(body))
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise WorkshopRejected(
            [
                Problem.said(
                    N_("the file is not UTF-8 text (byte {byte})"), line, byte=error.start + 1
                )
            ]
        ) from None
    if kind == "yaml":
        data, root = _parse_yaml(text)
    else:
        data, root = _parse_json(text), None
    return checked(data, root)


def _parse_json(text: str) -> object:
    """JSON text as data, without the read-only fields a GET adds.

    :raise WorkshopRejected: not JSON, or nested too deep.
    """
    too_deep = WorkshopRejected(
        [Problem.said(N_("the JSON nests deeper than {levels} levels"), levels=MAX_NESTING)]
    )
    try:
        data = json.loads(text)
    except RecursionError:
        raise too_deep from None
    except ValueError as error:  # JSONDecodeError, and numbers of more than 4,300 digits
        problem = Problem.said(N_("not valid JSON: {detail}"), detail=str(error))
        raise WorkshopRejected([problem]) from None
    if _depth(data) > MAX_NESTING:
        raise too_deep
    if isinstance(data, dict):
        data = {key: value for key, value in data.items() if key not in READ_ONLY_FIELDS}
    return data


def _depth(data: object) -> int:
    """How many lists and objects deep `data` nests (without recursion)."""
    deepest = 0
    pending = [(data, 1)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            pending.extend((item, level + 1) for item in value)
    return deepest


def _parse_yaml(text: str) -> tuple[object, yaml.Node | None]:
    """YAML text as data and as its node tree (for line numbers).

    The events are read first, which takes no recursion and no memory per alias: anchors and
    aliases are refused, and so is nesting deeper than `MAX_NESTING`, before anything is built.

    :raise WorkshopRejected: not YAML, several documents, anchors or aliases, too deep.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise WorkshopRejected(
                    [
                        Problem.said(
                            N_(
                                "YAML anchors and aliases (&name, *name, <<: *name) are not "
                                "accepted in a workshop: write each value out"
                            ),
                            event.start_mark.line + 1,
                        )
                    ]
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    raise WorkshopRejected(
                        [
                            Problem.said(
                                N_("the YAML nests deeper than {levels} levels"),
                                event.start_mark.line + 1,
                                levels=MAX_NESTING,
                            )
                        ]
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        raise WorkshopRejected(
            [
                Problem.said(
                    N_("not valid YAML: {detail}"),
                    mark.line + 1 if mark else None,
                    detail=str(error),
                )
            ]
        ) from None
    except WorkshopRejected:
        raise
    except ValueError as error:  # an integer of more than 4,300 digits
        raise WorkshopRejected(
            [Problem.said(N_("not valid YAML: {detail}"), detail=str(error))]
        ) from None
    return data, root


def checked(data: object, root: yaml.Node | None = None) -> Workshop:
    """`data` validated as a workshop; `root` is its YAML node tree, for line numbers.

    :raise WorkshopRejected: not a valid workshop; every problem located, with a draft when
        all of them are inside steps.
    """
    if not isinstance(data, dict):
        raise WorkshopRejected([Problem.said(NOT_A_MAPPING, _line(root, ()))])
    try:
        return Workshop.model_validate(data)
    except ValidationError as error:
        problems = [
            _located(data, root, found, text) for found, text in described_problems(data, error)
        ]
    raise WorkshopRejected(problems, _draft(data, problems))


def _located(data: dict, root: yaml.Node | None, found: dict, message: str) -> Problem:
    """A pydantic error of `data` as a problem with its step, field and line."""
    loc = tuple(found["loc"])
    conflict = found.get("ctx", {}).get("error")
    if isinstance(conflict, StepConflict):
        # Found by the workshop's own check, which pydantic places at the top level.
        loc = ("steps", conflict.index, *conflict.field.split("."))
    step = loc[1] if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int) else None
    step_id = None
    if step is not None:
        steps = data.get("steps")
        if isinstance(steps, list) and step < len(steps) and isinstance(steps[step], dict):
            written = steps[step].get("id")
            step_id = written if isinstance(written, str) else None
    at_key = found["type"] == "extra_forbidden"
    key, params = problem_reason(found)
    return Problem(
        message=message,
        step=step,
        step_id=step_id,
        field=field_path(loc) or None,
        line=_line(root, loc, at_key),
        key=key,
        params=params,
    )


def _line(root: yaml.Node | None, loc: tuple, at_key: bool = False) -> int | None:
    """The line (from 1) of the node at `loc`: its key's with `at_key` (an unknown field),
    else its value's; the nearest enclosing node's when the path goes where the YAML does not
    (a missing field). None without a node tree (JSON)."""
    if root is None:
        return None
    node = root
    key_node = None
    for part in loc:
        key_node = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    key_node, node = key, value
                    break
            else:
                continue  # a prompt's kind tag ("scale"), or a missing field: stay here
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
        else:
            break
    shown = key_node if at_key and key_node is not None else node
    return shown.start_mark.line + 1


def _draft(data: dict, problems: list[Problem]) -> dict | None:
    """The workshop to open in the studio when only steps are broken, else None.

    Its fields and valid steps are as they load (defaults filled in); the broken steps are
    kept exactly as they were sent, for a person to fix.
    """
    broken = {problem.step for problem in problems}
    steps = data.get("steps")
    if None in broken or not isinstance(steps, list):
        return None
    placeholder = {"id": "placeholder", "title": "placeholder"}
    try:
        fields = Workshop.model_validate({**data, "steps": [placeholder]}).model_dump(mode="json")
    except ValidationError:
        return None  # pragma: no cover - every problem outside steps is listed
    # Valid steps are loaded one by one: a feelings prompt first gets the workshop's feelings.
    offered = offer_default_feelings(data)["steps"]
    drafted = []
    for index, step in enumerate(steps):
        if index in broken:
            drafted.append(_jsonable(step))
        else:
            drafted.append(Step.model_validate(offered[index]).model_dump(mode="json"))
    return {**fields, "steps": drafted}


def _jsonable(value: object) -> object:
    """YAML data as JSON can carry it: dates as ISO text, non-finite numbers and bytes as text."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def workshop_yaml(workshop: Workshop) -> str:
    """The workshop as a YAML file that the file loader reads back into the same workshop.

    Defaults are left out, as a person would write the file; text of several lines is written
    as a block (`|`) where YAML allows it, so notes read as they were typed.
    """
    data = workshop.model_dump(mode="json", exclude_defaults=True)
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


class _BlockDumper(yaml.SafeDumper):
    """A safe dumper that writes text of several lines as a literal block."""


# Characters YAML reads as line breaks besides "\n". PyYAML writes them as they are in plain
# and block text (allow_unicode), where a reader folds them into "\n" or a space; only a
# double-quoted string escapes them (\N, \L, \P, \r).
_OTHER_LINE_BREAKS = frozenset("\r\x85\u2028\u2029")


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # The emitter falls back to a quoted string where a block cannot hold the text exactly
    # (trailing spaces on a line, control characters).
    if _OTHER_LINE_BREAKS.intersection(text):
        style = '"'
    else:
        style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BlockDumper.add_representer(str, _represent_text)


def planned_seconds(ms: int | None) -> int | float:
    """Milliseconds as seconds for the API: whole when they are, else with their fraction."""
    ms = ms or 0
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


# The four words of a mood grid's axes (MoodPrompt's fields), as the editor lays them out.
MOOD_LABEL_FIELDS = ("pleasant_label", "unpleasant_label", "high_label", "low_label")


def editor_defaults() -> dict:
    """What the studio's editor fills in as the kiosk would, taken from the schema itself.

    `feelings`: the feelings a `feelings` prompt offers by language when neither it nor its
    workshop lists any (`DEFAULT_FEELINGS`); `mood`: a new mood grid's axis words.
    """
    return {
        "feelings": DEFAULT_FEELINGS,
        "mood": {name: MoodPrompt.model_fields[name].default for name in MOOD_LABEL_FIELDS},
    }
