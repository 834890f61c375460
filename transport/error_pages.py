"""HTTP refusals in the reader's language: error pages for people, JSON with keys for programs.

An error page is read by a person, so it is translated on the server for the request's
language (transport/i18n.py): its heading by status, and its words from the message the code
that refused gave (`refuse`), or, for werkzeug's own refusals (an unknown address, a wrong
method), from ours for that status. The JSON API keeps its English `error` (API clients and
docs rely on it) and adds `message: {key, params}`, which the kiosk's pages translate in
their own language (static/js/i18n.js `say`): a page's `fetch` may not ask in the page's
language (the console follows its workshop's), the key lets the page decide.
"""

from __future__ import annotations

from typing import NoReturn

from flask import jsonify
from flask import render_template
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import default_exceptions

from transport.i18n import N_
from transport.i18n import translate_message

# The heading of each status's page, for people (werkzeug's names are the protocol's).
HEADINGS = {
    400: N_("Something in this request is not right"),
    401: N_("Sign in first"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not possible here"),
    410: N_("Gone"),
    413: N_("Too much at once"),
    429: N_("Wait a moment"),
}
OTHER_HEADING = N_("Something went wrong")

# What a page says for werkzeug's own refusals, which come with an English description.
DEFAULT_WORDS = {
    400: N_("The kiosk could not read this request. Go back and try again."),
    401: N_("Sign in on the facilitator home with the admin key, then try again."),
    403: N_("This cannot be done from here. Open the kiosk's own pages and try again."),
    404: N_(
        "There is no page at this address. Check the address, or type the join code on the "
        "kiosk's first page."
    ),
    405: N_("This address cannot be used like this. Go back and try again."),
    413: N_("What was sent is too large for the kiosk. Send less at once."),
    429: N_("Too many requests came from your network just now. Wait a moment and try again."),
}
OTHER_WORDS = N_(
    "The kiosk ran into a problem. Reload the page; if it happens again, tell whoever runs "
    "the kiosk."
)


def refuse(status: int, message: str, **params) -> NoReturn:
    """Stop the request with `status`; `message` (marked `N_`, `{name}` placeholders) says why.

    Pages show it translated; the JSON API sends it in English with its key.

    :raise HTTPException: always, werkzeug's class for `status`.
    """
    raise with_message(default_exceptions[status](), message, **params)


def with_message(error: HTTPException, message: str, **params) -> HTTPException:
    """`error`, saying `message` (marked `N_`): its description in English, its key kept."""
    error.description = message.format(**params) if params else message
    error.attune_message = (message, params)
    return error


def message_of(error: Exception) -> tuple[str, dict]:
    """The key and parameters of a kiosk error (AttuneError, #17), or its text as the key."""
    key = getattr(error, "key", None)
    if isinstance(key, str) and key:
        return key, dict(getattr(error, "params", None) or {})
    return str(error), {}


def page_heading(error: HTTPException) -> str:
    """The page's heading, in the request's language."""
    own = getattr(error, "attune_heading", None)
    return translate_message(own or HEADINGS.get(error.code, OTHER_HEADING))


def page_words(error: HTTPException) -> str:
    """What happened and what to do, in the request's language."""
    given = getattr(error, "attune_message", None)
    if given:
        message, params = given
        return translate_message(message, params)
    # Only a description werkzeug wrote itself is replaced; an English one someone passed
    # without a key (none of ours) is shown as it is rather than lost.
    if error.description == type(error).description or error.code >= 500:
        return translate_message(DEFAULT_WORDS.get(error.code, OTHER_WORDS))
    return error.description or translate_message(OTHER_WORDS)


def error_page(error: HTTPException, words: str | None = None) -> str:
    """The error page people read for `error` (templates/error.html); `words`, translated
    already, in place of the error's own."""
    return render_template(
        "error.html",
        code=error.code,
        heading=page_heading(error),
        words=words or page_words(error),
        retry_after=getattr(error, "retry_after", None),
    )


def json_refusal(error: HTTPException):
    """The JSON API's answer for `error`: English `error`, and its key when it has one."""
    body = {"ok": False, "error": error.description}
    given = getattr(error, "attune_message", None)
    if given:
        body["message"] = {"key": given[0], "params": given[1]}
    return jsonify(body)
