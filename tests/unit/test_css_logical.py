"""The stylesheets name sides logically (start and end), so a right-to-left page mirrors.

A physical side (margin-left, right:, text-align: left, a four-value padding whose left and right
differ, a sideways shadow or shift) stays the same in Arabic and breaks the mirror. Each one that
is meant is listed in ALLOWED with its reason; rules under `:dir(...)` are per direction by intent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "static" / "css"

# (file, selector, property): why a physical side is right there.
ALLOWED = {
    ("studio.css", ".preview-frame iframe", "inset"): (
        "a picture of another page scaled from its top-left corner to fill its frame exactly: "
        "direction-neutral, and the page inside lays itself out by its own dir"
    ),
    ("studio.css", ".step-item.selected", "box-shadow"): (
        "a shadow has no logical form: the bar is moved to the start side by the rule "
        ".step-item.selected:dir(rtl)"
    ),
}

# A property that names a side: margin-left, padding-right, border-left-color, left, right...
_SIDE_PROPERTY = re.compile(
    r"^(?:(?:margin|padding|border|inset|scroll-margin|scroll-padding)-(?:left|right)(?:-\w+)?"
    r"|border-(?:top|bottom)-(?:left|right)-radius|left|right)$"
)
# A value that names a side: text-align: left, float: right, transform-origin: left top...
_SIDE_WORD = re.compile(r"\b(?:left|right)\b")
# Shorthands whose four values go top, right, bottom, left.
_FOUR_SIDES = {
    "margin",
    "padding",
    "inset",
    "border-width",
    "border-style",
    "border-color",
    "scroll-margin",
    "scroll-padding",
}
_SIDEWAYS_SHIFT = re.compile(
    r"\b(?:translatex|scalex|skewx)\(|\btranslate\(\s*(?!0\s*[,)])", re.IGNORECASE
)
_ZERO = re.compile(r"^-?0(?:\.0+)?[a-z%]*$")


def _top_level(value: str, separator: str) -> list[str]:
    """`value` split on `separator` (a space or a comma) outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in value:
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and (char == separator or (separator == " " and char.isspace())):
            if current.strip():
                parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


def declarations(css: str):
    """(line, selector, property, value) of each declaration in `css`, comments left out."""
    # Comments become spaces of the same shape, so line numbers stay true.
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), css, flags=re.S)
    selectors: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if char == "{":
            selectors.append(" ".join(text[start:i].split()))
            start = i + 1
        elif char in ";}":
            chunk = text[start:i]
            if ":" in chunk and selectors and not selectors[-1].startswith("@"):
                name, _, value = chunk.partition(":")
                line = text.count("\n", 0, start + len(chunk) - len(chunk.lstrip())) + 1
                yield line, selectors[-1], name.strip().lower(), " ".join(value.split())
            if char == "}" and selectors:
                selectors.pop()
            start = i + 1


def physical_side(name: str, value: str) -> str | None:
    """Why the declaration `name: value` names a physical side, or None when it does not."""
    if name.startswith("--"):
        return None  # a custom property is checked where it is used
    value = re.sub(r"--[\w-]+", "", value.lower())  # var(--left-gap) names no side
    if _SIDE_PROPERTY.match(name):
        return f"the property {name}"
    if _SIDE_WORD.search(value):
        return f"the value {value!r}"
    if name in _FOUR_SIDES:
        sides = _top_level(value.replace("!important", ""), " ")
        if len(sides) == 4 and sides[1] != sides[3]:
            return f"a right side {sides[1]} and a left side {sides[3]}"
    if name in ("box-shadow", "text-shadow"):
        for shadow in _top_level(value, ","):
            lengths = [p for p in _top_level(shadow, " ") if re.match(r"^-?[\d.]", p)]
            if lengths and not _ZERO.match(lengths[0]):
                return f"a shadow {lengths[0]} sideways"
    if name in ("transform", "translate") and _SIDEWAYS_SHIFT.search(value):
        return f"a sideways transform {value!r}"
    return None


def physical_sides(path: Path):
    """Each declaration of the stylesheet at `path` that names a physical side, with why."""
    for line, selector, name, value in declarations(path.read_text()):
        if ":dir(" in selector:
            continue
        why = physical_side(name, value)
        if why:
            yield (
                (path.name, selector, name),
                f"{path.name}:{line} {selector} {{ {name}: {value} }}: {why}",
            )


@pytest.mark.parametrize(
    "declaration",
    [
        "margin-left: 1rem",
        "padding-right: 0.3rem",
        "border-left: 4px solid red",
        "border-right-width: 2px",
        "border-top-left-radius: 6px",
        "left: 0",
        "right: 2vw",
        "text-align: left",
        "text-align: right",
        "float: left",
        "float: right",
        "clear: right",
        "transform-origin: left top",
        "background-position: right 1rem center",
        "inset: 0 auto auto 0",
        "padding: 0 0.3rem 0.5rem 0",
        "margin: 0.4rem 0.5rem 0.4rem 0.8rem !important",
        "box-shadow: inset 4px 0 0 var(--accent)",
        "box-shadow: 0 1px 2px red, -3px 0 4px blue",
        "transform: translateX(1rem)",
        "transform: translate(4px, 0)",
        "transform: scaleX(-1)",
    ],
)
def test_the_check_finds_each_physical_side(declaration):
    name, _, value = declaration.partition(":")
    assert physical_side(name.strip(), value.strip()), declaration


@pytest.mark.parametrize(
    "declaration",
    [
        "margin-inline-start: 1rem",
        "padding-inline: 0.8rem 0.5rem",
        "inset-inline-end: 2vw",
        "inset: 0 0 auto",
        "inset: 0",
        "padding: 0.6rem 0.8rem calc(0.6rem + env(safe-area-inset-bottom))",
        "padding: 1px 2px 3px 2px",
        "text-align: start",
        "text-align: -webkit-match-parent",
        "box-shadow: 0 1px 2px rgb(0 0 0 / 8%), 0 6px 20px rgb(0 0 0 / 6%)",
        "box-shadow: 0 0 0 2px var(--surface) inset",
        "box-shadow: 0 -4px 16px rgb(0 0 0 / 8%)",
        "transform: rotate(-90deg)",
        "transform: translate(0, -2px)",
        "transform: scale(var(--breath, 0.6))",
        "width: var(--left-column)",
        "--gutter-left: 3px",
    ],
)
def test_the_check_leaves_logical_and_symmetric_sides_alone(declaration):
    name, _, value = declaration.partition(":")
    assert physical_side(name.strip(), value.strip()) is None, declaration


def test_the_parser_reads_selectors_inside_media_queries():
    css = "a:hover { color: red }\n@media (max-width: 700px) {\n  .x, .y { margin-left: 0; }\n}"
    assert list(declarations(css)) == [
        (1, "a:hover", "color", "red"),
        (3, ".x, .y", "margin-left", "0"),
    ]


def test_no_stylesheet_names_a_physical_side_unless_it_says_why():
    stylesheets = sorted(CSS.glob("*.css"))
    assert len(stylesheets) >= 4, stylesheets
    found = dict(item for path in stylesheets for item in physical_sides(path))
    unexplained = [where for key, where in found.items() if key not in ALLOWED]
    assert unexplained == [], "use start/end (logical properties) or add a reason to ALLOWED"
    # An allowance whose declaration is gone (or became logical) goes too.
    stale = [key for key in ALLOWED if key not in found]
    assert stale == [], f"no longer needed: {stale}"
