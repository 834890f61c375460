"""tests/ and bench/ share harness/ and never import each other (nor does harness/ import them).

Read from the source with `ast`, so every import counts: at the top of a module, inside a
function, or `import x.y` as well as `from x.y import z`.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imported(path: Path) -> set[str]:
    """The top-level package of every module `path` imports (relative imports: its own)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add(path.relative_to(ROOT).parts[0])
            elif node.module:
                names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "folder, forbidden",
    [("bench", {"tests"}), ("tests", {"bench"}), ("harness", {"tests", "bench"})],
)
def test_no_module_imports_the_other_side(folder, forbidden):
    modules = sorted((ROOT / folder).rglob("*.py"))
    assert modules, f"no Python modules under {folder}/"
    crossing = {
        str(path.relative_to(ROOT)): sorted(_imported(path) & forbidden)
        for path in modules
        if _imported(path) & forbidden
    }
    assert crossing == {}, f"import from harness/ instead: {crossing}"


def test_what_both_use_is_in_the_harness():
    used_by_tests = set()
    used_by_bench = set()
    for path in (ROOT / "tests").rglob("*.py"):
        used_by_tests |= _imported(path)
    for path in (ROOT / "bench").rglob("*.py"):
        used_by_bench |= _imported(path)
    assert "harness" in used_by_tests and "harness" in used_by_bench
