"""What a phone downloads to join: everything from the kiosk itself, and little of it."""

import json

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.conftest import PHONE

# A venue's Wi-Fi may be slow and crowded: the whole phone page stays well under this.
BUDGET_BYTES = 200_000


def test_a_cold_phone_load_is_small_and_entirely_local(pages, kiosk, session):
    page, _ = pages.open("", "phone-cold", PHONE)
    loaded = []

    def finished(request):
        response = request.response()
        sizes = request.sizes()
        loaded.append(
            {
                "url": request.url,
                "status": response.status if response else None,
                "body": sizes["responseBodySize"],
                "headers": sizes["responseHeadersSize"],
            }
        )

    page.on("requestfinished", finished)
    page.goto(f"{kiosk.url}/j/{session['code']}")
    expect(page.locator("body")).to_have_attribute("data-connected", "true")
    expect(page.locator("#step-title")).to_have_text("Welcome")
    page.wait_for_load_state("networkidle")
    body = sum(r["body"] for r in loaded)
    headers = sum(r["headers"] for r in loaded)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "phone-cold-load.json").write_text(
        json.dumps({"body_bytes": body, "header_bytes": headers, "requests": loaded}, indent=1)
    )
    print(f"\nphone cold load: {len(loaded)} requests, {body} body bytes, {headers} header bytes")
    outside = [r["url"] for r in loaded if not r["url"].startswith(kiosk.url)]
    assert outside == [], "nothing may load from outside the kiosk (the venue has no internet)"
    failed = [r for r in loaded if r["status"] is None or r["status"] >= 400]
    assert failed == [], failed
    assert any(r["url"].endswith("/favicon.svg") for r in loaded)
    assert body < BUDGET_BYTES, f"{body} bytes"
    # Every module is announced up front (modulepreload), so the browser fetches them all at
    # once instead of learning of each only when the module importing it has arrived.
    announced = set(
        page.eval_on_selector_all(
            'link[rel="modulepreload"], script[type="module"]',
            "els => els.map(e => e.href || e.src)",
        )
    )
    scripts = {r["url"] for r in loaded if r["url"].endswith(".js")}
    assert scripts - announced == set(), "modules found only by following imports"
