"""What a call to the session context did, and who must hear of it.

The service (workshop/service.py) returns an `Outcome` from every call that may change a
session; the transport (transport/realtime.py) turns it into emits and timers and decides
nothing itself. Everything in an outcome was saved before it was made.
"""

from __future__ import annotations

from dataclasses import dataclass

from workshop.results import Answer
from workshop.session import SessionState


@dataclass(frozen=True)
class RoleViews:
    """The three views of one session at one moment, built once each from one read."""

    facilitator: dict
    screen: dict
    participant: dict


@dataclass(frozen=True)
class Departure:
    """A phone's last connection closed: ask `depart_if_gone` after `after_ms` whether it left."""

    respondent: str
    after_ms: int


@dataclass(frozen=True)
class Outcome:
    """The result of one call to the session context.

    - `state`: the session's state after the call (saved); None when the call read none.
    - `views`: set when every role must get its view now (the state changed, or what the
      console sees of it did); each role's room gets its own.
    - `results`, `presence`, `care`: the live results, the head count, the console's counts
      changed; they go out soon, merged with other changes (`results_news`, `presence_news`,
      `care_news` build them when they go).
    - `advance_at_ms`: with `views`, when the session moves on by itself (auto-advance), in
      server time; None: it does not, and any earlier deadline is void.
    - `care_expires_ms`: when the next "I need a moment" clears itself (the counts change then).
    - `departure`: a phone went away; it may have left for good.
    - `answer`, `view`, `mine`, `phone_id`: for the caller alone (the stored answer to ack;
      a joining phone's own view, its own choices, and its id for the connection to keep).
    """

    state: SessionState | None = None
    views: RoleViews | None = None
    results: bool = False
    presence: bool = False
    care: bool = False
    advance_at_ms: int | None = None
    care_expires_ms: int | None = None
    departure: Departure | None = None
    answer: Answer | None = None
    view: dict | None = None
    mine: dict | None = None
    phone_id: str | None = None


@dataclass(frozen=True)
class ResultsNews:
    """Results of the current prompt as they go out: the console's, and the room's if shown."""

    console: dict
    room: dict | None
