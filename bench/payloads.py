"""The floors send what Attune sends: the participant views of the workshop's first steps.

Built in-process from the same code that builds Attune's views (an in-memory store, the
built-in library), so a floor's `state` event has the size of Attune's for the same step.
"""

from __future__ import annotations

import json
from pathlib import Path

from workshop.messages import COMMAND_ADAPTER
from workshop.messages import parse
from workshop.script import load_library
from workshop.service import Kiosk
from workshop.sqlite_store import SqliteStore

WORKSHOP = "calm-and-connect"


def participant_views(steps: int, workshop: str = WORKSHOP) -> list[dict]:
    """The participant view on entering steps 0..steps (at most up to the last step)."""
    store = SqliteStore(":memory:")
    try:
        kiosk = Kiosk(store, load_library([]), public_url="http://127.0.0.1:8000")
        code = kiosk.create_session(workshop).code
        views = [kiosk.view(code, "participant")]
        last = len(kiosk.workshop_of(code).steps) - 1
        for _ in range(min(steps, last)):
            kiosk.command(code, parse(COMMAND_ADAPTER, {"action": "next"}))
            views.append(kiosk.view(code, "participant"))
        return views
    finally:
        store.close()


def write_payloads(path: Path, steps: int) -> Path:
    """Write the views as a JSON list for the floor servers."""
    path.write_text(json.dumps(participant_views(steps), separators=(",", ":")))
    return path
