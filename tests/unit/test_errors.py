"""Every exception class of the kiosk derives from one base, and keeps its built-in kind."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import socket

import pytest
from werkzeug.exceptions import HTTPException

import facilitator
import participant
import transport
import workshop
from transport.guessing import TooManyGuesses
from transport.security import NestedTooDeep
from transport.settings import SettingsError
from transport.wsgi_server import HeadersTooSlow
from workshop.admin import KeyConfigured
from workshop.authoring import WorkshopRejected
from workshop.authoring import WorkshopTooLarge
from workshop.catalog import BuiltinWorkshop
from workshop.catalog import CatalogFull
from workshop.catalog import WorkshopChanged
from workshop.catalog import WorkshopExists
from workshop.errors import AttuneError
from workshop.messages import BadMessage
from workshop.results import AnswerError
from workshop.room import NetworkShareFull
from workshop.room import SessionFull
from workshop.script import SchemaProblem
from workshop.script import StepConflict
from workshop.script import WorkshopError
from workshop.service import ChoiceError
from workshop.service import NoPhoneId
from workshop.service import UnknownSession
from workshop.service import UnknownWorkshop
from workshop.session import CommandError
from workshop.shared_room import SharedStateError
from workshop.store import StoreError
from workshop.store import VersionConflict

# Each class, with the built-in kind that code catching it relies on.
KINDS = [
    (UnknownSession, LookupError),
    (UnknownWorkshop, LookupError),
    (NoPhoneId, LookupError),
    (SessionFull, RuntimeError),
    (NetworkShareFull, RuntimeError),
    (ChoiceError, ValueError),
    (StoreError, RuntimeError),
    (SharedStateError, RuntimeError),
    (VersionConflict, RuntimeError),
    (KeyConfigured, RuntimeError),
    (WorkshopError, ValueError),
    (AnswerError, ValueError),
    (CommandError, ValueError),
    (BadMessage, ValueError),
    (NestedTooDeep, ValueError),
    (SettingsError, ValueError),
    (HeadersTooSlow, socket.timeout),
    (TooManyGuesses, Exception),
    (StepConflict, ValueError),
    (SchemaProblem, ValueError),
    (WorkshopRejected, ValueError),
    (WorkshopTooLarge, ValueError),
    (BuiltinWorkshop, PermissionError),
    (WorkshopExists, FileExistsError),
    (CatalogFull, OverflowError),
    (WorkshopChanged, RuntimeError),
]

# Exceptions defined in the kiosk that are not its errors, and why.
NOT_KIOSK_ERRORS = {
    # Private to the PostgreSQL store: caught in that module and turned into a retry or a
    # StoreError; never leaves it.
    "workshop.pg_store._ConnectionLost",
}


@pytest.mark.parametrize("error_class, kind", KINDS, ids=[c.__name__ for c, _ in KINDS])
def test_each_error_is_an_attune_error_of_its_kind(error_class, kind):
    assert issubclass(error_class, AttuneError)
    assert issubclass(error_class, kind)


def test_a_raised_error_is_caught_as_either_and_keeps_its_words():
    with pytest.raises(AttuneError, match="No workshop"):
        raise UnknownWorkshop("No workshop has the id 'breathe'")
    with pytest.raises(LookupError):
        raise UnknownWorkshop("breathe")


def _kiosk_modules():
    for package in (workshop, transport, facilitator, participant):
        yield package
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            yield importlib.import_module(module.name)


def test_every_exception_class_the_kiosk_defines_is_listed_here():
    """A new exception class must derive from AttuneError (or be an HTTP answer)."""
    defined = {
        f"{module.__name__}.{name}": value
        for module in _kiosk_modules()
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, BaseException)
        and value.__module__ == module.__name__
    }
    assert "workshop.snapshot.UnknownSession" in defined, "the walk must find the kiosk's errors"
    unlisted = {
        name
        for name, value in defined.items()
        if not issubclass(value, AttuneError)
        and not issubclass(value, HTTPException)
        and name not in NOT_KIOSK_ERRORS
    }
    assert not unlisted, f"derive these from workshop.errors.AttuneError: {sorted(unlisted)}"
    listed = {error_class for error_class, _ in KINDS}
    untested = {name for name, value in defined.items() if issubclass(value, AttuneError)}
    untested -= {f"{c.__module__}.{c.__name__}" for c in listed} | {"workshop.errors.AttuneError"}
    assert not untested, f"add these to KINDS with their built-in kind: {sorted(untested)}"
