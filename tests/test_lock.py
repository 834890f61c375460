"""constraints.txt pins exactly what the tested environment holds for attune[dev]."""

from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tools.lock import constraints_text
from tools.lock import installed_closure
from tools.lock import project_requirements

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"


def pins(text: str) -> dict[str, str]:
    """Name -> pinned version of a constraints file's lines."""
    pinned = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{line}: not an exact pin"
            pinned[canonicalize_name(requirement.name)] = specifier.version
    return pinned


def test_constraints_match_the_environment_the_suite_runs_in():
    assert CONSTRAINTS.exists(), "no constraints.txt: run `make lock`"
    assert pins(CONSTRAINTS.read_text()) == pins(constraints_text()), (
        "constraints.txt differs from this environment: run `make lock` and commit it"
    )


def test_every_indirect_dependency_is_pinned():
    pinned = pins(CONSTRAINTS.read_text())
    needed = installed_closure(project_requirements())
    direct = {canonicalize_name(r.name) for r in project_requirements()}
    indirect = {canonicalize_name(name) for name in needed} - direct
    assert {"werkzeug", "greenlet", "wsproto", "urllib3", "jinja2"} <= indirect
    assert indirect <= set(pinned)


def test_pyproject_pins_and_constraints_agree():
    pinned = pins(CONSTRAINTS.read_text())
    for requirement in project_requirements():
        (specifier,) = requirement.specifier
        assert pinned[canonicalize_name(requirement.name)] == specifier.version, requirement
