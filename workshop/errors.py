"""The one base class of every error the kiosk raises on purpose, and the mark `N_`."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message the kiosk sends to a page as a key, for each page to translate.

    The same no-op as transport/i18n.py's (workshop/ imports neither flask nor transport):
    extraction (tools/i18n.py) finds the mark, so the message lands in the catalogues and in
    every page's JSON catalogue; the page translates it with its parameters (i18n.js `say`).
    """
    return message


class AttuneError(Exception):
    """Something the kiosk refused or could not do, said in words.

    Every exception class of the kiosk derives from this one, beside the built-in class that
    says what kind of failure it is (`LookupError` for an unknown code, `ValueError` for a bad
    message, `RuntimeError` for a store that cannot write...), so code that catches either
    keeps working. Each subclass carries a message a person can act on: the participant,
    facilitator or operator who reads it learns what went wrong and what to do next.

    A message marked `N_` with `{name}` placeholders and its parameters as keywords
    (`AnswerError(N_("Choose a number from {min} to {max}."), min=1, max=5)`) travels to a
    page as a key (`message`: `{key, params}`) that the page translates; `str(e)` stays the
    English text with the parameters filled in (logs, API clients, the `error` field).

    Not under it: HTTP answers, which derive from werkzeug's `HTTPException` (their description
    is the page), and exceptions private to one module that never leave it.
    """

    def __init__(self, *args, **params):
        if len(args) == 1 and isinstance(args[0], str):
            self.key: str | None = args[0]
            text = args[0].format(**params) if params else args[0]
            super().__init__(text)
        else:
            self.key = None  # a subclass with arguments of its own: its text is the key
            super().__init__(*args)
        self.params: dict = params

    @property
    def message(self) -> dict:
        """`{key, params}`: what a page translates (i18n.js `say`) to show this error."""
        key = self.key if self.key is not None else str(self)
        return {"key": key, "params": self.params}
