"""Forwarded headers count only from the configured proxies' addresses."""

import pytest

from app import create_app
from tests.conftest import ADMIN_KEY
from tests.conftest import TINY

PROXY = "10.0.0.5"
STRANGER = "192.168.1.77"  # a phone on the venue's Wi-Fi talking to the kiosk directly


def kiosk(tmp_path, clock, **settings):
    return create_app(
        {
            "DB": str(tmp_path / "kiosk.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "WORKSHOP": str(TINY),
            "PUBLIC_URL": "https://kiosk.example.org",
            "CLOCK": clock,
            **settings,
        }
    )


def get(app, path, peer, headers):
    return app.test_client().get(path, headers=headers, environ_base={"REMOTE_ADDR": peer})


@pytest.fixture
def proxied(tmp_path, clock):
    return kiosk(tmp_path, clock, TRUSTED_PROXIES=1, TRUSTED_PROXY_ADDRESSES=f"{PROXY},fd00::/8")


REBIND = {"Host": "rebind.attacker.test", "X-Forwarded-Host": "kiosk.example.org"}


def test_a_forwarded_host_from_a_stranger_does_not_pass_the_host_check(proxied):
    assert get(proxied, "/healthz", STRANGER, REBIND).status_code == 421
    assert get(proxied, "/healthz", "127.0.0.1", REBIND).status_code == 421
    # The proxy's own word counts: it says which name the browser asked for.
    assert get(proxied, "/healthz", PROXY, REBIND).status_code == 200
    assert get(proxied, "/healthz", "fd00::1:2", REBIND).status_code == 200
    assert get(proxied, "/healthz", "::ffff:10.0.0.5", REBIND).status_code == 200


def test_a_stranger_cannot_escape_the_brake_or_blame_another_address(proxied):
    for i in range(25):
        headers = {"Host": "kiosk.example.org", "X-Forwarded-For": f"203.0.113.{i}"}
        get(proxied, f"/j/WRNG2{chr(65 + i)}", STRANGER, headers)
    headers = {"Host": "kiosk.example.org", "X-Forwarded-For": "203.0.113.200"}
    assert get(proxied, "/j/WRNG22", STRANGER, headers).status_code == 429
    # Nobody the stranger named was braked: through the proxy, 203.0.113.3 is checked.
    through_proxy = {"Host": "kiosk.example.org", "X-Forwarded-For": "203.0.113.3"}
    assert get(proxied, "/j/WRNG22", PROXY, through_proxy).status_code == 404


def test_through_the_proxy_each_client_has_its_own_budget(proxied):
    one = {"Host": "kiosk.example.org", "X-Forwarded-For": "198.51.100.1"}
    other = {"Host": "kiosk.example.org", "X-Forwarded-For": "198.51.100.2"}
    assert [get(proxied, "/j/WRNG22", PROXY, one).status_code for _ in range(20)] == [404] * 20
    assert get(proxied, "/j/WRNG22", PROXY, one).status_code == 429
    assert get(proxied, "/j/WRNG22", PROXY, other).status_code == 404


def test_with_two_proxies_the_inner_hop_must_be_trusted_too(tmp_path, clock):
    app = kiosk(tmp_path, clock, TRUSTED_PROXIES=2, TRUSTED_PROXY_ADDRESSES="10.0.0.0/24")
    # Each proxy appends what it was told (the outer one the browser's Host, and so on).
    hosts = {"X-Forwarded-Host": "kiosk.example.org, kiosk.example.org"}
    chained = {"X-Forwarded-For": "198.51.100.9, 10.0.0.7", **hosts}
    forged = {"X-Forwarded-For": "198.51.100.9, 192.0.2.1", **hosts}
    assert get(app, "/healthz", "10.0.0.5", {"Host": "evil.test", **chained}).status_code == 200
    assert get(app, "/healthz", "10.0.0.5", {"Host": "evil.test", **forged}).status_code == 421


def test_by_default_a_proxy_is_trusted_on_this_machine_only(tmp_path, clock):
    app = kiosk(tmp_path, clock, TRUSTED_PROXIES=1)
    assert get(app, "/healthz", "127.0.0.1", REBIND).status_code == 200
    assert get(app, "/healthz", "::1", REBIND).status_code == 200
    assert get(app, "/healthz", STRANGER, REBIND).status_code == 421


def test_without_proxies_forwarded_headers_count_for_nobody(tmp_path, clock):
    app = kiosk(tmp_path, clock)
    assert get(app, "/healthz", "127.0.0.1", REBIND).status_code == 421
    # Nor does a forwarded scheme make another origin the kiosk's own.
    response = app.test_client().post(
        "/home/login",
        data={"admin_key": ADMIN_KEY},
        headers={
            "Host": "localhost:8000",
            "Origin": "https://localhost:8000",
            "X-Forwarded-Proto": "https",
        },
    )
    assert response.status_code == 403


def test_an_address_list_that_is_not_one_stops_the_start_in_words(tmp_path, clock):
    with pytest.raises(ValueError, match="'10.0.0.300' is neither an address nor a network"):
        kiosk(tmp_path, clock, TRUSTED_PROXIES=1, TRUSTED_PROXY_ADDRESSES="10.0.0.1, 10.0.0.300")
