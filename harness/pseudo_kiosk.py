"""`python app.py`, speaking the pseudo-language of harness/pseudo.py as German.

For browser tests that look for text nobody marked for translation: the kiosk reads its
catalogues from the folder named by ATTUNE_PSEUDO_TRANSLATIONS (written by
`write_pseudo_catalogue`) instead of translations/. Everything else is the real entry point.
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import app  # noqa: E402

_create_app = app.create_app


def _create_app_in_pseudo(config=None):
    """The kiosk, with the pseudo-catalogues."""
    return _create_app({**(config or {}), "TRANSLATIONS": os.environ["ATTUNE_PSEUDO_TRANSLATIONS"]})


app.create_app = _create_app_in_pseudo

if __name__ == "__main__":
    sys.exit(app.main(sys.argv[1:]))
