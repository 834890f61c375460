"""A phone's own answers and consent choices, read for every phone that joins at the same time.

A phone that joins gets back what it chose before (its answers, its consent choices), so a
reload or a lost connection shows the same page. Read one phone at a time, a hall of
phones joining at once is thousands of reads in a second, each holding one of the process's
few database connections while its greenlet waits for the processor; the pool runs dry and
joins fail (bench.cluster, docs/performance.md). Here the phones of one session that ask
while a read is under way wait for it to end and are then read together, in one query per
table: at most one read per session at a time, however many phones join.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

from workshop.results import Answer
from workshop.store import Store


class OwnChoices(NamedTuple):
    """What one phone chose in a session: its answers and its consent choices by step id."""

    answers: list[Answer]
    consents: dict[str, str]


class _Batch:
    """The phones read together, and what was found (or what went wrong)."""

    def __init__(self):
        self.respondents: list[str] = []
        self.done = threading.Event()
        self.found: dict[str, OwnChoices] = {}
        self.error: BaseException | None = None


class OwnReads:
    """Reads phones' own choices in batches, one batch per session at a time."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        # code -> the batch still taking phones (not yet read)
        self._open: dict[str, _Batch] = {}
        # code -> the latest batch started, which the next one waits for
        self._latest: dict[str, _Batch] = {}

    def of(self, code: str, respondent: str) -> OwnChoices:
        """This phone's own choices, read with those of the phones that ask meanwhile.

        The read starts after the caller asked, so it sees every choice saved before.

        :raise StoreError: the store could not be read (every phone of the batch gets it).
        """
        with self._lock:
            batch = self._open.get(code)
            leading = batch is None
            if leading:
                batch = self._open[code] = _Batch()
                before = self._latest.get(code)
                self._latest[code] = batch
            batch.respondents.append(respondent)
        if not leading:
            batch.done.wait()
        else:
            if before is not None:
                before.done.wait()  # meanwhile, the phones that ask join this batch
            with self._lock:
                del self._open[code]  # closed: a phone that asks from now starts the next
            try:
                answers = self.store.answers_of_many(code, batch.respondents)
                consents = self.store.consents_of_many(code, batch.respondents)
                batch.found = {
                    each: OwnChoices(answers[each], consents[each]) for each in batch.respondents
                }
            except BaseException as error:
                batch.error = error
            finally:
                with self._lock:
                    if self._latest.get(code) is batch:
                        del self._latest[code]
                batch.done.set()
        if batch.error is not None:
            raise batch.error
        return batch.found[respondent]
