"""Every secret is taken and checked by the one function of its kind in transport/guessing.py.

The brake only works if no page, API or namespace checks a secret on its own (docs/protocol.md,
"Guessing"): these read the kiosk's source and fail where a check or a header parse is copied.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUARD = ROOT / "transport" / "guessing.py"
# What the rest of the kiosk may take from the guard: one check per kind of secret, the
# refusal, and what the guard reads from a request.
GUARD_API = {
    "session_for_code",
    "snapshot_for_code",
    "session_or_abort",
    "console_token_valid",
    "admin_key_checked",
    "bearer_token",
    "client_address",
    "TooManyGuesses",
    "PASS_COOKIE_PREFIX",
    "install",
}


def _product_sources() -> dict[Path, ast.Module]:
    paths = [ROOT / "app.py"]
    for package in ("facilitator", "participant", "transport", "workshop"):
        paths += sorted((ROOT / package).glob("*.py"))
    return {path: ast.parse(path.read_text(), str(path)) for path in paths}


def test_the_walk_reads_the_guard_and_its_callers():
    sources = _product_sources()
    assert GUARD in sources and ROOT / "facilitator" / "exports.py" in sources


def test_only_the_guard_reads_the_authorization_header():
    readers = sorted(
        str(path.relative_to(ROOT))
        for path, tree in _product_sources().items()
        if path != GUARD
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.lower() == "authorization"
    )
    assert not readers, f"read the bearer token with transport.guessing.bearer_token: {readers}"


def test_the_rest_of_the_kiosk_checks_secrets_only_through_one_function_per_kind():
    taken = sorted(
        f"{path.relative_to(ROOT)}: {alias.name}"
        for path, tree in _product_sources().items()
        if path != GUARD
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "transport.guessing"
        for alias in node.names
        if alias.name not in GUARD_API
    )
    assert not taken, f"check secrets with the guard's function of their kind: {taken}"
