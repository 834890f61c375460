"""The admin key and sign-ins: kept as hashes, ended by sign-out, a new key, or time."""

import json
from pathlib import Path

import pytest

from tests.conftest import FakeClock
from workshop.admin import KEY_HASH
from workshop.admin import SIGN_IN_MS
from workshop.admin import AdminAccess
from workshop.admin import KeyConfigured
from workshop.admin import forget_clear_secrets
from workshop.admin import hash_key
from workshop.admin import key_matches_hash
from workshop.admin import sha256_hex
from workshop.sqlite_store import SqliteStore


@pytest.fixture
def store(tmp_path):
    opened = SqliteStore(tmp_path / "admin.db")
    yield opened
    opened.close()


def file_bytes(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{path}{suffix}").exists()
    )


def test_a_made_key_is_kept_only_as_a_salted_hash(store):
    access = AdminAccess(store, FakeClock())
    assert access.source() == "none" and not access.key_matches("anything")
    key = access.make_key_if_none()
    assert key and len(key) == 32
    assert access.source() == "made"
    stored = store.get_meta(KEY_HASH)
    assert key not in stored and stored.startswith("hmac-sha256$")
    assert access.key_matches(key)
    assert not access.key_matches(key[:-1]) and not access.key_matches("")
    assert access.make_key_if_none() is None, "made once; a restart does not show it again"
    assert AdminAccess(store).key_matches(key), "another process finds it in the store"
    assert key.encode() not in file_bytes(Path(store.path))


def test_the_same_key_hashes_differently_each_time_it_is_stored():
    first, second = hash_key("same-key"), hash_key("same-key")
    assert first != second, "salted: equal keys do not show as equal hashes"
    assert key_matches_hash(first, "same-key") and key_matches_hash(second, "same-key")
    assert not key_matches_hash(first, "other-key")
    assert not key_matches_hash("plain-text", "plain-text"), "only hashes are accepted"


def test_a_configured_key_is_compared_in_memory_and_never_stored(store, tmp_path):
    access = AdminAccess(store, FakeClock(), configured_key="operator-chosen-words")
    assert access.source() == "configured"
    assert access.key_matches("operator-chosen-words") and not access.key_matches("operator")
    assert access.make_key_if_none() is None
    with pytest.raises(KeyConfigured):
        access.make_key()
    assert access.sign_in("operator-chosen-words")
    assert b"operator-chosen-words" not in file_bytes(Path(store.path))


def test_a_sign_in_is_stored_as_a_hash_and_lasts_twelve_hours(store):
    clock = FakeClock()
    access = AdminAccess(store, clock, configured_key="the-key")
    assert access.sign_in("wrong") is None
    sign_in_id = access.sign_in("the-key")
    assert len(sign_in_id) == 43  # 256 random bits
    stored = store.get_sign_in(sha256_hex(sign_in_id))
    assert stored.expires_ms - stored.created_ms == SIGN_IN_MS == 12 * 3600 * 1000
    assert access.signed_in(sign_in_id)
    assert not access.signed_in(stored.id_hash), "the stored hash is no cookie"
    clock.advance(SIGN_IN_MS - 1)
    assert access.signed_in(sign_in_id)
    clock.advance(1)
    assert not access.signed_in(sign_in_id)


def test_signing_out_ends_the_sign_in_and_no_other(store):
    access = AdminAccess(store, FakeClock(), configured_key="the-key")
    mine, theirs = access.sign_in("the-key"), access.sign_in("the-key")
    access.sign_out(mine)
    assert not access.signed_in(mine) and access.signed_in(theirs)
    access.sign_out(None)  # a browser without a sign-in: nothing to do


def test_a_new_configured_key_ends_every_sign_in_made_with_the_old(store):
    old = AdminAccess(store, FakeClock(), configured_key="old-key")
    sign_in_id = old.sign_in("old-key")
    assert AdminAccess(store, FakeClock(), configured_key="old-key").signed_in(sign_in_id)
    new = AdminAccess(store, FakeClock(), configured_key="new-key")
    assert not new.signed_in(sign_in_id)
    assert not new.key_matches("old-key")


def test_making_a_new_key_ends_every_sign_in_and_the_old_key(store):
    access = AdminAccess(store, FakeClock())
    old_key = access.make_key_if_none()
    sign_in_id = access.sign_in(old_key)
    assert access.signed_in(sign_in_id)
    new_key = AdminAccess(store).make_key()  # `--new-admin-key`, in another process
    assert new_key != old_key
    assert not access.key_matches(old_key) and access.key_matches(new_key)
    assert not access.signed_in(sign_in_id)
    assert store.get_sign_in(sha256_hex(sign_in_id)) is None


def test_clear_secrets_of_an_earlier_version_are_replaced_and_compacted(store):
    store.set_meta("admin_key", "legacy-admin-key-0123456789")
    store.set_meta("cookie_key", "legacy-cookie-key-abcdef0123456789")
    store.set_meta("launch", json.dumps({"code": "ABC234", "token": "legacy-console-token-xyz"}))
    assert b"legacy-admin-key-0123456789" in file_bytes(Path(store.path))

    found = forget_clear_secrets(store)

    assert found == "legacy-admin-key-0123456789"
    assert store.get_meta("admin_key") is None and store.get_meta("cookie_key") is None
    assert json.loads(store.get_meta("launch")) == {"code": "ABC234"}
    assert AdminAccess(store).key_matches("legacy-admin-key-0123456789"), "the same key works"
    leftover = file_bytes(Path(store.path))
    for secret in (
        b"legacy-admin-key-0123456789",
        b"legacy-cookie-key-abcdef0123456789",
        b"legacy-console-token-xyz",
    ):
        assert secret not in leftover
    assert forget_clear_secrets(store) is None, "nothing left to replace"
