"""`python app.py` with the catalogues of another folder: `ATTUNE_TEST_TRANSLATIONS`.

For the language tests: harness/pseudo.py writes a catalogue in which every marked message is
wrapped in ⟦ ⟧, and this process serves it, so a test sees on the page which words nobody
marked. Everything else is the real entry point.
"""

from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import app  # noqa: E402

_create_app = app.create_app


def _create_app_with_test_translations(config=None):
    return _create_app({**(config or {}), "TRANSLATIONS": os.environ["ATTUNE_TEST_TRANSLATIONS"]})


app.create_app = _create_app_with_test_translations

if __name__ == "__main__":
    sys.exit(app.main(sys.argv[1:]))
