"""Write constraints.txt: every package attune[dev] needs, at the version installed and tested.

pyproject.toml pins Attune's direct dependencies; what they depend on in turn (Werkzeug,
greenlet, wsproto, urllib3, ...) would otherwise be whatever the registry holds on the day of
a fresh install. `make lock` runs this in the tested virtual environment; `make setup` installs
with `-c constraints.txt`, so a fresh checkout gets the same versions.

The list is the closure of pyproject.toml's requirements (and the extras they ask for) over
the installed distributions' own metadata, not `pip freeze`: a package installed into the
environment by hand is left out. pip itself and the setuptools that built the editable
install are pinned too (the Makefile's pip upgrade and `--build-constraint`).
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import distribution
from importlib.metadata import distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "attune"
HEADER = """\
# Every Python package `pip install -e '.[dev]'` needs, directly or not, at the version the test
# suite passed with (Python {python}). Written by `make lock` (tools/lock.py); `make setup`
# installs with `-c constraints.txt`. After changing a pin in pyproject.toml, run `make lock`
# (it installs the change and writes this file again), then `make test`, and commit both.
"""


def project_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[Requirement]:
    """The direct requirements of the project with its `dev` extra."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    names = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(name) for name in names]


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras or {""})


def installed_closure(requirements: list[Requirement]) -> dict[str, str]:
    """Installed name -> version of every distribution the requirements reach.

    :raise importlib.metadata.PackageNotFoundError: a required distribution is not installed.
    """
    pinned: dict[str, str] = {}
    extras_seen: dict[str, set[str]] = {}
    pending = [(requirement, {""}) for requirement in requirements]
    while pending:
        requirement, extras = pending.pop()
        if not _applies(requirement, extras):
            continue
        key = canonicalize_name(requirement.name)
        wanted = set(requirement.extras) | {""}
        if wanted <= extras_seen.get(key, set()):
            continue
        extras_seen.setdefault(key, set()).update(wanted)
        dist = distribution(requirement.name)
        pinned[dist.metadata["Name"]] = dist.version
        for needed in dist.requires or []:
            pending.append((Requirement(needed), wanted))
    return pinned


def build_backend_version() -> str | None:
    """The setuptools version that built the installed editable project, from its WHEEL file.

    The installed metadata is the one with a WHEEL file: the checkout's own `attune.egg-info`,
    which the build leaves beside the sources, comes first on the path when run from there.
    """
    for dist in distributions(name=PROJECT):
        found = re.search(
            r"^Generator: setuptools \(([^)]+)\)", dist.read_text("WHEEL") or "", re.MULTILINE
        )
        if found:
            return found.group(1)
    return None


def constraints_text() -> str:
    """The contents of constraints.txt for the environment this runs in."""
    pins = installed_closure(project_requirements())
    pins["pip"] = distribution("pip").version
    setuptools = build_backend_version()
    if setuptools:
        pins["setuptools"] = setuptools
    python = ".".join(str(part) for part in sys.version_info[:2])
    lines = [f"{name}=={version}" for name, version in sorted(pins.items(), key=_sort_key)]
    return HEADER.format(python=python) + "\n".join(lines) + "\n"


def _sort_key(item: tuple[str, str]) -> str:
    return canonicalize_name(item[0])


if __name__ == "__main__":
    sys.stdout.write(constraints_text())
