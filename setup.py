"""The wheel's build step that pyproject.toml cannot say: the browser libraries' copies.

The pages import socket.io-client's ES module from /vendor (no CDN). In a checkout it is
served from node_modules (what `npm ci` installed); the wheel carries a copy of each file of
transport/resources.py's VENDOR_FILES in attune/vendor, made here from node_modules when the
wheel is built, so that nothing of it is committed. An editable install (`make setup`) needs
no copy: it serves the checkout's.
"""

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

# The one list of the browser libraries the pages load (it imports nothing but the stdlib).
from transport.resources import VENDOR_FILES  # noqa: E402


class BuildWithBrowserLibraries(build_py):
    """build_py, then the browser libraries (socket.io-client's ES module) into attune/vendor."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        sources = {
            name: ROOT / "node_modules" / folder / name for name, folder in VENDOR_FILES.items()
        }
        missing = [str(path) for path in sources.values() if not path.is_file()]
        if missing:
            raise SystemExit(
                f"Cannot build the wheel: {', '.join(missing)} missing. Run `npm ci` first "
                "(the pages load these browser libraries)."
            )
        vendor = Path(self.build_lib) / "attune" / "vendor"
        vendor.mkdir(parents=True, exist_ok=True)
        for name, source in sources.items():
            shutil.copyfile(source, vendor / name)


setup(cmdclass={"build_py": BuildWithBrowserLibraries})
