"""The `attune` command that `pip install .` makes: `python app.py`, from any folder.

gevent must patch the standard library before anything else imports it, as `python app.py`
does at its top; so app.py is imported only after that, here.
"""

from __future__ import annotations


def main() -> int:
    """Start the kiosk as `python app.py` does; returns its exit status."""
    from gevent import monkey

    monkey.patch_all()

    import app

    return app.main()
