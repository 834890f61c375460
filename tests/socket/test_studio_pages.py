"""The studio's pages: only for a signed-in browser, back after signing in, nowhere else;
the previews framed by the kiosk's own pages only."""

import pytest

from tests.socket.test_home import sign_in

PAGES = ["/studio", "/studio/new", "/studio/tiny", "/studio/tiny/history"]


@pytest.mark.parametrize("path", PAGES)
def test_a_browser_not_signed_in_is_sent_to_sign_in_and_told_why(app, path):
    client = app.test_client()
    sent = client.get(path)
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/home?next={path}"
    login = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "The workshop studio is for the facilitator" in login
    assert f'name="next" value="{path}"' in login


@pytest.mark.parametrize("path", PAGES)
def test_signing_in_returns_to_the_studio_page_it_came_from(app, path):
    client = app.test_client()
    back = client.post("/home/login", data={"admin_key": "test-admin-key", "next": path})
    assert back.status_code == 303 and back.headers["Location"] == path
    page = client.get(path)
    assert page.status_code == 200
    assert '<link rel="icon"' in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/studio/preview/phone", "/studio/preview/screen"])
def test_the_previews_are_for_a_signed_in_browser_only(app, path):
    assert app.test_client().get(path).status_code == 303


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/studio", "//evil.example/studio", "/home/logout", "/f/X"]
)
def test_a_sign_in_never_returns_anywhere_else(app, elsewhere):
    client = app.test_client()
    back = client.post("/home/login", data={"admin_key": "test-admin-key", "next": elsewhere})
    assert back.status_code == 303 and back.headers["Location"] == "/home"
    assert "The workshop studio" not in client.get(f"/home?next={elsewhere}").get_data(as_text=True)


def test_only_the_previews_may_be_framed_and_only_by_the_kiosk(app):
    client = app.test_client()
    sign_in(client)
    for path in ("/studio/preview/phone", "/studio/preview/screen"):
        page = client.get(path)
        assert page.status_code == 200
        assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert 'data-preview="' in page.get_data(as_text=True)
    for path in PAGES:
        page = client.get(path)
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY"
    # The preview's QR code is of a join link like a session's, without a session.
    qr = client.get("/studio/preview/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"


def test_the_home_links_to_the_studio_when_signed_in(app):
    client = app.test_client()
    assert "/studio" not in client.get("/home").get_data(as_text=True)
    sign_in(client)
    assert 'href="/studio"' in client.get("/home").get_data(as_text=True)


def test_sortable_is_served_as_an_es_module(app):
    served = app.test_client().get("/vendor/sortable.core.esm.js")
    assert served.status_code == 200
    assert "export default" in served.get_data(as_text=True)
