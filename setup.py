"""The wheel's build step that pyproject.toml cannot say: socket.io-client's browser build.

The pages import socket.io-client's ES module from /vendor (no CDN). In a checkout it is
served from node_modules (what `npm ci` installed); the wheel carries a copy in
attune/vendor, made here from node_modules when the wheel is built, so that nothing of it
is committed. An editable install (`make setup`) needs no copy: it serves the checkout's.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SOCKET_IO_DIST = ROOT / "node_modules" / "socket.io-client" / "dist"
SOCKET_IO_FILES = ("socket.io.esm.min.js", "socket.io.esm.min.js.map")


class BuildWithBrowserLibraries(build_py):
    """build_py, then socket.io-client's ES module copied into attune/vendor."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        missing = [name for name in SOCKET_IO_FILES if not (SOCKET_IO_DIST / name).is_file()]
        if missing:
            raise SystemExit(
                f"Cannot build the wheel: {', '.join(missing)} not in {SOCKET_IO_DIST}. "
                "Run `npm ci` first (the pages need socket.io-client)."
            )
        vendor = Path(self.build_lib) / "attune" / "vendor"
        vendor.mkdir(parents=True, exist_ok=True)
        for name in SOCKET_IO_FILES:
            shutil.copyfile(SOCKET_IO_DIST / name, vendor / name)


setup(cmdclass={"build_py": BuildWithBrowserLibraries})
