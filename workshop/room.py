"""Who is in the room, and the room's quiet signals: the rules that follow phones.

The head count and the signals are kept by `Presence` and `Care` (in memory, or in Redis when
several processes share a room: workshop/shared_room.py). The rules that use them live here,
each once: how many phones a session admits (capacity), when a phone that went away has left
(departure), and what the console sees of the room's private choices (counts, never who).
"""

from __future__ import annotations

from workshop.care import Care
from workshop.errors import N_
from workshop.errors import AttuneError
from workshop.phone_ids import AddressShare
from workshop.presence import Presence
from workshop.snapshot import Snapshot
from workshop.store import Store

# A phone that has not come back this long after its last connection closed has left: its
# quiet signals are dropped. Long enough for a tab switch or a Wi-Fi hiccup.
DEPARTURE_GRACE_MS = 60_000


class SessionFull(AttuneError, RuntimeError):
    """The session holds as many phones as the kiosk admits (`limit`); try again later."""

    def __init__(self, limit: int):
        super().__init__(N_("the session is full ({limit} phones)"), limit=limit)
        self.limit = limit


class NetworkShareFull(AttuneError, RuntimeError):
    """The phone's network holds its share of the session already (`per_address` phones)."""

    def __init__(self, per_address: int):
        super().__init__(
            N_("{count} phones from this network are in this session already"), count=per_address
        )
        self.per_address = per_address


class Room:
    """The phones of every session: admitted, counted, and their signals counted."""

    def __init__(
        self,
        store: Store,
        presence: Presence,
        care: Care,
        max_phones: int,
        address_share: AddressShare | None = None,
    ):
        self.store = store
        self.presence = presence
        self.care = care
        self.max_phones = max_phones
        self.address_share = address_share

    def enter(self, code: str, connection: str, respondent: str, address: str) -> None:
        """Count a phone's connection in the session, if the session and its network admit it.

        A phone already in the room (another tab, a reconnect) is always admitted.

        :raise SessionFull: the session holds `max_phones` phones already.
        :raise NetworkShareFull: the phone's network holds its share of the session already.
        """
        if self.presence.count(code) >= self.max_phones and not self.presence.has(code, respondent):
            raise SessionFull(self.max_phones)
        share = self.address_share
        if share is not None and not share.take(connection, code, address, respondent):
            raise NetworkShareFull(share.per_address)
        try:
            self.presence.join(code, connection, respondent)
        except BaseException:
            self.release(connection)
            raise

    def release(self, connection: str) -> None:
        """Give a connection's place in its network's share back."""
        if self.address_share is not None:
            self.address_share.release(connection)

    def leave(self, code: str, connection: str, respondent: str) -> int | None:
        """A phone's connection closed; returns after how long (ms) to check it has left.

        None while the phone still has another connection to the session.
        """
        self.release(connection)
        self.presence.leave(code, connection)
        if self.presence.has(code, respondent):
            return None
        return DEPARTURE_GRACE_MS

    def depart_if_gone(self, code: str, respondent: str) -> bool:
        """After the grace: a phone still away has left, and its signals go. True if it left."""
        if self.presence.has(code, respondent):
            return False
        self.care.forget_phone(code, respondent)
        return True

    def count(self, code: str) -> int:
        """Distinct phones connected to the session now."""
        return self.presence.count(code)

    def care_view(self, snapshot: Snapshot, now_ms: int) -> dict:
        """What the console sees of the room's private choices: counts only.

        `consent` counts the step the room is being asked about now; `step_consent` counts
        the current step when it is a touch step, asked or not, so stopping the question
        keeps the counts in view while the exercise runs.
        """
        state = snapshot.state
        workshop = snapshot.workshop
        step = workshop.steps[state.step_index]
        counts = self.care.counts(state.code, step.id, self.presence.phones(state.code), now_ms)
        consent = None
        if state.consent_step is not None:
            asked = workshop.steps[workshop.step_index(state.consent_step)]
            consent = {
                "step_id": asked.id,
                "title": asked.title,
                **self.store.consent_counts(state.code, asked.id),
            }
        step_consent = None
        if step.consent is not None:
            step_consent = {
                "step_id": step.id,
                "title": step.title,
                "asked": step.id in state.consent_asked,
                "asking": state.consent_step == step.id,
                **self.store.consent_counts(state.code, step.id),
            }
        return {
            "consent": consent,
            "step_consent": step_consent,
            "need_moment": counts.need_moment,
            "done": {"done": counts.done, "of": counts.connected} if step.done else None,
        }

    def done_share_reached(self, snapshot: Snapshot, now_ms: int) -> bool:
        """Whether enough connected phones are done with the current step for it to move on."""
        state = snapshot.state
        step = snapshot.workshop.steps[state.step_index]
        if step.done_advance is None:
            return False
        counts = self.care.counts(state.code, step.id, self.presence.phones(state.code), now_ms)
        return bool(counts.connected) and counts.done / counts.connected >= step.done_advance
