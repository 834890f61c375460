"""What a page loads: the files its HTML names, and what those scripts and styles load in turn.

For the benchmark's page weight (bench/pageweight.py) and for the test that an installed kiosk
serves every file its pages need (tests/process/test_wheel.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin
from urllib.parse import urlsplit

_JS_IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bexport\s*[\w*{}\s,$]*\s*from\s*|"""
    r"""\bimport\s*\(\s*)["']([^"']+)["']"""
)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""")


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag in ("script", "img", "source", "audio", "video") and attrs.get("src"):
            self.found.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower()
            if any(
                r in rel for r in ("stylesheet", "modulepreload", "preload", "icon", "manifest")
            ):
                self.found.append(attrs["href"])


def references(url: str, content_type: str, text: str) -> list[str]:
    """The absolute URLs a page, script or stylesheet at `url` asks for (data: URLs left out)."""
    path = urlsplit(url).path
    if "html" in content_type:
        parser = _Assets()
        parser.feed(text)
        return [urljoin(url, ref) for ref in parser.found]
    if "javascript" in content_type or path.endswith((".js", ".mjs")):
        return [urljoin(url, ref) for ref in _JS_IMPORT.findall(text) if ref.startswith((".", "/"))]
    if "css" in content_type or path.endswith(".css"):
        refs = (a or b for a, b in _CSS_URL.findall(text))
        return [urljoin(url, ref) for ref in refs if not ref.startswith("data:")]
    return []


def walk(
    page_url: str, page_text: str, fetch: Callable[[str], tuple[int, str, str] | None]
) -> list[str]:
    """Every same-origin file the page at `page_url` loads, directly or not, in the order found.

    `fetch(url)` gets one file and returns (status, content type, text), the text being what
    to look for references in; what answers other than 200 is not looked into. Source maps
    are left out: only developer tools fetch them.
    """
    origin = urlsplit(page_url).netloc
    queue = references(page_url, "text/html", page_text)
    seen: list[str] = []
    while queue:
        url = queue.pop(0)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != origin or url in seen:
            continue
        if parts.path.endswith(".map"):
            continue
        seen.append(url)
        status, content_type, text = fetch(url)
        if status == 200:
            queue.extend(references(url, content_type, text))
    return seen
