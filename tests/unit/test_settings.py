"""The settings schema (transport/settings.py): defaults, the environment, checks, the README.

One schema gives `--help`, README.md's table and the app's configuration; a value a setting
cannot take stops the kiosk at start-up with a message naming the variable.
"""

from pathlib import Path

import pytest

from transport.settings import TABLE_END
from transport.settings import TABLE_START
from transport.settings import Settings
from transport.settings import SettingsError
from transport.settings import load
from transport.settings import markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readmes_table_is_the_schemas():
    text = README.read_text()
    table = text.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0].strip()
    assert table == markdown_table(), "run .venv/bin/python tools/settings_table.py"


def test_every_setting_is_in_the_table_once():
    table = markdown_table()
    for name in Settings.model_fields:
        assert table.count(f"| `KIOSK_{name}` |") == 1


def test_with_no_configuration_the_defaults_work():
    settings = load({}, environ={})
    assert settings["HOST"] == "0.0.0.0"
    assert settings["PORT"] == 8000
    assert settings["DB"].endswith("instance/attune.db")
    assert settings["PUBLIC_URL"].startswith("http://") and settings["PUBLIC_URL"].endswith(":8000")
    assert settings["PHONES_PER_ADDRESS"] == 250
    assert settings["PING_INTERVAL"] == 15 and settings["PING_TIMEOUT"] == 10
    assert settings["MAX_MESSAGE_BYTES"] == 16 * 1024
    assert settings["DIRECT_FANOUT"] is True and settings["FAST_CLOCK"] is True
    assert settings["QUIET_SECRETS"] is False
    assert "JSON_SORT_KEYS" not in settings


def test_the_environment_sets_each_setting_and_the_overrides_win():
    environ = {
        "KIOSK_PING_INTERVAL": "7",
        "KIOSK_PING_TIMEOUT": "4",
        "KIOSK_MAX_MESSAGE_BYTES": "4096",
        "KIOSK_DIRECT_FANOUT": "0",
        "KIOSK_QUIET_SECRETS": "yes",
        "KIOSK_MAX_PARTICIPANTS": "1000",
        "KIOSK_PORT": "9000",
        "KIOSK_HOST": "",  # empty: unset
    }
    settings = load({"PORT": 9100, "CLOCK": "a test's own key"}, environ=environ)
    assert (settings["PING_INTERVAL"], settings["PING_TIMEOUT"]) == (7, 4)
    assert settings["MAX_MESSAGE_BYTES"] == 4096
    assert settings["DIRECT_FANOUT"] is False and settings["QUIET_SECRETS"] is True
    assert settings["PHONES_PER_ADDRESS"] == 50  # follows KIOSK_MAX_PARTICIPANTS
    assert settings["PORT"] == 9100 and settings["PUBLIC_URL"].endswith(":9100")
    assert settings["HOST"] == "0.0.0.0"
    assert settings["CLOCK"] == "a test's own key"


@pytest.mark.parametrize(
    "variable, value, words",
    [
        ("KIOSK_PORT", "eighty", "a whole number from 1 to 65535"),
        ("KIOSK_PORT", "70000", "a whole number from 1 to 65535"),
        ("KIOSK_RETENTION_DAYS", "-1", "at least 0"),
        ("KIOSK_PHONES_PER_ADDRESS", "-5", "at least 0"),
        ("KIOSK_PING_INTERVAL", "0", "at least 1"),
        ("KIOSK_PING_TIMEOUT", "1.5", "a whole number"),
        ("KIOSK_MAX_MESSAGE_BYTES", "10", "at least 1024"),
        ("KIOSK_GUESS_WINDOW", "-60", "at least 1"),
        ("KIOSK_DIRECT_FANOUT", "maybe", "1 or 0"),
        ("KIOSK_QUIET_SECRETS", "loud", "1 or 0"),
        ("KIOSK_TRUSTED_PROXY_ADDRESSES", "10.0.0.0/24,proxy", "'proxy' is neither"),
        ("KIOSK_MESSAGE_QUEUE", "http://cache:6379", "not a Redis URL"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_variable_and_what_it_takes(variable, value, words):
    with pytest.raises(SettingsError) as refused:
        load({}, environ={variable: value})
    message = str(refused.value)
    assert f"{variable} = {value!r}" in message
    assert words in message


def test_a_wrong_option_is_named_with_its_variable():
    with pytest.raises(SettingsError) as refused:
        load({"PORT": "x"}, environ={}, options={"PORT": "--port"})
    assert "--port (KIOSK_PORT) = 'x'" in str(refused.value)


def test_a_message_queue_needs_a_shared_database():
    with pytest.raises(SettingsError, match="KIOSK_MESSAGE_QUEUE needs a shared database"):
        load({}, environ={"KIOSK_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0"})
    settings = load(
        {},
        environ={
            "KIOSK_MESSAGE_QUEUE": "redis://127.0.0.1:6379/0",
            "KIOSK_DB": "postgresql://attune@db/attune",
        },
    )
    assert settings["MESSAGE_QUEUE"].startswith("redis://")
