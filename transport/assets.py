"""How pages' static files are served: module preloads, and headers that belong to documents.

A page's ES modules import each other; a browser learns of each module only when the one
importing it has arrived, so a chain of imports costs a round trip per link on a venue's busy
Wi-Fi. Each page therefore lists every module its entry module reaches as
`<link rel="modulepreload">`, read from the modules themselves (no hand-kept list to forget),
and the browser fetches them all at once.
"""

from __future__ import annotations

import re
from pathlib import Path

# Static `import ... from "x"`, `import "x"` and `export ... from "x"` statements. Dynamic
# `import()` is not followed: nothing on the pages loads that way, and it is lazy by intent.
_IMPORT = re.compile(
    r"""^\s*(?:import\s*(?:[\w$*{}\s,]+?\s*from\s*)?|export\s*(?:\*|\{[^}]*\})\s*from\s*)"""
    r"""["']([^"']+)["']""",
    re.MULTILINE,
)

# Headers that only mean something on a document (a page, or JSON a page may be framed with):
# a script, a style sheet or an image does not run under its own policy and is never framed.
DOCUMENT_ONLY_HEADERS = (
    "Content-Security-Policy",
    "Referrer-Policy",
    "X-Frame-Options",
    "Permissions-Policy",
)


class ModuleGraph:
    """The ES modules under a static folder, and what each page's entry module reaches."""

    def __init__(self, static_dir: Path, static_url: str = "/static/"):
        self.static_dir = static_dir.resolve()
        self.static_url = static_url
        self._closures: dict[str, list[str]] = {}

    def preloads(self, entry: str) -> list[str]:
        """URLs of every module `entry` (a path under the static folder) imports, directly or not.

        Breadth first, so the nearest come first; the entry itself is left out (its own
        `<script>` loads it). Computed once per entry: the files do not change while the kiosk runs.
        """
        if entry not in self._closures:
            self._closures[entry] = self._walk(entry)
        return self._closures[entry]

    def _walk(self, entry: str) -> list[str]:
        seen = {self._url(entry)}
        order: list[str] = []
        queue = [entry]
        while queue:
            path = queue.pop(0)
            for specifier in _IMPORT.findall(self._source(path)):
                url, local = self._resolve(path, specifier)
                if url in seen:
                    continue
                seen.add(url)
                order.append(url)
                if local is not None:
                    queue.append(local)
        return order

    def _source(self, path: str) -> str:
        file = (self.static_dir / path).resolve()
        if not file.is_relative_to(self.static_dir):
            raise ValueError(f"{path} is outside the static folder")
        return file.read_text(encoding="utf-8")

    def _resolve(self, importer: str, specifier: str) -> tuple[str, str | None]:
        """(URL, path under the static folder or None for an absolute URL such as /vendor/...)."""
        if specifier.startswith("/"):
            return specifier, None
        base = Path(importer).parent
        local = (base / specifier).as_posix()
        parts: list[str] = []
        for part in local.split("/"):
            if part == "..":
                if not parts:
                    raise ValueError(f"{specifier} in {importer} leaves the static folder")
                parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        local = "/".join(parts)
        return self._url(local), local

    def _url(self, path: str) -> str:
        return self.static_url + path
