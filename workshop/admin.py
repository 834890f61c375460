"""Who may act as the kiosk's admin: the admin key, and the browsers signed in with it.

Neither is kept in clear, so a copy of the database gives no way in.

- The admin key the kiosk makes is 192 random bits, kept as a salted HMAC-SHA-256. A fast hash
  is enough: nobody can try 2**192 keys, however fast each try is. It is shown in clear once,
  when it is made. A key the operator sets (`KIOSK_ADMIN_KEY`) is compared in memory and never
  stored; sign-ins carry its scrypt fingerprint, slow to compute so that a short key chosen by
  a person cannot be found by trying words against a stolen fingerprint at speed.
- A browser that enters the key gets a random 256-bit sign-in id in its cookie. The store keeps
  the id's SHA-256, when it expires, and the fingerprint of the admin key it was made under. A
  request is the admin's only if its id's hash is stored, not expired, and made under the key
  in force now: signing out (the row is deleted), a new admin key (another fingerprint) and
  time each end it, and nothing in the database can be turned into a working cookie.

Nothing here knows about Flask; the clock is injected so tests move time by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from functools import cached_property

from workshop.errors import AttuneError
from workshop.store import SignIn
from workshop.store import Store
from workshop.timer import Clock
from workshop.timer import system_clock

# A sign-in lasts one working day, counted from when the key was entered: long enough for a
# morning's set-up and an evening session, short enough that a cookie left on a borrowed or
# shared laptop is worthless by the next morning. Fixed, not sliding: a sign-in that any use
# prolonged would last for ever in the hands of whoever copied it, and checking it would mean
# a write on every request. Signing out or a new admin key end it sooner.
SIGN_IN_HOURS = 12
SIGN_IN_MS = SIGN_IN_HOURS * 3600 * 1000

# meta keys
KEY_HASH = "admin_key_hash"  # "hmac-sha256$<salt hex>$<digest hex>" of the key the kiosk made
FINGERPRINT_SALT = "admin_key_salt"  # salt of the scrypt fingerprint of KIOSK_ADMIN_KEY
# What earlier versions kept in clear (see `forget_clear_secrets`).
LEGACY_ADMIN_KEY = "admin_key"
LEGACY_COOKIE_KEY = "cookie_key"
LAUNCH = "launch"

# scrypt at n=2**14, r=8: 16 MiB and tens of milliseconds per try; computed once per process.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32, "maxmem": 64 * 1024 * 1024}


class KeyConfigured(AttuneError, RuntimeError):
    """KIOSK_ADMIN_KEY is set: it is the admin key, and the kiosk makes none of its own."""


def sha256_hex(text: str) -> str:
    """The SHA-256 of a high-entropy secret (a sign-in id), as stored in its place."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_key(key: str, salt: bytes | None = None) -> str:
    """What the store keeps of a kiosk-made admin key: `hmac-sha256$<salt>$<digest>`."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hmac.new(salt, key.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"hmac-sha256${salt.hex()}${digest}"


def key_matches_hash(stored: str, given: str) -> bool:
    """Whether `given` is the key `stored` (from `hash_key`) was made of; constant time."""
    scheme, _, rest = stored.partition("$")
    salt_hex, _, digest = rest.partition("$")
    if scheme != "hmac-sha256" or not digest:
        return False
    expected = hash_key(given, bytes.fromhex(salt_hex)).rpartition("$")[2]
    return hmac.compare_digest(expected, digest)


def forget_clear_secrets(store: Store) -> str | None:
    """Replace what earlier versions kept in clear in `meta`; returns an admin key found in clear.

    - `admin_key` (the generated key) becomes its hash; the key is returned so that the start
      that upgrades can print it one last time;
    - `cookie_key` (which signed the home's cookie: whoever held it could forge one) goes;
      cookies now hold a random sign-in id that is checked against the store;
    - `launch` (the session `make run` opens) drops its console token: the session's own
      token hash already lets that token in, and each start issues the terminal a new one.

    The database files are then compacted, so the old values are not left in their bytes.
    """
    changed = False
    clear_key = store.get_meta(LEGACY_ADMIN_KEY)
    if clear_key:
        store.set_meta_if_absent(KEY_HASH, hash_key(clear_key))
    if clear_key is not None:
        store.delete_meta(LEGACY_ADMIN_KEY)
        changed = True
    if store.get_meta(LEGACY_COOKIE_KEY) is not None:
        store.delete_meta(LEGACY_COOKIE_KEY)
        changed = True
    launch = store.get_meta(LAUNCH)
    kept = json.loads(launch) if launch else None
    if isinstance(kept, dict) and "token" in kept:
        del kept["token"]
        store.set_meta(LAUNCH, json.dumps(kept))
        changed = True
    if changed:
        store.compact()
    return clear_key or None


class AdminAccess:
    """The admin key and the sign-ins made with it, kept as hashes in the store.

    `configured_key` is KIOSK_ADMIN_KEY; without it, the key is the one the kiosk made
    (`make_key`), read from the store on every check, so a new key made by another process
    (`python app.py --new-admin-key`) counts at once.
    """

    def __init__(
        self,
        store: Store,
        clock: Clock = system_clock,
        configured_key: str | None = None,
        lifetime_ms: int = SIGN_IN_MS,
    ):
        self.store = store
        self.clock = clock
        self.configured_key = configured_key or None
        self.lifetime_ms = lifetime_ms
        # An admin key an earlier version kept in clear, found by this start
        # (`forget_clear_secrets`): printed one last time.
        self.found_in_clear: str | None = None

    # -- the key ---------------------------------------------------------------------------

    def source(self) -> str:
        """Where the admin key comes from: `configured`, `made` (stored as a hash) or `none`."""
        if self.configured_key:
            return "configured"
        return "made" if self.store.get_meta(KEY_HASH) else "none"

    @cached_property
    def _configured_fingerprint(self) -> str:
        """The scrypt of KIOSK_ADMIN_KEY with this database's salt (computed once)."""
        salt = self.store.set_meta_if_absent(FINGERPRINT_SALT, secrets.token_hex(16))
        key = self.configured_key.encode("utf-8")
        return hashlib.scrypt(key, salt=bytes.fromhex(salt), **_SCRYPT).hex()

    def fingerprint(self) -> str | None:
        """Names the admin key in force (None when there is none); changes when the key does."""
        if self.configured_key:
            return self._configured_fingerprint
        stored = self.store.get_meta(KEY_HASH)
        return sha256_hex(stored) if stored else None

    def _fingerprint_if_matches(self, given: str) -> str | None:
        """The fingerprint of the key in force if `given` is that key, else None."""
        if not given:
            return None
        if self.configured_key:
            if hmac.compare_digest(given.encode("utf-8"), self.configured_key.encode("utf-8")):
                return self._configured_fingerprint
            return None
        stored = self.store.get_meta(KEY_HASH)
        if stored and key_matches_hash(stored, given):
            return sha256_hex(stored)
        return None

    def key_matches(self, given: str) -> bool:
        """Whether `given` is the admin key (compared in constant time)."""
        return self._fingerprint_if_matches(given) is not None

    def make_key(self) -> str:
        """A new random admin key, stored as a hash; every sign-in ends. Returned in clear once.

        :raise KeyConfigured: KIOSK_ADMIN_KEY is set; change it there instead.
        """
        if self.configured_key:
            raise KeyConfigured("KIOSK_ADMIN_KEY is set")
        key = secrets.token_urlsafe(24)  # 192 random bits
        self.store.set_meta(KEY_HASH, hash_key(key))
        self.store.prune_sign_ins(None, self.clock())
        return key

    def make_key_if_none(self) -> str | None:
        """On the first start: make the admin key and return it (to print once); else None.

        Insert-if-absent, so of several processes starting together one key wins, and only
        the process that made it prints it.
        """
        if self.configured_key:
            return None
        key = secrets.token_urlsafe(24)
        kept = self.store.set_meta_if_absent(KEY_HASH, hash_key(key))
        return key if key_matches_hash(kept, key) else None

    # -- sign-ins --------------------------------------------------------------------------

    def sign_in(self, given_key: str) -> str | None:
        """A new sign-in id for a browser that entered the right key; None for a wrong key.

        The id goes into the browser's cookie; the store keeps only its hash. Sign-ins that
        have ended are cleared out on the way.
        """
        fingerprint = self._fingerprint_if_matches(given_key)
        if fingerprint is None:
            return None
        now = self.clock()
        self.store.prune_sign_ins(fingerprint, now)
        sign_in_id = secrets.token_urlsafe(32)  # 256 random bits
        self.store.add_sign_in(
            SignIn(
                id_hash=sha256_hex(sign_in_id),
                key_fingerprint=fingerprint,
                created_ms=now,
                expires_ms=now + self.lifetime_ms,
            )
        )
        return sign_in_id

    def signed_in(self, sign_in_id: str | None) -> bool:
        """Whether a cookie's sign-in id is stored, unexpired and made under the key in force."""
        if not sign_in_id:
            return False
        found = self.store.get_sign_in(sha256_hex(sign_in_id))
        if found is None or self.clock() >= found.expires_ms:
            return False
        in_force = self.fingerprint()
        return in_force is not None and hmac.compare_digest(found.key_fingerprint, in_force)

    def sign_out(self, sign_in_id: str | None) -> None:
        """End a sign-in for good: a copy of its cookie no longer opens anything."""
        if sign_in_id:
            self.store.delete_sign_in(sha256_hex(sign_in_id))
