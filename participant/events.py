"""The /participant namespace: phones join a session, follow it and answer prompts."""

from __future__ import annotations

from flask import current_app
from flask import request
from flask_socketio import join_room

from participant.identity import signed_phone_cookie
from transport.descriptors import RETRY_AFTER_MS
from transport.descriptors import ROOM_FULL
from transport.guessing import client_address
from transport.i18n import refused
from transport.realtime import AttuneNamespace
from transport.realtime import broadcaster
from transport.realtime import error
from transport.realtime import kiosk
from transport.realtime import ok
from transport.realtime import reply
from workshop.errors import N_
from workshop.messages import BadMessage
from workshop.messages import ConsentChoice
from workshop.messages import ParticipantAuth
from workshop.messages import Respond
from workshop.messages import Signal
from workshop.messages import parse
from workshop.results import AnswerError
from workshop.room import NetworkShareFull
from workshop.room import SessionFull
from workshop.service import ChoiceError
from workshop.service import NoPhoneId
from workshop.service import UnknownSession

NO_PHONE_ID = N_(
    "this browser did not send the phone id the kiosk gave it: reload the page "
    "(and allow cookies for this site if the browser asks)"
)


class ParticipantNamespace(AttuneNamespace):
    """Events of a phone. Auth: `{code}`; the phone's id comes from the kiosk's cookie.

    The id never leaves this process unhashed. A `pid` in `auth` (older pages sent one) is
    ignored: an id the phone makes up itself would let one device pose as many. Each event is
    one call to the session context (workshop/service.py), whose outcome the broadcaster sends.
    """

    role = "participant"

    def __init__(self, namespace: str):
        super().__init__(namespace)
        # connection id -> (session code, phone id); the phone id is needed to hash answers.
        self.members: dict[str, tuple[str, str]] = {}
        # Phones refused because this process holds as many as its open files allow.
        self.turned_away = 0

    def on_connect(self, auth=None):
        """Join the session's room, then receive its state and this phone's own answers."""
        try:
            credentials = parse(ParticipantAuth, auth)
        except BadMessage as problem:
            raise refused(N_("cannot join: {problem}"), problem=str(problem)) from None
        # First, before anything is read or built for it: the process's own ceiling. Every
        # connection counts (a second tab too), so that what is kept for consoles and screens
        # stays kept; a phone that comes back after a blip is let in once its old connection
        # has timed out, which its retry outlasts.
        ceiling = current_app.extensions.get("attune.ceiling")
        if ceiling is not None and len(self.members) >= ceiling.phones:
            self.turned_away += 1
            raise refused(
                ROOM_FULL,
                {"retry_after_ms": RETRY_AFTER_MS, "reason": "kiosk", "limit": ceiling.phones},
            )
        snapshot = self.admit(
            credentials.code, N_("unknown join code: check the code on the screen and try again")
        )
        code = snapshot.code
        service = kiosk()
        try:
            # `admit` let in no ended session, so an id that does not count was never issued here.
            outcome = service.join(
                snapshot, request.sid, signed_phone_cookie(code), client_address()
            )
        except NoPhoneId:
            raise refused(NO_PHONE_ID) from None
        except SessionFull as full:
            raise refused(
                ROOM_FULL,
                {"retry_after_ms": RETRY_AFTER_MS, "reason": "session", "limit": full.limit},
            ) from None
        except NetworkShareFull as full:
            raise refused(
                N_(
                    "{count} phones from this network are in this session already, "
                    "the most one network may have; ask the facilitator: the kiosk can allow "
                    "more per network (KIOSK_PHONES_PER_ADDRESS)"
                ),
                count=full.per_address,
            ) from None
        try:
            self.members[request.sid] = (code, outcome.phone_id)
            self.codes[request.sid] = code
            join_room(code)
            reply("state", outcome.view)
            reply("mine", outcome.mine)
        except BaseException:
            # A connect that fails gets no disconnect: give its place back here.
            self.members.pop(request.sid, None)
            service.leave(code, request.sid, outcome.phone_id)
            raise
        broadcaster().publish(code, outcome)

    def on_disconnect(self, *reason):
        """Leave the head count and the network's share (a reconnect joins both again)."""
        member = self.members.pop(request.sid, None)
        if member is None:
            kiosk().forget_connection(request.sid)
            return
        code, phone = member
        broadcaster().publish(code, kiosk().leave(code, request.sid, phone))

    def on_respond(self, data=None):
        """Answer the open prompt: `{prompt_id, value, answer_id?}`; acked after it is stored."""
        member = self.members.get(request.sid)
        if member is None:  # pragma: no cover - connect always registers first
            return error(NOT_JOINED)
        try:
            outcome = kiosk().respond(member[0], member[1], parse(Respond, data))
        except (BadMessage, AnswerError) as problem:
            return error(problem)
        except UnknownSession:
            return error(GONE)
        broadcaster().publish(member[0], outcome)
        stored = outcome.answer
        return ok(prompt_id=stored.prompt_id, value=stored.value, answer_id=stored.answer_id)

    def on_consent(self, data=None):
        """A private choice before a touch step: `{step_id, choice}`; the console sees counts."""
        member = self.members.get(request.sid)
        if member is None:  # pragma: no cover
            return error(NOT_JOINED)
        try:
            message = parse(ConsentChoice, data)
            outcome = kiosk().consent(member[0], member[1], message)
        except (BadMessage, ChoiceError) as problem:
            return error(problem)
        except UnknownSession:
            return error(GONE)
        broadcaster().publish(member[0], outcome)
        return ok(step_id=message.step_id, choice=message.choice)

    def on_signal(self, data=None):
        """A quiet signal: `{kind: need_moment | ok_again | done | undone}`; counted, not named."""
        member = self.members.get(request.sid)
        if member is None:  # pragma: no cover
            return error(NOT_JOINED)
        try:
            message = parse(Signal, data)
            outcome = kiosk().signal(member[0], member[1], message)
        except (BadMessage, ChoiceError) as problem:
            return error(problem)
        except UnknownSession:
            return error(GONE)
        broadcaster().publish(member[0], outcome)
        return ok(kind=message.kind)


GONE = N_("this session no longer exists")
NOT_JOINED = N_("not joined; reload the page")
