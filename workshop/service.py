"""The kiosk service: owns sessions, applies commands and answers, builds per-role views.

This is the one place the transport calls into. It loads state from the store, runs the pure
state machine, saves with a version check, and hands back what to send. It takes a clock so
tests control time, and it never imports Flask.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import random
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from workshop.care import Care
from workshop.errors import AttuneError
from workshop.messages import JOIN_CODE_ALPHABET
from workshop.messages import JOIN_CODE_LENGTH
from workshop.messages import Command
from workshop.messages import ConsentChoice
from workshop.messages import Respond
from workshop.messages import Signal
from workshop.phone_ids import PhoneIds
from workshop.presence import Presence
from workshop.reports import Reports
from workshop.results import HIDDEN
from workshop.results import PENDING
from workshop.results import SHOWN
from workshop.results import Answer
from workshop.results import AnswerError
from workshop.results import below_threshold
from workshop.results import pair_shift
from workshop.results import summarize
from workshop.results import validate_answer
from workshop.retention import Retention
from workshop.script import ScalePrompt
from workshop.script import Workshop
from workshop.session import ANSWERS_DELETED
from workshop.session import SESSION_ENDED
from workshop.session import CommandError
from workshop.session import SessionState
from workshop.session import advance
from workshop.session import advance_if_due
from workshop.session import apply_command
from workshop.session import late_answer_time
from workshop.session import new_session
from workshop.stopwords import stop_words
from workshop.store import SessionRecord
from workshop.store import Store
from workshop.store import VersionConflict
from workshop.timer import Clock
from workshop.timer import system_clock
from workshop.views import SessionContext
from workshop.views import view_for_facilitator
from workshop.views import view_for_participant
from workshop.views import view_for_screen


class UnknownSession(AttuneError, LookupError):
    """No session has this join code."""


class UnknownWorkshop(AttuneError, LookupError):
    """No workshop has this id."""


@dataclass(frozen=True)
class CreatedSession:
    """A new session and the secret that drives it (shown once, stored only as a hash)."""

    code: str
    facilitator_token: str


@dataclass(frozen=True)
class RoleViews:
    """The three views of one session at one moment."""

    version: int
    facilitator: dict
    screen: dict
    participant: dict


def normalize_code(code: str) -> str:
    """Join codes are typed on phones: accept any case and stray spaces or dashes."""
    return code.replace(" ", "").replace("-", "").upper()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# How long a change keeps retrying while other processes keep saving the same session first.
CONFLICT_PATIENCE_SECONDS = 5.0

# Console tokens issued after a session was created (one per `make run` start), newest kept.
# A console tab keeps its token across restarts of the kiosk, so older ones stay valid; the
# bound only stops a restart loop from growing the table without end.
CONSOLE_TOKENS_KEPT = 50


class Kiosk(Reports, Retention):
    """Sessions of workshops, kept in a store, observed through a clock."""

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
    ):
        self.store = store
        self.library = library
        self.clock = clock
        self.public_url = public_url.rstrip("/")
        self.presence = presence or Presence()
        self.care = care or Care()
        self.retention_days = retention_days
        # With several processes, answers arrive through others too: a per-process cache
        # keyed by this process's answer count would go stale, so it is turned off.
        self.cache_results = cache_results
        self._workshops: dict[str, Workshop] = {}
        # Bumped on every stored answer, so cached results know when they are stale.
        self._answer_seq: dict[str, int] = {}
        self._results_cache: dict[str, tuple[tuple, tuple[dict | None, dict | None]]] = {}
        self._lock = threading.RLock()

    # -- links ---------------------------------------------------------------------------

    def join_url(self, code: str) -> str:
        """The link a phone opens (and the QR code holds)."""
        return f"{self.public_url}/j/{code}"

    def screen_url(self, code: str) -> str:
        """The projector page of a session."""
        return f"{self.public_url}/s/{code}"

    def console_url(self, code: str, token: str) -> str:
        """The console link; the token rides in the fragment, which browsers never send."""
        return f"{self.public_url}/f/{code}#{token}"

    # -- sessions ------------------------------------------------------------------------

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
        token = secrets.token_urlsafe(24)  # 192 random bits
        now = self.clock()
        for _ in range(20):
            code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
            record = SessionRecord(
                state=new_session(code, workshop, now),
                workshop_json=workshop.model_dump_json(),
                token_hash=_hash_token(token),
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

    def record(self, code: str) -> SessionRecord:
        """The stored session.

        :raise UnknownSession: no session has this code.
        """
        record = self.store.get_session(normalize_code(code))
        if record is None:
            raise UnknownSession(code)
        return record

    def state(self, code: str) -> SessionState:
        """The current state of a session. :raise UnknownSession: no such code."""
        return self.record(code).state

    def workshop_of(self, code: str) -> Workshop:
        """The workshop a session runs, as it was when the session was created.

        Sessions keep their own copy so that editing a file never shifts a live room.
        """
        code = normalize_code(code)
        workshop = self._workshops.get(code)
        if workshop is None:
            workshop = Workshop.model_validate_json(self.record(code).workshop_json)
            self._workshops[code] = workshop
        return workshop

    def exists(self, code: str) -> bool:
        """Whether a session has this code."""
        return self.store.get_session(normalize_code(code)) is not None

    def check_token(self, code: str, token: str) -> bool:
        """Whether a token drives this session: its first one or one issued since.

        The first is compared in constant time; an issued one is looked up by its hash, which
        tells nothing about a token of 192 random bits.
        """
        try:
            record = self.record(code)
        except UnknownSession:
            return False
        if not token:
            return False
        token_hash = _hash_token(token)
        if hmac.compare_digest(token_hash, record.token_hash):
            return True
        return self.store.has_console_token(record.state.code, token_hash)

    def issue_console_token(self, code: str) -> str:
        """A new token that drives this session, besides every earlier one; stored as a hash.

        For a terminal that must show a working console link without any token kept in clear.

        :raise UnknownSession: no session has this code.
        """
        record = self.record(code)
        token = secrets.token_urlsafe(24)  # 192 random bits
        self.store.add_console_token(
            record.state.code, _hash_token(token), self.clock(), CONSOLE_TOKENS_KEPT
        )
        return token

    def issue_phone_id(self, code: str) -> str:
        """A new phone id for this session, signed so that only ids the kiosk issued count."""
        return PhoneIds(self.record(code).pair_key).issue()

    def phone_id(self, code: str, signed: str | None) -> str | None:
        """The phone id inside `signed` if the kiosk issued it for this session, else None."""
        return PhoneIds(self.record(code).pair_key).verify(signed)

    def join_pass(self, code: str) -> str:
        """What every browser let in with this code may show instead of being checked again.

        An HMAC under the session's own key, which never leaves the kiosk: the same for every
        phone of the session (it names nobody), unforgeable without the key, and void once the
        session ends (its key is replaced then).

        :raise UnknownSession: no session has this code.
        """
        key = self.record(code).pair_key
        # The same key hashes phone ids (`respondent`); a NUL, which no phone id may hold,
        # keeps the two apart.
        return hmac.new(key, b"\x00attune join pass", hashlib.sha256).hexdigest()[:32]

    def respondent(self, code: str, pid: str) -> str:
        """The keyed hash that stands for a phone in stored answers; the pid is never stored."""
        key = self.record(code).pair_key
        return hmac.new(key, pid.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    # -- changes -------------------------------------------------------------------------

    def _save(self, code: str, transition: Callable[[SessionState], SessionState]) -> SessionState:
        """Load, transform and save a state, retrying when another writer got there first.

        Another process of a cluster (a second console, an auto-advance) may save between our
        load and our save. Each retry works on the state that won, so nothing is applied twice;
        the waits grow and are jittered, so two processes racing on one session do not keep
        colliding in step, and a busy machine gets seconds, not a fixed number of tries.

        :raise CommandError: the session stayed contended for `CONFLICT_PATIENCE_SECONDS`.
        """
        deadline = time.monotonic() + CONFLICT_PATIENCE_SECONDS
        for attempt in itertools.count():  # pragma: no branch - leaves by return or raise
            with self._lock:
                state = self.record(code).state
                new = transition(state)
                if new.version == state.version:
                    return state
                try:
                    self.store.save_state(new, expected_version=state.version)
                except VersionConflict:
                    pass
                else:
                    return new
            if time.monotonic() >= deadline:
                raise CommandError(f"session {code} is busy; try again")
            time.sleep(random.uniform(0, min(0.002 * 2**attempt, 0.05)))
        raise AssertionError("itertools.count() does not end")  # pragma: no cover

    def command(self, code: str, command: Command) -> SessionState:
        """Apply a facilitator command and persist it before returning.

        :raise UnknownSession: no such code.
        :raise CommandError: the command does not fit the session now.
        :raise StoreError: the change could not be saved; nothing changed.
        """
        code = self.record(code).state.code
        if command.action in ("hide_response", "show_response"):
            return self._moderate(code, command.answer_id, hide=command.action == "hide_response")
        if command.action == "delete_answers":
            if normalize_code(command.confirm) != code:
                raise CommandError(
                    f"Nothing was deleted: the code typed does not match. Type the join code "
                    f"{code} to delete every answer."
                )
            self.erase_answers(code)
            return self.state(code)
        workshop = self.workshop_of(code)
        ended_here = False

        def transition(state: SessionState) -> SessionState:
            nonlocal ended_here
            new = apply_command(state, workshop, command, self.clock())
            ended_here = new.ended and not state.ended
            return new

        new = self._save(code, transition)
        if ended_here:
            # Only the command that ended it: a second End must not unlink (and recount) again.
            self._on_end(code)
        return new

    def _moderate(self, code: str, answer_id: str, hide: bool) -> SessionState:
        """Hide a words answer from the room, or show (approve) it. The state is unchanged."""
        state = self.state(code)
        if state.ended:
            raise CommandError(SESSION_ENDED)
        answer = self.store.set_answer_status(code, answer_id, HIDDEN if hide else SHOWN)
        if answer is None:
            raise CommandError("no answer has this id; it may have been changed by its author")
        self._answers_changed(code)
        return state

    def _answers_changed(self, code: str) -> None:
        with self._lock:
            self._answer_seq[code] = self._answer_seq.get(code, 0) + 1

    def advance_if_due(self, code: str) -> SessionState | None:
        """Auto-advance a session whose step asks for it and whose countdown has ended.

        Returns the new state when it moved, else None.
        """
        code = self.record(code).state.code
        workshop = self.workshop_of(code)
        before = self.state(code).version

        after = self._save(code, lambda state: advance_if_due(state, workshop, self.clock()))
        return after if after.version != before else None

    def respond(self, code: str, pid: str, message: Respond) -> Answer:
        """Store a participant's answer to the open prompt of the current step.

        An answer that arrives after its prompt closed (a phone that was offline) is stored
        if it was given while the prompt was open and the prompt closed only recently
        (`late_answer_time`); otherwise it is refused with the reason, for the phone to show.

        :raise UnknownSession: no such code.
        :raise AnswerError: the prompt is not open now, or the value does not fit it.
        :raise StoreError: the answer could not be saved; the participant should retry.
        """
        record = self.record(code)
        state = record.state
        workshop = self.workshop_of(state.code)
        now = self.clock()
        respondent = self.respondent(state.code, pid)
        try:
            prompt, value, answered_ms = self._answerable(state, workshop, message, now)
        except AnswerError:
            if message.answer_id is not None:
                # A retry of an answer that was stored (its ack was lost) is acknowledged
                # again, even if the prompt has closed since: it is safe, and the phone can
                # stop resending. (A retry while the prompt is open is found by the store.)
                for stored in self.store.answers_of(state.code, respondent):
                    if stored.answer_id == message.answer_id:
                        return stored
            raise
        if answered_ms != now:
            # A late answer must not undo a change the phone made later (and sent first).
            for stored in self.store.answers_of(state.code, respondent):
                if stored.prompt_id == prompt.id and stored.answered_ms > answered_ms:
                    raise AnswerError("a newer answer of yours to this question is stored")
        answer = Answer(
            answer_id=message.answer_id or uuid.uuid4().hex,
            prompt_id=prompt.id,
            respondent=respondent,
            value=value,
            answered_ms=answered_ms,
            status=PENDING if workshop.needs_approval(prompt) else SHOWN,
        )
        stored = self.store.upsert_answer(state.code, answer)
        if stored.respondent != answer.respondent:
            raise AnswerError("answer_id is already used; make a new one")
        if stored == answer:
            self._answers_changed(state.code)
        return stored

    @staticmethod
    def _answerable(state: SessionState, workshop: Workshop, message: Respond, now_ms: int):
        """(prompt, checked value, when it counts as given) for `message`.

        :raise AnswerError: it cannot count; the message says why.
        """
        if state.ended:
            raise AnswerError("this session has ended; answers are closed")
        if state.answers_deleted:
            raise AnswerError(ANSWERS_DELETED)
        try:
            step_index, prompt = workshop.prompt(message.prompt_id)
        except KeyError:
            raise AnswerError("there is no such question in this workshop") from None
        if step_index == state.step_index and state.prompt_state(prompt.id).open:
            return prompt, validate_answer(prompt, message.value), now_ms
        if message.answered_ms is None:
            if step_index != state.step_index:
                raise AnswerError("that question is not on the current step")
            raise AnswerError("this question is closed for answers")
        given = late_answer_time(state, prompt.id, message.answered_ms, now_ms)
        return prompt, validate_answer(prompt, message.value), given

    def my_answers(self, code: str, pid: str) -> dict[str, int | str]:
        """A phone's own answers in this session, by prompt id (sent to that phone only)."""
        code = self.record(code).state.code
        return {
            a.prompt_id: a.value for a in self.store.answers_of(code, self.respondent(code, pid))
        }

    def mine(self, code: str, pid: str) -> dict:
        """Everything a phone chose itself, for that phone only: answers, consent, signals."""
        state = self.state(code)
        phone = self.respondent(state.code, pid)
        return {
            "answers": self.my_answers(state.code, pid),
            "consent": self.store.consents_of(state.code, phone),
            "need_moment": self.care.needs_moment(state.code, phone, self.clock()),
            # Done is per step: the steps this phone said it is done with, so the next step
            # that asks starts at "I'm done" again.
            "done": sorted(self.care.done_steps(state.code, phone)),
        }

    def consent(self, code: str, pid: str, message: ConsentChoice) -> str:
        """Keep a phone's private consent choice for a step; changeable while it is asked.

        :raise AnswerError: consent is not being asked for that step now.
        """
        state = self.state(code)
        if state.ended:
            raise AnswerError("this session has ended")
        if state.consent_step != message.step_id:
            raise AnswerError("the room is not being asked about that step now")
        self.store.upsert_consent(
            state.code, message.step_id, self.respondent(state.code, pid), message.choice
        )
        return message.choice

    def signal(self, code: str, pid: str, message: Signal) -> SessionState | None:
        """Take a phone's quiet signal. Returns the new state if 'done' moved the room on.

        :raise AnswerError: 'done' on a step that does not ask for it.
        """
        state = self.state(code)
        if state.ended:
            raise AnswerError("this session has ended")
        phone = self.respondent(state.code, pid)
        kind = message.kind
        if kind == "need_moment":
            self.care.need_moment(state.code, phone, self.clock())
            return None
        if kind == "ok_again":
            self.care.ok_again(state.code, phone)
            return None
        workshop = self.workshop_of(state.code)
        step = workshop.steps[state.step_index]
        if message.step_id is not None and message.step_id != step.id:
            raise AnswerError("the room has moved on to another step; tap again there if you like")
        if not step.done:
            raise AnswerError("this step has no 'done'")
        self.care.set_done(state.code, step.id, phone, kind == "done")
        if kind != "done" or step.done_advance is None:
            return None
        counts = self.care.counts(
            state.code, step.id, self.presence.phones(state.code), self.clock()
        )
        if counts.connected and counts.done / counts.connected >= step.done_advance:
            moved = self._save(
                state.code,
                lambda current: (
                    advance(current, workshop, self.clock())
                    if current.step_index == state.step_index
                    else current
                ),
            )
            return moved if moved.version != state.version else None
        return None

    def phone_left(self, code: str, pid: str) -> None:
        """A phone has been gone long enough to count as left: its signals go."""
        self.care.forget_phone(self.state(code).code, self.respondent(code, pid))

    def care_view(self, code: str) -> dict:
        """What the console sees of the room's private choices: counts only.

        `consent` counts the step the room is being asked about now; `step_consent` counts
        the current step when it is a touch step, asked or not, so stopping the question
        keeps the counts in view while the exercise runs.
        """
        state = self.state(code)
        workshop = self.workshop_of(state.code)
        step = workshop.steps[state.step_index]
        counts = self.care.counts(
            state.code, step.id, self.presence.phones(state.code), self.clock()
        )
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

    # -- views ---------------------------------------------------------------------------

    def results(self, code: str) -> tuple[dict | None, dict | None]:
        """Results of the current step's prompt: (what the room may see, what the console sees).

        Cached until an answer arrives or the step changes, so a join rush or a broadcast does
        not re-read every answer.
        """
        state = self.state(code)
        prompt = self.workshop_of(state.code).steps[state.step_index].prompt
        if prompt is None:
            return None, None
        key = (prompt.id, self._answer_seq.get(state.code, 0))
        cached = self._results_cache.get(state.code)
        if self.cache_results and cached is not None and cached[0] == key:
            return cached[1]
        workshop = self.workshop_of(state.code)
        pair = self._summaries(state.code, workshop, prompt)
        self._results_cache[state.code] = (key, pair)
        return pair

    def _summaries(self, code: str, workshop: Workshop, prompt) -> tuple[dict, dict]:
        """(room, console) summaries of one prompt, the room's held back below the threshold.

        Below `min_responses` the room learns only how many answers there are and how many
        more are needed, so that nobody's answer can be singled out in a small group.
        """
        answers = self.store.answers(code, prompt.id)
        stop = stop_words(workshop.language)
        console = summarize(prompt, answers, include_hidden=True, stop=stop)
        public = summarize(prompt, answers, stop=stop)
        if "answers" in public:
            # The room sees the words, not the ids the console uses to moderate them.
            public["answers"] = [{"text": entry["text"]} for entry in public["answers"]]
        threshold = workshop.min_responses_for(prompt)
        console["threshold"] = threshold
        if isinstance(prompt, ScalePrompt) and prompt.pairs_with:
            shift = self._frozen_shift(code, prompt.id) or pair_shift(
                self.store.answers(code, prompt.pairs_with), answers
            )
            console["shift"] = shift
            public["shift"] = (
                shift
                if shift["pairs"] >= threshold
                else {
                    "pairs": shift["pairs"],
                    "below_threshold": True,
                    "needed": threshold - shift["pairs"],
                }
            )
        if public["count"] < threshold:
            public = below_threshold(public, threshold)
        return public, console

    def _context(self, state: SessionState, for_console: bool = True) -> SessionContext:
        """What views need besides the state. The console's extras (care counts, which read
        every connected phone) are only worked out when a console view is built: a phone's
        join must not cost a pass over the whole room."""
        public, console = self.results(state.code)
        return SessionContext(
            workshop=self.workshop_of(state.code),
            join_url=self.join_url(state.code),
            participants=self.presence.count(state.code) if for_console else 0,
            now_ms=self.clock(),
            results_public=public,
            results_console=console,
            care=self.care_view(state.code) if for_console else None,
            answers_deleted=self.answers_deleted(state.code) if for_console else False,
        )

    def _frozen_shift(self, code: str, prompt_id: str) -> dict | None:
        """The before/after shift kept when the session ended (the pairing is gone since)."""
        record = self.record(code)
        if not record.state.ended or not record.kept_figures:
            return None
        return json.loads(record.kept_figures).get(prompt_id, {}).get("shift")

    def views(self, code: str) -> RoleViews:
        """The facilitator, screen and participant views of a session, built once each."""
        state = self.state(code)
        ctx = self._context(state)
        return RoleViews(
            version=state.version,
            facilitator=view_for_facilitator(state, ctx),
            screen=view_for_screen(state, ctx),
            participant=view_for_participant(state, ctx),
        )

    def view(self, code: str, role: str) -> dict:
        """One role's view (for a client that just connected)."""
        state = self.state(code)
        build = {
            "facilitator": view_for_facilitator,
            "screen": view_for_screen,
            "participant": view_for_participant,
        }[role]
        return build(state, self._context(state, for_console=role != "participant"))

    def sessions(self) -> list[dict]:
        """A summary of every session, newest first (for the facilitator home)."""
        summaries = []
        for record in self.store.list_sessions():
            workshop = Workshop.model_validate_json(record.workshop_json)
            summaries.append(
                {
                    "code": record.state.code,
                    "workshop": workshop.id,
                    "title": workshop.title,
                    "created_ms": record.created_ms,
                    "step_index": record.state.step_index,
                    "step_count": len(workshop.steps),
                    "ended": record.state.ended,
                }
            )
        return summaries
