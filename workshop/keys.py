"""The kiosk's secrets and keyed hashes: console tokens, the respondent hash, the join pass.

A session has a pairing key of 32 random bytes that never leaves the kiosk (it is replaced
when the session ends). Every keyed hash of the session is an HMAC under that key; a console
token is kept as its SHA-256 only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    """A new console token: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    """What the store keeps of a console token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def respondent_of(pair_key: bytes, phone_id: str) -> str:
    """The respondent: the keyed hash that stands for a phone in everything the kiosk keeps.

    Stored answers and consent choices, the head count and the quiet signals all know a phone
    by this hash only; the phone id itself is never stored.
    """
    return hmac.new(pair_key, phone_id.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def join_pass_of(pair_key: bytes) -> str:
    """What every browser let in with a session's code may show instead of being checked again.

    An HMAC under the session's own key: the same for every phone of the session (it names
    nobody), unforgeable without the key, and void once the session ends (its key is replaced
    then). A NUL, which no phone id may hold, keeps it apart from every respondent hash.
    """
    return hmac.new(pair_key, b"\x00attune join pass", hashlib.sha256).hexdigest()[:32]
