"""Every workshop a kiosk can run: the built-in files and the ones stored from the studio.

`WorkshopCatalog` is what the kiosk service holds as its `library`: a mapping from id to
workshop that looks in the built-in files first and the store second, so a session can start
with either and a stored workshop is seen by every process of a cluster as soon as it is saved.
Built-in workshops (`workshop/library/` and the `--workshop` file) are read-only here, and a
stored workshop cannot take a built-in one's id. A session copies the workshop it starts with,
so nothing done here changes a session that runs or ran.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
from collections.abc import Iterator
from collections.abc import Mapping

from workshop.errors import N_
from workshop.errors import AttuneError
from workshop.script import Workshop
from workshop.service import UnknownWorkshop
from workshop.stored_workshops import StoredWorkshops
from workshop.stored_workshops import WorkshopRecord
from workshop.timer import Clock
from workshop.timer import system_clock

# Enough for every facilitator of an organisation; a bound, so that a script gone wrong
# cannot fill the disk one workshop at a time.
MAX_STORED_WORKSHOPS = 500


def iso_utc(ms: int | None) -> str | None:
    """Milliseconds since the epoch as ISO 8601 in UTC (`2026-12-01T05:40:00.000Z`)."""
    if ms is None:
        return None
    moment = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class BuiltinWorkshop(AttuneError, PermissionError):
    """A built-in workshop cannot be replaced, deleted, or have its id taken."""

    def __init__(self, workshop_id: str):
        super().__init__(
            N_(
                "'{workshop_id}' is a built-in workshop, which cannot be changed here: "
                "duplicate it under another id and edit the copy"
            ),
            workshop_id=workshop_id,
        )


class WorkshopExists(AttuneError, FileExistsError):
    """A stored workshop has this id already."""

    def __init__(self, workshop_id: str):
        super().__init__(
            N_(
                "a workshop with the id '{workshop_id}' exists already: choose another id, or "
                "replace that workshop (PUT) if this is a new version of it"
            ),
            workshop_id=workshop_id,
        )


class CatalogFull(AttuneError, OverflowError):
    """The kiosk stores its most workshops already."""

    def __init__(self, most: int):
        super().__init__(
            N_(
                "This kiosk keeps at most {most} workshops and holds that many: delete one that "
                "is no longer used, then save again"
            ),
            most=most,
        )


def version_of(record: WorkshopRecord) -> str:
    """The version of a stored workshop: a fingerprint of what is stored and when it was.

    Every save makes a new one (a new JSON or a new time), so a save that names the version it
    was based on can be refused when another save came in between. It is the API's `version`
    and, quoted, its `ETag`.
    """
    stored = f"{record.updated_ms}:{record.workshop_json}".encode()
    return hashlib.sha256(stored).hexdigest()[:32]


class WorkshopChanged(AttuneError, RuntimeError):
    """A save based on one version of a workshop found another one stored: nothing was saved.

    `current` is the stored record, so the one who saved can be told when and which it is.
    """

    def __init__(self, current: WorkshopRecord):
        super().__init__(
            N_(
                "the workshop '{workshop_id}' was saved again (at {saved_at}) after the version "
                "this save is based on, and nothing was changed: load the saved version, or send "
                'this one again with If-Match: "{version}" to replace it'
            ),
            workshop_id=current.id,
            saved_at=iso_utc(current.updated_ms),
            version=version_of(current),
        )
        self.current = current


class WorkshopCatalog(Mapping[str, Workshop]):
    """Built-in workshops, then stored ones, by id; the stored ones can be changed."""

    def __init__(
        self,
        builtin: dict[str, Workshop],
        store: StoredWorkshops,
        clock: Clock = system_clock,
        max_stored: int = MAX_STORED_WORKSHOPS,
    ):
        self.builtin = dict(builtin)
        self.store = store
        self.clock = clock
        self.max_stored = max_stored
        # Stored workshops as parsed, by id, with the JSON they were parsed from: a listing
        # reads every stored workshop, and parsing each again would be wasted work.
        self._parsed: dict[str, tuple[str, Workshop]] = {}
        self._lock = threading.Lock()

    # -- the mapping ---------------------------------------------------------------------

    def __getitem__(self, workshop_id: str) -> Workshop:
        """The workshop with this id, built-in first. :raise KeyError: none has it."""
        found = self.builtin.get(workshop_id)
        if found is not None:
            return found
        record = self.store.get_workshop(workshop_id)
        if record is None:
            raise KeyError(workshop_id)
        return self._workshop(record)

    def __iter__(self) -> Iterator[str]:
        yield from self.builtin
        for record in self.store.list_workshops():
            if record.id not in self.builtin:
                yield record.id

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def values(self) -> list[Workshop]:
        """Every workshop, built-in first; the stored ones read in one query, not one each."""
        return [*self.builtin.values(), *(workshop for _, workshop in self.stored())]

    # -- reading -------------------------------------------------------------------------

    def is_builtin(self, workshop_id: str) -> bool:
        """Whether this id is a built-in workshop's (read-only)."""
        return workshop_id in self.builtin

    def stored(self) -> list[tuple[WorkshopRecord, Workshop]]:
        """Every stored workshop that no built-in one hides, with its record."""
        return [
            (record, self._workshop(record))
            for record in self.store.list_workshops()
            if record.id not in self.builtin
        ]

    def record(self, workshop_id: str) -> WorkshopRecord | None:
        """The stored record of a workshop (None for a built-in or unknown id)."""
        if workshop_id in self.builtin:
            return None
        return self.store.get_workshop(workshop_id)

    def parsed(self, record: WorkshopRecord) -> Workshop:
        """The workshop a stored record holds (parsed once per version)."""
        return self._workshop(record)

    def _workshop(self, record: WorkshopRecord) -> Workshop:
        with self._lock:
            cached = self._parsed.get(record.id)
        if cached is not None and cached[0] == record.workshop_json:
            return cached[1]
        workshop = Workshop.model_validate_json(record.workshop_json)
        with self._lock:
            self._parsed[record.id] = (record.workshop_json, workshop)
        return workshop

    # -- changing ------------------------------------------------------------------------

    def _record_now(self, workshop: Workshop) -> WorkshopRecord:
        """What to store of `workshop`, made and changed now.

        :raise BuiltinWorkshop: a built-in workshop has its id.
        """
        if workshop.id in self.builtin:
            raise BuiltinWorkshop(workshop.id)
        now = self.clock()
        return WorkshopRecord(
            id=workshop.id, workshop_json=workshop.model_dump_json(), created_ms=now, updated_ms=now
        )

    def add(self, workshop: Workshop) -> WorkshopRecord:
        """Store a new workshop (validated already: a `Workshop`).

        :raise BuiltinWorkshop: a built-in workshop has its id.
        :raise WorkshopExists: a stored workshop has its id.
        :raise CatalogFull: `max_stored` workshops are stored already.
        """
        record = self._record_now(workshop)
        try:
            self.store.add_workshop(record, self.max_stored)
        except KeyError:
            raise WorkshopExists(workshop.id) from None
        except OverflowError:
            raise CatalogFull(self.max_stored) from None
        return record

    def replace(self, workshop: Workshop, based_on: str | None = None) -> WorkshopRecord:
        """Replace a stored workshop with a new version of it (same id).

        `based_on`: the version (`version_of`) the new one was made from; it replaces only
        that version, never one saved since (by another tab or another facilitator). `"*"`
        or None: whatever version is stored.

        :raise BuiltinWorkshop: the id is a built-in workshop's.
        :raise UnknownWorkshop: no stored workshop has this id.
        :raise WorkshopChanged: the stored version is not `based_on`; nothing was written.
        """
        record = self._record_now(workshop)
        if based_on is None or based_on == "*":
            if not self.store.replace_workshop(record):
                raise UnknownWorkshop(workshop.id)
            return record
        current = self.store.get_workshop(workshop.id)
        if current is None:
            raise UnknownWorkshop(workshop.id)
        if version_of(current) != based_on:
            raise WorkshopChanged(current)
        if self.store.replace_workshop(record, expected=current):
            return record
        # Changed between the read and the write; or written by this very call, whose first
        # attempt committed before its connection was lost (the store runs it again).
        now = self.store.get_workshop(workshop.id)
        if now is None:
            raise UnknownWorkshop(workshop.id)
        if (now.workshop_json, now.updated_ms) == (record.workshop_json, record.updated_ms):
            return now
        raise WorkshopChanged(now)

    def delete(self, workshop_id: str) -> None:
        """Forget a stored workshop; sessions that ran it keep their own copy.

        :raise BuiltinWorkshop: the id is a built-in workshop's.
        :raise UnknownWorkshop: no stored workshop has this id.
        """
        if workshop_id in self.builtin:
            raise BuiltinWorkshop(workshop_id)
        if not self.store.delete_workshop(workshop_id):
            raise UnknownWorkshop(workshop_id)
        with self._lock:
            self._parsed.pop(workshop_id, None)
