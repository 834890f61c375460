"""Who is connected: counts of phones per session, never who they are.

A phone counts once however many tabs or reconnects it has open, so the count is of distinct
respondents with at least one live connection. Kept in memory: after a restart every phone
reconnects and is counted again.
"""

from __future__ import annotations

import threading
from collections import defaultdict


class Presence:
    """Live connections per session, keyed by connection id, counted by distinct phone."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: dict[str, dict[str, str]] = defaultdict(
            dict
        )  # code -> conn -> respondent
        self._per_phone: dict[str, dict[str, int]] = defaultdict(dict)  # code -> respondent -> n

    def join(self, code: str, connection: str, respondent: str) -> int:
        """Note a connection of a phone; returns the session's new count."""
        with self._lock:
            if connection in self._connections[code]:
                return len(self._per_phone[code])
            self._connections[code][connection] = respondent
            phones = self._per_phone[code]
            phones[respondent] = phones.get(respondent, 0) + 1
            return len(phones)

    def leave(self, code: str, connection: str) -> int:
        """Forget a connection; returns the session's new count."""
        with self._lock:
            respondent = self._connections[code].pop(connection, None)
            phones = self._per_phone[code]
            if respondent is not None:
                phones[respondent] -= 1
                if phones[respondent] <= 0:
                    del phones[respondent]
            return len(phones)

    def has(self, code: str, respondent: str) -> bool:
        """Whether this phone already has a live connection to the session."""
        with self._lock:
            return respondent in self._per_phone.get(code, {})

    def phones(self, code: str) -> set[str]:
        """The phones (keyed hashes) connected to a session now."""
        with self._lock:
            return set(self._per_phone.get(code, {}))

    def count(self, code: str) -> int:
        """Distinct phones connected to a session now."""
        with self._lock:
            return len(self._per_phone.get(code, {}))
