"""The session context: the one place that changes a session.

Every call reads the session's record once (a `Snapshot`, workshop/snapshot.py), applies the
domain rule, saves with a version check, and returns an `Outcome` (workshop/outcome.py): the
new state, the per-role views built from that one read, which audiences must hear what, and
the next deadline. Nothing is acknowledged or broadcast before it is saved. The transport
turns outcomes into emits and timers (transport/realtime.py) and decides nothing.

The work is shared with small collaborators, each with one concern:
- `SessionLoader` (snapshot.py): one read per event, workshops parsed once per process;
- `Links` (links.py) and `keys.py`: links, tokens and the keyed hashes;
- `Room` (room.py): capacity, presence, departure and the room's quiet signals;
- `Summaries` (summaries.py): results and the threshold rule;
- `Reports` (reports.py) and `Retention` (retention.py): exports, and erasing answers;
- the pure rules in session.py and the views in views.py.

It takes a clock so tests control time, and it never imports Flask.
"""

from __future__ import annotations

import hmac
import itertools
import random
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from workshop.care import Care
from workshop.errors import N_
from workshop.errors import AttuneError
from workshop.keys import hash_token
from workshop.keys import new_token
from workshop.links import Links
from workshop.messages import JOIN_CODE_ALPHABET
from workshop.messages import JOIN_CODE_LENGTH
from workshop.messages import Command
from workshop.messages import ConsentChoice
from workshop.messages import Respond
from workshop.messages import Signal
from workshop.outcome import Departure
from workshop.outcome import Outcome
from workshop.outcome import ResultsNews
from workshop.outcome import RoleViews
from workshop.own_reads import OwnReads
from workshop.phone_ids import AddressShare
from workshop.phone_ids import PhoneIds
from workshop.presence import Presence
from workshop.reports import Reports
from workshop.results import HIDDEN
from workshop.results import PENDING
from workshop.results import SHOWN
from workshop.results import Answer
from workshop.results import AnswerError
from workshop.results import validate_answer
from workshop.retention import Retention
from workshop.retention import erasure_due
from workshop.room import Room
from workshop.script import Workshop
from workshop.session import ANSWERS_DELETED
from workshop.session import SESSION_ENDED
from workshop.session import CommandError
from workshop.session import SessionState
from workshop.session import advance
from workshop.session import advance_if_due
from workshop.session import apply_command
from workshop.session import auto_advance_at
from workshop.session import close_answers_for_good
from workshop.session import late_answer_time
from workshop.session import new_session
from workshop.snapshot import SessionLoader
from workshop.snapshot import Snapshot
from workshop.snapshot import UnknownSession
from workshop.snapshot import normalize_code
from workshop.store import SessionRecord
from workshop.store import Store
from workshop.store import VersionConflict
from workshop.summaries import Summaries
from workshop.timer import Clock
from workshop.timer import system_clock
from workshop.views import SessionContext
from workshop.views import view_for_facilitator
from workshop.views import view_for_participant
from workshop.views import view_for_screen

__all__ = ["Kiosk", "UnknownSession", "UnknownWorkshop", "ChoiceError", "normalize_code"]


class UnknownWorkshop(AttuneError, LookupError):
    """No workshop has this id."""


class ChoiceError(AttuneError, ValueError):
    """A phone's consent choice or quiet signal that does not fit the session now.

    The message says why, for the phone to show.
    """


class NoPhoneId(AttuneError, LookupError):
    """The connection carries no phone id the kiosk issued for this session."""


@dataclass(frozen=True)
class CreatedSession:
    """A new session and the secret that drives it (shown once, stored only as a hash)."""

    code: str
    facilitator_token: str


# How long a change keeps retrying while other processes keep saving the same session first.
CONFLICT_PATIENCE_SECONDS = 5.0

# Console tokens issued after a session was created (one per `make run` start), newest kept.
# A console tab keeps its token across restarts of the kiosk, so older ones stay valid; the
# bound only stops a restart loop from growing the table without end.
CONSOLE_TOKENS_KEPT = 50

_VIEW_BUILDERS = {
    "facilitator": view_for_facilitator,
    "screen": view_for_screen,
    "participant": view_for_participant,
}


class Kiosk:
    """Sessions of workshops, kept in a store, observed through a clock.

    `lease(name, seconds) -> bool`: with several processes, only the process that takes a
    deadline's lease acts on it (auto-advance), though every process watches it.
    """

    def __init__(
        self,
        store: Store,
        library: dict[str, Workshop],
        clock: Clock = system_clock,
        public_url: str = "http://localhost:8000",
        presence: Presence | None = None,
        care: Care | None = None,
        retention_days: int = 30,
        cache_results: bool = True,
        max_phones: int = 5000,
        address_share: AddressShare | None = None,
        lease: Callable[[str, int], bool] | None = None,
    ):
        self.store = store
        self.library = library
        self.clock = clock
        self.links = Links(public_url)
        self.retention_days = retention_days
        self.lease = lease
        self.loader = SessionLoader(store)
        self.own_reads = OwnReads(store)
        self.summaries = Summaries(store, cache=cache_results)
        self.room = Room(store, presence or Presence(), care or Care(), max_phones, address_share)
        self.reports = Reports(store, self.summaries)
        self.retention = Retention(store, self.summaries, self.room.care)
        self._lock = threading.RLock()

    @property
    def public_url(self) -> str:
        """The kiosk's address as phones reach it."""
        return self.links.public_url

    def join_url(self, code: str) -> str:
        """The link a phone opens (and the QR code holds)."""
        return self.links.join_url(code)

    def screen_url(self, code: str) -> str:
        """The projector page of a session."""
        return self.links.screen_url(code)

    def console_url(self, code: str, token: str) -> str:
        """The console link; the token rides in the fragment, which browsers never send."""
        return self.links.console_url(code, token)

    # -- reading -------------------------------------------------------------------------

    def load(self, code: str) -> Snapshot:
        """One read of a session. :raise UnknownSession: no session has this code."""
        return self.loader.load(code)

    def find(self, code: str) -> Snapshot | None:
        """One read of a session, or None when no session has this code."""
        return self.loader.find(code)

    def find_shared(self, code: str) -> Snapshot | None:
        """`find` for what only looks, one read shared by concurrent callers (`SessionLoader`)."""
        return self.loader.find_shared(code)

    def record(self, code: str) -> SessionRecord:
        """The stored session. :raise UnknownSession: no session has this code."""
        return self.load(code).record

    def state(self, code: str) -> SessionState:
        """The current state of a session. :raise UnknownSession: no such code."""
        return self.load(code).state

    def workshop_of(self, code: str) -> Workshop:
        """The workshop a session runs, as it was when the session was created."""
        return self.load(code).workshop

    def answers_deleted(self, code: str) -> bool:
        """Whether a session's answers have been erased."""
        return self.load(code).answers_deleted

    # -- sessions, tokens and phone ids --------------------------------------------------

    def create_session(
        self,
        workshop_id: str,
        retention_days: int | None = None,
        keep_aggregates: bool = True,
    ) -> CreatedSession:
        """Start a session of a workshop on its first step.

        `retention_days`: how long its answers are kept (0: until it ends); None for the
        kiosk's default.

        :raise UnknownWorkshop: no workshop has this id.
        """
        workshop = self.library.get(workshop_id)
        if workshop is None:
            raise UnknownWorkshop(workshop_id)
        token = new_token()
        now = self.clock()
        for _ in range(20):
            code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
            record = SessionRecord(
                state=new_session(code, workshop, now),
                workshop_json=workshop.model_dump_json(),
                token_hash=hash_token(token),
                pair_key=secrets.token_bytes(32),
                created_ms=now,
                retention_days=self.retention_days if retention_days is None else retention_days,
                keep_aggregates=keep_aggregates,
            )
            try:
                self.store.create_session(record)
            except KeyError:
                continue
            return CreatedSession(code=code, facilitator_token=token)
        raise RuntimeError("could not find a free join code")  # pragma: no cover

    def token_drives(self, snapshot: Snapshot | None, token: str) -> bool:
        """Whether a token drives this session (None: no session): its first one or one since.

        The first is compared in constant time; an issued one is looked up by its hash, which
        tells nothing about a token of 192 random bits.
        """
        if snapshot is None or not token:
            return False
        token_hash = hash_token(token)
        if hmac.compare_digest(token_hash, snapshot.record.token_hash):
            return True
        return self.store.has_console_token(snapshot.code, token_hash)

    def check_token(self, code: str, token: str) -> bool:
        """Whether a token drives the session with this code (False for an unknown code)."""
        return self.token_drives(self.find(code), token)

    def issue_console_token(self, code: str) -> str:
        """A new token that drives this session, besides every earlier one; stored as a hash.

        For a terminal that must show a working console link without any token kept in clear.

        :raise UnknownSession: no session has this code.
        """
        snapshot = self.load(code)
        token = new_token()
        self.store.add_console_token(
            snapshot.code, hash_token(token), self.clock(), CONSOLE_TOKENS_KEPT
        )
        return token

    def issue_phone_id(self, code: str) -> str:
        """A new phone id for this session, signed so that only ids the kiosk issued count."""
        return PhoneIds(self.load(code).record.pair_key).issue()

    def phone_id(self, code: str, signed: str | None) -> str | None:
        """The phone id inside `signed` if the kiosk issued it for this session, else None."""
        return PhoneIds(self.load(code).record.pair_key).verify(signed)

    # -- changes -------------------------------------------------------------------------

    def _change(
        self, snapshot: Snapshot, transition: Callable[[SessionState], SessionState]
    ) -> Snapshot:
        """Apply a transition to the state read and save it, version-checked.

        Another process of a cluster (a second console, an auto-advance) may save between our
        read and our save. Then the session is read again and the transition applied to the
        state that won, so nothing is applied twice; the waits grow and are jittered, so two
        processes racing on one session do not keep colliding in step, and a busy machine gets
        seconds, not a fixed number of tries. Returns the snapshot as saved (unchanged when the
        transition changed nothing).

        :raise CommandError: the session stayed contended for `CONFLICT_PATIENCE_SECONDS`.
        """
        deadline = time.monotonic() + CONFLICT_PATIENCE_SECONDS
        for attempt in itertools.count():  # pragma: no branch - leaves by return or raise
            with self._lock:
                if attempt:
                    snapshot = self.load(snapshot.code)
                new = transition(snapshot.state)
                if new.version == snapshot.state.version:
                    return snapshot
                try:
                    self.store.save_state(new, expected_version=snapshot.state.version)
                except VersionConflict:
                    pass
                else:
                    return snapshot.with_state(new)
            if time.monotonic() >= deadline:
                raise CommandError(N_("session {code} is busy; try again"), code=snapshot.code)
            time.sleep(random.uniform(0, min(0.002 * 2**attempt, 0.05)))
        raise AssertionError("itertools.count() does not end")  # pragma: no cover

    def _changed(self, snapshot: Snapshot, **fields) -> Outcome:
        """The outcome of a change every role must see: all views, and the next deadline."""
        return Outcome(
            state=snapshot.state,
            views=self._views(snapshot),
            advance_at_ms=auto_advance_at(snapshot.state, snapshot.workshop),
            **fields,
        )

    def command(self, code: str, command: Command) -> Outcome:
        """Apply a facilitator command and persist it before returning; every role hears.

        :raise UnknownSession: no such code.
        :raise CommandError: the command does not fit the session now.
        :raise StoreError: the change could not be saved; nothing changed.
        """
        snapshot = self.load(code)
        if command.action in ("hide_response", "show_response"):
            self._moderate(snapshot, command.answer_id, hide=command.action == "hide_response")
            return self._changed(snapshot)
        if command.action == "delete_answers":
            if normalize_code(command.confirm) != snapshot.code:
                raise CommandError(
                    N_(
                        "Nothing was deleted: the code typed does not match. Type the join code "
                        "{code} to delete every answer."
                    ),
                    code=snapshot.code,
                )
            return self._changed(self._erase(snapshot))
        now = self.clock()
        ended_here = False

        def transition(state: SessionState) -> SessionState:
            nonlocal ended_here
            new = apply_command(state, snapshot.workshop, command, now)
            ended_here = new.ended and not state.ended
            return new

        saved = self._change(snapshot, transition)
        if ended_here:
            # Only the command that ended it: a second End must not unlink (and recount) again.
            saved, erase_now = self.retention.unlink(saved, now)
            if erase_now:
                saved = self._erase(saved)
        return self._changed(saved)

    def _moderate(self, snapshot: Snapshot, answer_id: str, hide: bool) -> None:
        """Hide a words answer from the room, or show (approve) it. The state is unchanged."""
        if snapshot.state.ended:
            raise CommandError(SESSION_ENDED)
        answer = self.store.set_answer_status(snapshot.code, answer_id, HIDDEN if hide else SHOWN)
        if answer is None:
            raise CommandError(N_("no answer has this id; it may have been changed by its author"))
        self.summaries.answers_changed(snapshot.code)

    def _erase(self, snapshot: Snapshot) -> Snapshot:
        """Erase a session's answers, and close its prompts for good (docs/protocol.md)."""
        now = self.clock()
        erased = self.retention.erase(snapshot, now)
        if erased is None:
            return snapshot
        # From now on the session takes no answers: every prompt closes for good and phones
        # are told so by the next state (docs/protocol.md, "Deleting answers").
        return self._change(erased, lambda state: close_answers_for_good(state, now))

    def erase_answers(self, code: str) -> Outcome:
        """Delete every answer and consent choice of a session for good; every role hears.

        The report keeps the aggregate figures (no text) if the session was created with
        `keep_aggregates`.
        """
        return self._changed(self._erase(self.load(code)))

    def sweep(self) -> list[str]:
        """Erase the answers of every session whose retention has passed; returns their codes."""
        now = self.clock()
        erased = []
        for record in self.store.list_sessions():
            if erasure_due(record, now):
                self._erase(self.loader.snapshot_of(record))
                erased.append(record.state.code)
        return erased

    def advance_if_due(self, code: str) -> Outcome:
        """Auto-advance a session whose step asks for it and whose countdown has ended.

        The outcome has views when it moved; otherwise only its deadline (None: nothing is
        due any more, the step changed, or another process took this deadline).
        """
        snapshot = self.load(code)
        state = snapshot.state
        now = self.clock()
        due_at = auto_advance_at(state, snapshot.workshop)
        if due_at is None or due_at > now:
            return Outcome(state=state, advance_at_ms=due_at)
        if self.lease is not None and not self.lease(f"advance:{state.code}:{state.version}", 30):
            return Outcome(state=state)  # another process holds this deadline
        saved = self._change(
            snapshot, lambda current: advance_if_due(current, snapshot.workshop, now)
        )
        if saved.state.version == state.version:
            return Outcome(state=state)
        return self._changed(saved)

    def deadlines(self) -> list[tuple[str, int]]:
        """(code, server time) of every session that moves on by itself, for a process start."""
        due = []
        for record in self.store.list_sessions():
            snapshot = self.loader.snapshot_of(record)
            at = auto_advance_at(snapshot.state, snapshot.workshop)
            if at is not None:
                due.append((snapshot.code, at))
        return due

    # -- phones --------------------------------------------------------------------------

    def join(
        self, snapshot: Snapshot, connection: str, signed_phone_id: str | None, address: str
    ) -> Outcome:
        """Let a phone's connection into a session it was admitted to (`snapshot`).

        The outcome carries the phone's view and its own choices (`mine`), and the head count
        changes.

        :raise NoPhoneId: the connection carries no phone id the kiosk issued here.
        :raise SessionFull: the session holds as many phones as it admits.
        :raise NetworkShareFull: the phone's network holds its share of the session already.
        """
        phone_id = PhoneIds(snapshot.record.pair_key).verify(signed_phone_id)
        if phone_id is None:
            raise NoPhoneId(snapshot.code)
        respondent = snapshot.respondent(phone_id)
        self.room.enter(snapshot.code, connection, respondent, address)
        try:
            view = self._view(snapshot, "participant")
            mine = self._mine(snapshot, respondent)
        except BaseException:
            self.room.leave(snapshot.code, connection, respondent)
            raise
        return Outcome(state=snapshot.state, presence=True, view=view, mine=mine, phone_id=phone_id)

    def leave(self, code: str, connection: str, phone_id: str) -> Outcome:
        """A phone's connection closed: it leaves the head count, and maybe the room."""
        snapshot = self.load(code)
        respondent = snapshot.respondent(phone_id)
        grace = self.room.leave(snapshot.code, connection, respondent)
        departure = Departure(respondent, grace) if grace is not None else None
        return Outcome(state=snapshot.state, presence=True, departure=departure)

    def forget_connection(self, connection: str) -> None:
        """A connection that was never let in closed: give back anything held for it."""
        self.room.release(connection)

    def depart_if_gone(self, code: str, respondent: str) -> Outcome | None:
        """After a departure's grace: a phone still away has left; its signals go."""
        if not self.room.depart_if_gone(normalize_code(code), respondent):
            return None
        return Outcome(care=True)

    def respond(self, code: str, phone_id: str, message: Respond) -> Outcome:
        """Store a participant's answer to the open prompt of the current step.

        An answer that arrives after its prompt closed (a phone that was offline) is stored
        if it was given while the prompt was open and the prompt closed only recently
        (`late_answer_time`); otherwise it is refused with the reason, for the phone to show.
        The outcome carries the stored answer, and the results change.

        :raise UnknownSession: no such code.
        :raise AnswerError: the prompt is not open now, or the value does not fit it.
        :raise StoreError: the answer could not be saved; the participant should retry.
        """
        snapshot = self.load(code)
        state = snapshot.state
        now = self.clock()
        respondent = snapshot.respondent(phone_id)
        try:
            prompt, value, answered_ms = _answerable(state, snapshot.workshop, message, now)
        except AnswerError:
            if message.answer_id is not None:
                # A retry of an answer that was stored (its ack was lost) is acknowledged
                # again, even if the prompt has closed since: it is safe, and the phone can
                # stop resending. (A retry while the prompt is open is found by the store.)
                for stored in self.store.answers_of(state.code, respondent):
                    if stored.answer_id == message.answer_id:
                        return Outcome(state=state, results=True, answer=stored)
            raise
        if answered_ms != now:
            # A late answer must not undo a change the phone made later (and sent first).
            for stored in self.store.answers_of(state.code, respondent):
                if stored.prompt_id == prompt.id and stored.answered_ms > answered_ms:
                    raise AnswerError(N_("a newer answer of yours to this question is stored"))
        answer = Answer(
            answer_id=message.answer_id or uuid.uuid4().hex,
            prompt_id=prompt.id,
            respondent=respondent,
            value=value,
            answered_ms=answered_ms,
            status=PENDING if snapshot.workshop.needs_approval(prompt) else SHOWN,
        )
        stored = self.store.upsert_answer(state.code, answer)
        if stored.respondent != answer.respondent:
            raise AnswerError(N_("answer_id is already used; make a new one"))
        if stored == answer:
            self.summaries.answers_changed(state.code)
        return Outcome(state=state, results=True, answer=stored)

    def _mine(self, snapshot: Snapshot, respondent: str) -> dict:
        code = snapshot.code
        care = self.room.care
        own = self.own_reads.of(code, respondent)
        return {
            "answers": {a.prompt_id: a.value for a in own.answers},
            "consent": own.consents,
            "need_moment": care.needs_moment(code, respondent, self.clock()),
            # Done is per step: the steps this phone said it is done with, so the next step
            # that asks starts at "I'm done" again.
            "done": sorted(care.done_steps(code, respondent)),
        }

    def consent(self, code: str, phone_id: str, message: ConsentChoice) -> Outcome:
        """Keep a phone's private consent choice for a step; changeable while it is asked.

        The console's counts change.

        :raise ChoiceError: consent is not being asked for that step now.
        """
        snapshot = self.load(code)
        state = snapshot.state
        if state.ended:
            raise ChoiceError(N_("this session has ended"))
        if state.consent_step != message.step_id:
            raise ChoiceError(N_("the room is not being asked about that step now"))
        self.store.upsert_consent(
            state.code, message.step_id, snapshot.respondent(phone_id), message.choice
        )
        return self._care_changed(snapshot)

    def _care_changed(self, snapshot: Snapshot) -> Outcome:
        return Outcome(
            state=snapshot.state,
            care=True,
            care_expires_ms=self.room.care.next_expiry(snapshot.code),
        )

    def signal(self, code: str, phone_id: str, message: Signal) -> Outcome:
        """Take a phone's quiet signal; 'done' may move the room on (the done-share rule).

        :raise ChoiceError: 'done' on a step that does not ask for it, or the session ended.
        """
        snapshot = self.load(code)
        state = snapshot.state
        if state.ended:
            raise ChoiceError(N_("this session has ended"))
        respondent = snapshot.respondent(phone_id)
        care = self.room.care
        kind = message.kind
        now = self.clock()
        if kind == "need_moment":
            care.need_moment(state.code, respondent, now)
            return self._care_changed(snapshot)
        if kind == "ok_again":
            care.ok_again(state.code, respondent)
            return self._care_changed(snapshot)
        step = snapshot.workshop.steps[state.step_index]
        if message.step_id is not None and message.step_id != step.id:
            raise ChoiceError(
                N_("the room has moved on to another step; tap again there if you like")
            )
        if not step.done:
            raise ChoiceError(N_("this step has no 'done'"))
        care.set_done(state.code, step.id, respondent, kind == "done")
        if kind == "done" and self.room.done_share_reached(snapshot, now):
            moved = self._change(
                snapshot,
                lambda current: (
                    advance(current, snapshot.workshop, now)
                    if current.step_index == state.step_index
                    else current
                ),
            )
            if moved.state.version != state.version:
                return self._changed(moved)
        return self._care_changed(snapshot)

    # -- what goes out -------------------------------------------------------------------

    def _context(self, snapshot: Snapshot, for_console: bool = True) -> SessionContext:
        """What views need besides the state. The console's extras (care counts, which read
        every connected phone) are only worked out when a console view is built: a phone's
        join must not cost a pass over the whole room."""
        public, console = self.summaries.current(snapshot)
        now = self.clock()
        return SessionContext(
            workshop=snapshot.workshop,
            join_url=self.links.join_url(snapshot.code),
            participants=self.room.count(snapshot.code) if for_console else 0,
            now_ms=now,
            results_public=public,
            results_console=console,
            care=self.room.care_view(snapshot, now) if for_console else None,
            answers_deleted=snapshot.answers_deleted if for_console else False,
        )

    def _views(self, snapshot: Snapshot) -> RoleViews:
        """The facilitator, screen and participant views of one read, built once each."""
        ctx = self._context(snapshot)
        state = snapshot.state
        return RoleViews(
            facilitator=view_for_facilitator(state, ctx),
            screen=view_for_screen(state, ctx),
            participant=view_for_participant(state, ctx),
        )

    def _view(self, snapshot: Snapshot, role: str) -> dict:
        build = _VIEW_BUILDERS[role]
        return build(snapshot.state, self._context(snapshot, for_console=role != "participant"))

    def view(self, code: str, role: str) -> dict:
        """One role's view (for a client that just connected, or asked for a snapshot)."""
        return self._view(self.load(code), role)

    def view_of(self, snapshot: Snapshot, role: str) -> dict:
        """One role's view of a session already read (a connection just admitted)."""
        return self._view(snapshot, role)

    def results_news(self, code: str) -> ResultsNews | None:
        """The current prompt's results as they go out now; the room's only once revealed.

        None when the current step has no prompt.
        """
        snapshot = self.load(code)
        public, console = self.summaries.current(snapshot)
        if console is None:
            return None
        state = snapshot.state
        prompt = snapshot.workshop.steps[state.step_index].prompt
        revealed = state.prompt_state(prompt.id).revealed
        return ResultsNews(console=console, room=public if revealed else None)

    def presence_news(self, code: str) -> int:
        """The head count as it goes out now.

        "14 of 20 done" counts connected phones, so the console's counts (`care_news`) go out
        with every head count.
        """
        return self.room.count(code)

    def care_news(self, code: str) -> dict:
        """The console's counts of the room's private choices as they go out now."""
        return self.room.care_view(self.load(code), self.clock())

    # -- reports -------------------------------------------------------------------------

    def export(self, code: str) -> dict:
        """Every answer of a session, for the facilitator to keep (`Reports.export`)."""
        return self.reports.export(self.load(code))

    def export_csv(self, code: str) -> str:
        """The export's answers as CSV text for spreadsheets."""
        return self.reports.export_csv(self.load(code))

    def report(self, code: str) -> dict:
        """The facilitator's report: the workshop, step timings and every prompt's results."""
        return self.reports.report(self.load(code), self.clock())

    def sessions(self) -> list[dict]:
        """A summary of every session, newest first (for the facilitator home)."""
        summaries = []
        for record in self.store.list_sessions():
            workshop = self.loader.snapshot_of(record).workshop
            summaries.append(
                {
                    "code": record.state.code,
                    "workshop": workshop.id,
                    "title": workshop.title,
                    "language": workshop.language,
                    "created_ms": record.created_ms,
                    "step_index": record.state.step_index,
                    "step_count": len(workshop.steps),
                    "ended": record.state.ended,
                }
            )
        return summaries


def _answerable(state: SessionState, workshop: Workshop, message: Respond, now_ms: int):
    """(prompt, checked value, when it counts as given) for `message` (the late-answer rule).

    :raise AnswerError: it cannot count; the message says why.
    """
    if state.ended:
        raise AnswerError(N_("this session has ended; answers are closed"))
    if state.answers_deleted:
        raise AnswerError(ANSWERS_DELETED)
    try:
        step_index, prompt = workshop.prompt(message.prompt_id)
    except KeyError:
        raise AnswerError(N_("there is no such question in this workshop")) from None
    if step_index == state.step_index and state.prompt_state(prompt.id).open:
        return prompt, validate_answer(prompt, message.value), now_ms
    if message.answered_ms is None:
        if step_index != state.step_index:
            raise AnswerError(N_("that question is not on the current step"))
        raise AnswerError(N_("this question is closed for answers"))
    given = late_answer_time(state, prompt.id, message.answered_ms, now_ms)
    return prompt, validate_answer(prompt, message.value), given
