"""What a workshop file says reaches the terminal as text, never as terminal control sequences."""

import re

import pytest

from app import main
from app import terminal_safe
from harness.live import LiveServer
from tests.conftest import TINY

# ESC, BEL and CSI (C1), bidirectional overrides: anything a terminal would act on.
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Clear the screen, set the window title, go red, 8-bit CSI, reverse the rest of the line.
HOSTILE_TITLE = r"Calm\e[2J\e]0;owned\a \e[31mred \x9b1A up \u202Eesrever"


@pytest.mark.parametrize(
    "text, shown",
    [
        ("Calm and Connect", "Calm and Connect"),
        ("Café ☕ 👩‍👩‍👧 — ok", "Café ☕ 👩‍👩‍👧 — ok"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("bell\x07", "bell\\x07"),
        ("csi\x9b31m", "csi\\x9b31m"),
        ("del\x7f", "del\\x7f"),
        ("\u202eesrever", "\\u202eesrever"),
        ("two\nlines\ttab", "two\\nlines\\ttab"),
    ],
)
def test_terminal_safe_escapes_only_what_a_terminal_would_act_on(text, shown):
    assert terminal_safe(text) == shown


def test_terminal_safe_can_keep_line_breaks():
    assert terminal_safe("one\ntwo\x1b[K", keep_newlines=True) == "one\ntwo\\x1b[K"


def test_a_rejected_workshop_file_is_reported_without_its_escape_codes(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'id: bad\ntitle: Bad\n"sneaky\\e]0;owned\\a\\e[2J": 1\nsteps:\n  - {id: one, title: One}\n',
        encoding="utf-8",
    )
    assert main(["--workshop", str(bad), "--db", str(tmp_path / "x.db")]) == 2
    err = capsys.readouterr().err
    assert "Cannot start" in err and "sneaky\\x1b]0;owned\\x07\\x1b[2J" in err
    assert not RAW_CONTROLS.search(err), repr(err)


def test_the_start_up_banner_shows_a_hostile_title_as_text(tmp_path):
    workshop = tmp_path / "hostile.yaml"
    workshop.write_text(
        TINY.read_text(encoding="utf-8").replace(
            "title: Tiny test workshop", f'title: "{HOSTILE_TITLE}"', 1
        ),
        encoding="utf-8",
    )
    server = LiveServer(tmp_path / "hostile.db", workshop=workshop).start()
    try:
        printed = server.log.read_text(encoding="utf-8")
    finally:
        server.kill()
    running = next(line for line in printed.splitlines() if "Attune is running" in line)
    assert "Calm\\x1b[2J\\x1b]0;owned\\x07 \\x1b[31mred \\x9b1A up \\u202eesrever" in running
    assert not RAW_CONTROLS.search(printed), repr(printed[:300])
