"""A real install: the wheel, in a virtual environment of its own, runs `attune` from anywhere.

The wheel is built from a copy of the checkout's committed-or-not files (as `pip install .`
would build it, offline: `pip wheel --no-deps --no-build-isolation` with this environment's
setuptools) and installed in a fresh virtual environment that reaches this environment's
packages through a `.pth` file, so nothing is downloaded and nothing of the checkout is on
its path. `attune` then starts in an empty folder: /healthz, the landing and phone pages and
every file they load (ES modules, socket.io-client's, styles, the icon) must answer 200.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from harness.live import free_port
from harness.pages import walk

ROOT = Path(__file__).resolve().parents[2]
# What a checkout holds that is not the project's source.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "build",
    "*.egg-info",
    "instance",
    "test-artifacts",
    "results",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
)


def _setuptools_builds_wheels() -> bool:
    """Whether this environment's setuptools builds wheels by itself (70.1 and later)."""
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built offline from a copy of the checkout (so no build/ is left in it)."""
    if not _setuptools_builds_wheels():
        pytest.fail(
            "this environment's setuptools cannot build a wheel offline: `make setup` installs "
            "the one constraints.txt pins",
            pytrace=False,
        )
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE, symlinks=True)
    # socket.io-client's build is copied into the wheel from here (setup.py).
    (source / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--wheel-dir",
            str(work / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = (work / "dist").glob("attune-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin/ folder."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    bin_dir = venv / "bin"
    python = bin_dir / "python"
    own = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # This environment's packages (Flask, gevent, pip, ...), after the venv's own: the wheel's
    # modules come first, and no .pth of this environment (its editable install) is read.
    shared = [entry for entry in sys.path if entry.endswith(("site-packages", "dist-packages"))]
    (Path(own) / "shared-environment.pth").write_text("\n".join(dict.fromkeys(shared)) + "\n")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return bin_dir


def _wait_for_links(process: subprocess.Popen, log: Path, url: str) -> str:
    """The phone page's path from the start-up text, once /healthz answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"attune exited with {process.returncode}:\n{log.read_text()}")
        joined = re.search(r"Phones join at\s+\S+?(/j/[A-Z0-9]+)", log.read_text())
        try:
            healthy = requests.get(f"{url}/healthz", timeout=2).status_code == 200
        except requests.ConnectionError:
            healthy = False
        if joined and healthy:
            return joined.group(1)
        time.sleep(0.2)
    pytest.fail(f"attune did not start within 60 s:\n{log.read_text()}")


@pytest.fixture
def attune(installed, tmp_path):
    """`attune` started in an empty folder, as someone who installed it would start it."""
    folder = tmp_path / "anywhere"
    folder.mkdir()
    port = free_port()
    data = tmp_path / "data"
    env = {
        "PATH": f"{installed}:{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(data),
        "KIOSK_HOST": "127.0.0.1",
        "KIOSK_PORT": str(port),
        "LANG": "C.UTF-8",
    }
    log = tmp_path / "attune.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["attune"],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        yield url, _wait_for_links(process, log, url), folder, data
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def test_the_wheel_carries_the_pages_the_library_and_socket_io(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "app.py",
        "transport/fanout.py",
        "transport/security.py",
        "transport/command.py",
        "workshop/library/calm-and-connect.yaml",
        "attune/templates/phone.html",
        "attune/static/js/phone.js",
        "attune/static/css/attune.css",
        "attune/static/favicon.svg",
        "attune/vendor/socket.io.esm.min.js",
    ):
        assert needed in names, needed
    # Nothing generic at the top of site-packages but the code's own packages.
    tops = {name.split("/")[0] for name in names if not name.startswith("attune-")}
    assert tops == {"app.py", "attune", "facilitator", "participant", "transport", "workshop"}


def test_attune_starts_from_any_folder_and_serves_every_file_its_pages_load(attune):
    url, phone_page, folder, data = attune
    health = requests.get(f"{url}/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["ok"] is True
    # Installed, the database goes to the user's data folder, not the folder it started in.
    assert (data / "attune" / "attune.db").is_file()
    assert list(folder.iterdir()) == []

    session = requests.Session()
    loaded = []

    def fetch(asset: str) -> tuple[int, str, str]:
        response = session.get(asset, timeout=10)
        loaded.append((asset.removeprefix(url), response.status_code))
        return response.status_code, response.headers.get("Content-Type", ""), response.text

    for page in ("/", phone_page):
        response = session.get(f"{url}{page}", timeout=10)
        assert response.status_code == 200, page
        walk(f"{url}{page}", response.text, fetch)
    paths = {path for path, _status in loaded}
    assert {
        "/vendor/socket.io.esm.min.js",
        "/static/js/phone.js",
        "/static/js/connection.js",
        "/static/css/attune.css",
        "/static/favicon.svg",
    } <= paths
    assert [item for item in loaded if item[1] != 200] == []
