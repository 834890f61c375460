"""The one base class of every error the kiosk raises on purpose."""

from __future__ import annotations


class AttuneError(Exception):
    """Something the kiosk refused or could not do, said in words.

    Every exception class of the kiosk derives from this one, beside the built-in class that
    says what kind of failure it is (`LookupError` for an unknown code, `ValueError` for a bad
    message, `RuntimeError` for a store that cannot write...), so code that catches either
    keeps working. Each subclass carries a message a person can act on: the participant,
    facilitator or operator who reads it learns what went wrong and what to do next.

    Not under it: HTTP answers, which derive from werkzeug's `HTTPException` (their description
    is the page), and exceptions private to one module that never leave it.
    """
