"""Phone ids the kiosk signs, and what one address may hold and get, on a fake clock."""

import pytest

from workshop.messages import ParticipantAuth
from workshop.messages import parse
from workshop.phone_ids import AddressShare
from workshop.phone_ids import PhoneIds
from workshop.phone_ids import default_phones_per_address


class Seconds:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_an_issued_id_verifies_and_is_a_valid_protocol_phone_id():
    ids = PhoneIds(b"session-key")
    signed = ids.issue()
    phone_id = ids.verify(signed)
    assert phone_id is not None and len(phone_id) == 22
    assert signed.startswith(phone_id + ".")
    assert parse(ParticipantAuth, {"code": "ABC234", "pid": phone_id}).pid == phone_id
    assert len({ids.verify(ids.issue()) for _ in range(1000)}) == 1000


def _flip(text: str, at: int) -> str:
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]


@pytest.mark.parametrize(
    "forge",
    [
        lambda s: _flip(s, 0),  # another id under the old signature
        lambda s: _flip(s, len(s) - 2),  # a changed signature
        lambda s: s.split(".")[0],  # no signature
        lambda s: s.split(".")[0] + ".",  # an empty one
        lambda s: s + "x",  # one character too many
        lambda s: s.replace(".", ":"),
        lambda s: "phone-one-0123456789",  # an id of the phone's own making
        lambda s: "",
        lambda s: None,
        lambda s: "é" * 22 + "." + "x" * 43,
        lambda s: s * 50,
    ],
)
def test_anything_the_kiosk_did_not_sign_is_refused(forge):
    ids = PhoneIds(b"session-key")
    assert ids.verify(forge(ids.issue())) is None


def test_another_sessions_ids_are_refused():
    assert PhoneIds(b"session-key").verify(PhoneIds(b"another-session-key").issue()) is None
    assert PhoneIds(b"session-key").verify(PhoneIds("session-key").issue()) is not None


def test_the_signature_is_not_a_hash_the_session_stores():
    # Answers carry HMAC(session key, id); the cookie's signature is made under a key derived
    # from the session key, so it never equals the stored hash of that (or any) id.
    import hashlib
    import hmac

    key = b"session-key"
    signed = PhoneIds(key).issue()
    phone_id, signature = signed.split(".")
    stored = hmac.new(key, phone_id.encode(), hashlib.sha256).hexdigest()[:32]
    assert stored not in signed and phone_id not in signature


def test_the_default_share_is_generous_and_grows_with_the_room():
    assert default_phones_per_address(5000) == 250
    assert default_phones_per_address(100) == 20
    assert default_phones_per_address(3) == 20


def test_one_address_holds_its_share_of_a_session_and_no_more():
    share = AddressShare(2)
    assert share.take("c1", "ROOM22", "10.0.0.1", "phone-a")
    assert share.take("c2", "ROOM22", "10.0.0.1", "phone-b")
    assert not share.take("c3", "ROOM22", "10.0.0.1", "phone-c")
    assert share.take("c4", "ROOM22", "10.0.0.1", "phone-a"), "a second tab is the same phone"
    assert share.take("c5", "ROOM22", "10.0.0.2", "phone-c"), "another address has its own"
    assert share.take("c6", "OTHER2", "10.0.0.1", "phone-c"), "another session has its own"
    assert share.held("ROOM22", "10.0.0.1") == 2
    share.release("c1")
    assert not share.take("c7", "ROOM22", "10.0.0.1", "phone-c"), "phone-a has a tab open"
    share.release("c4")
    assert share.take("c8", "ROOM22", "10.0.0.1", "phone-c")
    share.release("c3")  # refused connections held nothing: releasing them changes nothing
    assert share.held("ROOM22", "10.0.0.1") == 2


def test_released_places_leave_no_address_in_memory():
    share = AddressShare(2)
    for i in range(5):
        share.take(f"c{i}", "ROOM22", f"10.0.0.{i}", "phone")
    assert share.addresses() == 5
    for i in range(5):
        share.release(f"c{i}")
    assert share.addresses() == 0


def test_an_address_gets_its_share_of_new_ids_then_as_many_again_each_hour():
    clock = Seconds()
    share = AddressShare(3, clock=clock)
    assert [share.may_issue("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert share.may_issue("10.0.0.2"), "addresses are independent"
    assert share.seconds_to_next_id("10.0.0.1") == 1201
    clock.now += 1200  # a third of the hour: one more id
    assert share.may_issue("10.0.0.1") and not share.may_issue("10.0.0.1")
    clock.now += 10 * 3600
    assert sum(share.may_issue("10.0.0.1") for _ in range(10)) == 3, "refill stops at the share"
    assert share.seconds_to_next_id("10.0.0.9") == 0


def test_an_address_is_forgotten_once_its_allowance_has_filled_up_again():
    clock = Seconds()
    share = AddressShare(3, clock=clock)
    share.may_issue("10.0.0.1")
    share.may_issue("10.0.0.2")
    assert share.addresses() == 2
    clock.now += 3600
    share.may_issue("10.0.0.3")
    assert share.addresses() == 1


def test_zero_turns_both_limits_off():
    share = AddressShare(0)
    assert all(share.may_issue("10.0.0.1") for _ in range(10_000))
    assert all(share.take(f"c{i}", "ROOM22", "10.0.0.1", f"phone-{i}") for i in range(1000))
    assert share.seconds_to_next_id("10.0.0.1") == 0
