"""Write README.md's settings table from the schema (transport/settings.py).

    .venv/bin/python tools/settings_table.py          # rewrite the table in README.md
    .venv/bin/python tools/settings_table.py --check  # exit 1 when README.md's table is stale

tests/unit/test_settings.py fails while the table differs from the schema.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from transport.settings import TABLE_END  # noqa: E402
from transport.settings import TABLE_START  # noqa: E402
from transport.settings import markdown_table  # noqa: E402

README = ROOT / "README.md"


def with_table(text: str) -> str:
    """README's text with the table between its two marker lines written anew."""
    before, start, rest = text.partition(TABLE_START)
    _old, end, after = rest.partition(TABLE_END)
    if not start or not end:
        raise SystemExit(f"README.md has no lines {TABLE_START!r} ... {TABLE_END!r}")
    return f"{before}{TABLE_START}\n{markdown_table()}\n{TABLE_END}{after}"


def main(argv: list[str]) -> int:
    text = README.read_text()
    new = with_table(text)
    if "--check" in argv:
        if new != text:
            print("README.md's settings table is stale: run tools/settings_table.py")
            return 1
        return 0
    README.write_text(new)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
