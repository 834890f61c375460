"""The /facilitator and /screen namespaces: the console drives, the projector follows."""

from __future__ import annotations

from flask import request
from flask_socketio import join_room

from facilitator.home import admin_cookie_valid
from facilitator.home import sign_in_ended
from transport.guessing import TooManyGuesses
from transport.guessing import console_token_valid
from transport.i18n import refused
from transport.realtime import AttuneNamespace
from transport.realtime import broadcaster
from transport.realtime import error
from transport.realtime import kiosk
from transport.realtime import ok
from transport.realtime import reply
from workshop.errors import N_
from workshop.messages import COMMAND_ADAPTER
from workshop.messages import BadMessage
from workshop.messages import FacilitatorAuth
from workshop.messages import ScreenAuth
from workshop.messages import parse
from workshop.service import UnknownSession
from workshop.session import CommandError


class FacilitatorNamespace(AttuneNamespace):
    """Events of the console. Auth: `{code, token}`; only the right token connects."""

    role = "facilitator"
    # A presenter mashing the arrow keys is fine; a script flooding commands is not.
    burst = 30
    per_second = 10.0

    def on_connect(self, auth=None):
        """Check the facilitator token, join the session's room and receive its state."""
        try:
            credentials = parse(FacilitatorAuth, auth)
        except BadMessage as problem:
            raise refused(N_("cannot open the console: {problem}"), problem=str(problem)) from None
        service = kiosk()
        snapshot = service.find(credentials.code)
        # A browser signed in on the facilitator home may open any console without a token.
        signed_in = admin_cookie_valid() and snapshot is not None
        if not signed_in:
            if not credentials.token:
                if sign_in_ended():
                    raise refused(
                        N_(
                            "your sign-in on this browser has ended: sign in again on the "
                            "kiosk's /home page with the admin key, then open this console "
                            "from there"
                        )
                    )
                raise refused(
                    N_(
                        "this console opens with its full link (printed when the session was "
                        "created), or from the kiosk's /home page after signing in with the "
                        "admin key"
                    )
                )
            # One refusal for both cases, so the console link cannot be used to probe for codes.
            try:
                valid = console_token_valid(snapshot, credentials.token)
            except TooManyGuesses as refusal:
                raise refusal.connection_refused() from None
            if not valid:
                raise refused(
                    N_(
                        "this console link is not valid: open the full link printed when the "
                        "session was created"
                    )
                )
        code = snapshot.code
        self.codes[request.sid] = code
        join_room(code)
        reply("state", service.view_of(snapshot, "facilitator"))

    def on_command(self, data=None):
        """Drive the session: `{action, ...}`; acked `{ok, version}` once saved and sent."""
        code = self.codes.get(request.sid)
        if code is None:  # pragma: no cover - connect always registers first
            return error(N_("not connected to a session; reload the console"))
        try:
            outcome = kiosk().command(code, parse(COMMAND_ADAPTER, data))
        except (BadMessage, CommandError) as problem:
            return error(problem)
        except UnknownSession:
            return error(N_("this session no longer exists"))
        broadcaster().publish(code, outcome)
        return ok(version=outcome.state.version)


class ScreenNamespace(AttuneNamespace):
    """Events of the projector screen. Auth: `{code}`; it only listens."""

    role = "screen"

    def on_connect(self, auth=None):
        """Join the session's room and receive its state."""
        try:
            credentials = parse(ScreenAuth, auth)
        except BadMessage as problem:
            raise refused(N_("cannot open the screen: {problem}"), problem=str(problem)) from None
        snapshot = self.admit(
            credentials.code,
            N_("unknown session code: open the screen link printed for the session"),
            signed_in=admin_cookie_valid(),
        )
        self.codes[request.sid] = snapshot.code
        join_room(snapshot.code)
        reply("state", kiosk().view_of(snapshot, "screen"))
