"""Where the kiosk's files are: beside app.py in a checkout, inside the package when installed.

A checkout (`make run`, `python app.py`, an editable install) serves `templates/` and
`static/` from the top of the checkout, the browser libraries (socket.io-client's ES module)
from `node_modules/` (what `npm ci` installed), and keeps its database in `instance/`.

A wheel (`pip install .`, the `attune` command) carries the same files as package data of
the `attune` package, which holds nothing else: `attune/templates`, `attune/static`, and
`attune/vendor` for the browser libraries (`VENDOR_FILES`), copied there from `node_modules/`
when the wheel is built (setup.py). They are found through `importlib.resources`, so
site-packages gets no folders called `templates` or `static`. The database then goes to the
user's data folder (`$XDG_DATA_HOME/attune/`, by default `~/.local/share/attune/`), so that
`attune` started from any folder reopens the same session, as `make run` does.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

# The checkout when this runs from one; site-packages when installed.
ROOT = Path(__file__).resolve().parent.parent
# Browser libraries served under /vendor/<name>: each file's folder under node_modules, where
# npm installs it. The wheel carries each in attune/vendor (setup.py copies them); a library a
# page starts to use is added here, and nowhere else.
VENDOR_FILES = {
    "socket.io.esm.min.js": "socket.io-client/dist",
    "socket.io.esm.min.js.map": "socket.io-client/dist",
    # The studio's drag and drop (mouse and touch), as an ES module.
    "sortable.core.esm.js": "sortablejs/modular",
}


def in_checkout() -> bool:
    """Whether the kiosk runs from a checkout (its pyproject.toml and templates beside app.py)."""
    return (ROOT / "pyproject.toml").is_file() and (ROOT / "templates").is_dir()


def _packaged(folder: str) -> Path:
    """A folder of the installed `attune` package's data."""
    return Path(str(importlib.resources.files("attune").joinpath(folder)))


def templates_folder() -> Path:
    """The Jinja templates."""
    return ROOT / "templates" if in_checkout() else _packaged("templates")


def static_folder() -> Path:
    """Styles, ES modules, icons and sounds, served under /static."""
    return ROOT / "static" if in_checkout() else _packaged("static")


def translations_folder() -> Path:
    """The gettext catalogues, `<lang>/LC_MESSAGES/messages.po` (transport/i18n.py)."""
    return ROOT / "translations" if in_checkout() else _packaged("translations")


def vendor_file(name: str) -> Path | None:
    """Where the browser library file served as /vendor/`name` is; None for any other name."""
    folder = VENDOR_FILES.get(name)
    if folder is None:
        return None
    if in_checkout():
        return ROOT / "node_modules" / folder / name
    return _packaged("vendor") / name


def user_data_folder() -> Path:
    """The user's folder for the kiosk's data when installed: $XDG_DATA_HOME/attune."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "attune"


def default_database() -> Path:
    """The SQLite file when KIOSK_DB is not set: instance/ in a checkout, else the user's."""
    if in_checkout():
        return ROOT / "instance" / "attune.db"
    return user_data_folder() / "attune.db"


def default_database_shown() -> str:
    """`default_database` as the README and --help tell it."""
    return (
        "`instance/attune.db` in a checkout; installed: `$XDG_DATA_HOME/attune/attune.db` "
        "(`~/.local/share/attune/attune.db`)"
    )
