"""The settings schema in the app: the config, the heartbeat and message cap, --help, refusals."""

import pytest

import app as kiosk_app
from app import create_app
from tests.conftest import ADMIN_KEY
from tests.conftest import TINY
from transport.settings import Settings
from transport.settings import SettingsError
from transport.settings import env_name


def _kiosk(tmp_path, **config):
    return create_app(
        {
            "DB": str(tmp_path / "kiosk.db"),
            "ADMIN_KEY": ADMIN_KEY,
            "WORKSHOP": str(TINY),
            "PUBLIC_URL": "http://kiosk.test",
            **config,
        }
    )


def test_the_heartbeat_and_the_message_cap_are_settable(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_PING_INTERVAL", "7")
    monkeypatch.setenv("KIOSK_PING_TIMEOUT", "4")
    monkeypatch.setenv("KIOSK_MAX_MESSAGE_BYTES", "4096")
    app = _kiosk(tmp_path)
    eio = app.extensions["socketio"].server.eio
    assert (eio.ping_interval, eio.ping_timeout) == (7, 4)
    assert eio.max_http_buffer_size == 4096
    assert app.config["MAX_MESSAGE_BYTES"] == 4096


def test_by_default_the_heartbeat_is_15_and_10_seconds_and_messages_16_kib(tmp_path):
    app = _kiosk(tmp_path)
    eio = app.extensions["socketio"].server.eio
    assert (eio.ping_interval, eio.ping_timeout, eio.max_http_buffer_size) == (15, 10, 16384)
    assert "JSON_SORT_KEYS" not in app.config  # Flask 3.1 ignores it: no longer set


def test_a_wrong_value_stops_create_app_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_GUESS_LIMIT", "-3")
    with pytest.raises(SettingsError, match=r"KIOSK_GUESS_LIMIT = '-3'.*at least 1"):
        _kiosk(tmp_path)


def test_a_wrong_value_stops_the_kiosk_at_start_up_in_words(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("KIOSK_DB", str(tmp_path / "never.db"))
    monkeypatch.setenv("KIOSK_PING_TIMEOUT", "soon")
    assert kiosk_app.main([]) == 2
    said = capsys.readouterr().err
    assert said.startswith("Cannot start: invalid settings:")
    assert "KIOSK_PING_TIMEOUT = 'soon'" in said and "expected a whole number" in said
    assert not (tmp_path / "never.db").exists()


def test_a_wrong_option_is_named(capsys):
    assert kiosk_app.main(["--port", "0"]) == 2
    assert "--port (KIOSK_PORT) = '0'" in capsys.readouterr().err


def test_help_lists_every_option_and_variable(capsys):
    with pytest.raises(SystemExit) as done:
        kiosk_app.parse_args(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for name in Settings.model_fields:
        assert env_name(name) in text
    for option in ("--host", "--port", "--db", "--workshop", "--public-url", "--no-secrets"):
        assert option in text
    assert "--new-admin-key" in text
