"""The phone page's cold-load weight: the bytes a phone downloads on its first visit.

GET /j/<code>, then every same-origin asset the HTML references (script src, link href,
img/source src, icons) and, recursively, every module a script imports and every url() or
@import a stylesheet names. Each is asked for as a phone's browser asks
(`Accept-Encoding: gzip, deflate, br`); bytes over the wire = status line + headers + the body
as sent (compressed if the kiosk compressed it). The uncompressed size is counted too. Source
maps are left out: only developer tools fetch them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

from harness.pages import walk

PHONE_ENCODINGS = "gzip, deflate, br"


def _fetch(session: requests.Session, url: str, **kwargs) -> tuple[requests.Response, int, str]:
    """(response, bytes over the wire, decoded text) of one GET as a phone makes it.

    `response.header_bytes` is set to the status line and headers' share of the wire bytes.
    """
    response = session.get(
        url, timeout=10, stream=True, headers={"Accept-Encoding": PHONE_ENCODINGS}, **kwargs
    )
    body = response.raw.read(decode_content=False)
    status = f"HTTP/1.1 {response.status_code} {response.reason}\r\n"
    headers = "".join(f"{k}: {v}\r\n" for k, v in response.raw.headers.items())
    response.header_bytes = len(status.encode()) + len(headers.encode()) + 2
    wire = response.header_bytes + len(body)
    # The text to look for references in: the same resource, uncompressed.
    plain = session.get(url, timeout=10, headers={"Accept-Encoding": "identity"}, **kwargs)
    return response, wire, plain.text


def _entry(path: str, response, wire: int, text: str) -> dict:
    """One file of the cold load: its bytes over the wire, its headers and its plain size."""
    return {
        "url": path,
        "status": response.status_code,
        "bytes": wire,
        "headers": response.header_bytes,
        "plain": len(text.encode()),
        "encoding": response.headers.get("Content-Encoding", ""),
    }


def cold_load(base_url: str, code: str) -> dict:
    """The phone page and everything it loads: `{ok, total_bytes, files: [...]}`."""
    session = requests.Session()
    page_url = f"{base_url}/j/{code}"
    page, wire, text = _fetch(session, page_url, allow_redirects=False)
    files = [_entry(f"/j/{code}", page, wire, text)]
    if page.status_code != 200:
        return {
            "ok": False,
            "reason": f"GET /j/<code> answered {page.status_code}: the phone page is not there yet",
            "total_bytes": wire,
            "plain_bytes": files[0]["plain"],
            "files": files,
        }

    def fetch(url: str) -> tuple[int, str, str]:
        response, wire, text = _fetch(session, url)
        files.append(_entry(urlsplit(url).path, response, wire, text))
        return response.status_code, response.headers.get("Content-Type", ""), text

    walk(page_url, text, fetch)
    return {
        "ok": all(f["status"] == 200 for f in files),
        "reason": "",
        "total_bytes": sum(f["bytes"] for f in files),
        "plain_bytes": sum(f["plain"] for f in files),
        "header_bytes": sum(f["headers"] for f in files),
        "files": files,
    }
