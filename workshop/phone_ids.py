"""Phone ids the kiosk issues, and how much of a room one network address may take.

A phone stands for itself in a session through a keyed hash of its id (its respondent,
workshop/keys.py).
When phones chose their own ids, one script could pose as any number of phones: 25 made-up
ids cast 25 counted votes. Now the kiosk issues every id, signed for one session, so an id
nobody issued is refused; and since asking for fresh ids is still cheap for a script, one
remote address may get only so many new ids an hour and hold only a share of a room at once.

Pure and clock-driven like the rest of the domain. Nothing here is written anywhere: the
addresses are held in memory only, and forgotten when their phones leave (shares) or once
their allowance has filled up again (new ids).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable
from time import monotonic as monotonic_seconds

# 128 random bits: 22 URL-safe characters, within the protocol's 16-64 character phone id.
PHONE_ID_BYTES = 16
_SIGNED = re.compile(r"^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$")
# Derives the signing key from a session's pairing key: a key for phone ids and nothing else.
_CONTEXT = b"attune phone id signing key"

# A generous floor for the share of one address: a venue NAT, or a reverse proxy whose
# forwarded addresses are not trusted, puts many real phones behind one address.
MIN_PHONES_PER_ADDRESS = 20
# Otherwise a twentieth of the room cap.
SHARE_OF_CAP = 20
# An address may get as many new ids as its share of a room, again each hour.
ISSUE_WINDOW_SECONDS = 3600.0


def default_phones_per_address(max_participants: int) -> int:
    """The share of a room one address may hold when the operator has not set one."""
    return max(MIN_PHONES_PER_ADDRESS, max_participants // SHARE_OF_CAP)


class PhoneIds:
    """Issues random phone ids signed for one session, and tells issued ones from others.

    The signed form is `<id>.<signature>`: the id is 22 URL-safe characters (128 random bits),
    the signature HMAC-SHA-256 of the id, in URL-safe base64 (43 characters), under a key
    derived from the session's pairing key (`session_key`). So no key of its own is stored, an
    id counts in its own session only, and when a session ends (its pairing key is replaced)
    its ids stop counting with it. Only the id stands for the phone; the signature proves the
    kiosk issued it.
    """

    def __init__(self, session_key: str | bytes):
        if isinstance(session_key, str):
            session_key = session_key.encode("utf-8")
        self._key = hmac.new(session_key, _CONTEXT, hashlib.sha256).digest()

    def _signature(self, phone_id: str) -> str:
        digest = hmac.new(self._key, phone_id.encode("ascii"), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).decode("ascii").rstrip("=")

    def issue(self) -> str:
        """A new signed phone id."""
        phone_id = secrets.token_urlsafe(PHONE_ID_BYTES)
        return f"{phone_id}.{self._signature(phone_id)}"

    def verify(self, signed: str | None) -> str | None:
        """The phone id inside `signed` if this kiosk issued it, else None (compared in
        constant time)."""
        if not signed or len(signed) > 80:
            return None
        match = _SIGNED.match(signed)
        if match is None:
            return None
        phone_id, signature = match.groups()
        if not hmac.compare_digest(signature, self._signature(phone_id)):
            return None
        return phone_id


class AddressShare:
    """How much of a room each remote address holds, and how many new ids it may still get.

    `per_address` phones of one session may be connected from one address at a time (a
    phone's second tab is the same phone), and one address gets `per_address` new ids at
    once, then as many again each hour. 0 turns both limits off.
    """

    def __init__(
        self,
        per_address: int,
        clock: Callable[[], float] = monotonic_seconds,
        issue_window: float = ISSUE_WINDOW_SECONDS,
    ):
        self.per_address = per_address
        self.clock = clock
        self.issue_window = issue_window
        # address -> (new ids it may still get, when that was worked out)
        self._allowance: dict[str, tuple[float, float]] = {}
        self._swept = clock()
        # (session, address) -> {respondent: connections}; connection -> (session, address,
        # respondent)
        self._held: dict[tuple[str, str], dict[str, int]] = {}
        self._connections: dict[str, tuple[str, str, str]] = {}
        self._lock = threading.Lock()

    def may_issue(self, address: str) -> bool:
        """Whether `address` may get one more new phone id now; counts it if so."""
        if self.per_address <= 0:
            return True
        now = self.clock()
        refill = self.per_address / self.issue_window
        with self._lock:
            if now - self._swept >= self.issue_window / 60:
                self._forget_refilled(now, refill)
            left, since = self._allowance.get(address, (float(self.per_address), now))
            left = min(float(self.per_address), left + (now - since) * refill)
            if left < 1:
                self._allowance[address] = (left, now)
                return False
            self._allowance[address] = (left - 1, now)
            return True

    def seconds_to_next_id(self, address: str) -> int:
        """How long until `address` may get a new id again (0: now)."""
        if self.per_address <= 0:
            return 0
        refill = self.per_address / self.issue_window
        with self._lock:
            left, since = self._allowance.get(address, (float(self.per_address), self.clock()))
        left = min(float(self.per_address), left + (self.clock() - since) * refill)
        return 0 if left >= 1 else int((1 - left) / refill) + 1

    def _forget_refilled(self, now: float, refill: float) -> None:
        # An address whose allowance has filled up again carries no information: forget it,
        # so that addresses stay in memory only while they are being limited.
        self._swept = now
        for address, (left, since) in list(self._allowance.items()):
            if left + (now - since) * refill >= self.per_address:
                del self._allowance[address]

    def take(self, connection: str, session: str, address: str, respondent: str) -> bool:
        """Hold a place in `session` for a phone (`respondent`) from `address`, for this connection.

        False (and nothing held) when the address already holds its share of the session with
        other phones. Every True is undone by `release(connection)`.
        """
        with self._lock:
            phones = self._held.get((session, address), {})
            if (
                self.per_address > 0
                and respondent not in phones
                and len(phones) >= self.per_address
            ):
                return False
            phones = self._held.setdefault((session, address), phones)
            phones[respondent] = phones.get(respondent, 0) + 1
            self._connections[connection] = (session, address, respondent)
            return True

    def release(self, connection: str) -> None:
        """The connection closed: its phone's place is free once its last connection is."""
        with self._lock:
            held = self._connections.pop(connection, None)
            if held is None:
                return
            session, address, respondent = held
            phones = self._held[(session, address)]
            phones[respondent] -= 1
            if phones[respondent] <= 0:
                del phones[respondent]
            if not phones:
                del self._held[(session, address)]

    def held(self, session: str, address: str) -> int:
        """How many phones of `session` are connected from `address` now."""
        with self._lock:
            return len(self._held.get((session, address), {}))

    def addresses(self) -> int:
        """How many addresses are in memory now, for shares or for new ids."""
        with self._lock:
            return len({address for _, address in self._held} | set(self._allowance))
