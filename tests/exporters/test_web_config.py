"""The [http]/[history] settings: upskit-http.conf beside upsd.conf, the TOML tables,
durations; off unless configured."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from upskit.config.nutfiles import load_nut_dir
from upskit.config.parser import tokenize
from upskit.config.settings import ConfigError, Settings
from upskit.config.toml import parse_toml
from upskit.config.values import BadValue
from upskit.config.web_conf import duration, parse_web_conf


def web(text: str, strict: bool = False) -> object:
    return parse_web_conf(list(tokenize(text, "upskit-http.conf")), "upskit-http.conf",
                          strict=strict)


def test_off_and_on_loopback_unless_told() -> None:
    assert Settings().web.http.enabled is False
    assert Settings().web.history.enabled is False
    settings = web("LISTEN 127.0.0.1\n")
    assert settings.http.enabled and (settings.http.host, settings.http.port) == \
        ("127.0.0.1", 9199)  # type: ignore[attr-defined]


def test_the_nut_style_file() -> None:
    settings = web("LISTEN [::1] 8080\nTLS yes\nCERTFILE /etc/nut/web.pem\n"
                   "HISTORY_PATH /srv/h.sqlite\nHISTORY_INTERVAL 30s\nHISTORY_RETENTION 2w\n"
                   "HISTORY on\n")
    http, history = settings.http, settings.history  # type: ignore[attr-defined]
    assert (http.host, http.port, http.tls, http.certfile) == ("::1", 8080, True,
                                                               "/etc/nut/web.pem")
    assert http.origin == "upskit-http.conf:1"
    assert (history.path, history.interval, history.retention, history.enabled) == \
        ("/srv/h.sqlite", 30.0, 14 * 86400.0, True)


@pytest.mark.parametrize(("text", "message"), [
    ("\nLISTEN 127.0.0.1 99999\n", "upskit-http.conf:2: LISTEN port"),
    ("LISTEN 127.0.0.1\nLISTEN ::1\n", "upskit-http.conf:2: LISTEN given twice"),
    ("LISTEN a b c\n", "upskit-http.conf:1: LISTEN needs 1 to 2 arguments"),
    ("TLS maybe\n", "upskit-http.conf:1: TLS needs yes or no"),
    ("\n\nHISTORY_RETENTION forever\n", "upskit-http.conf:3: HISTORY_RETENTION needs a "
                                        "duration"),
    ("HISTORY_INTERVAL 0\n", "upskit-http.conf:1: HISTORY_INTERVAL needs a duration above 0"),
])
def test_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        web(text)
    assert str(caught.value).startswith(message)


def test_unknown_directives_warn_or_fail_when_strict(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        web("LISTEN 127.0.0.1\nPORT 80\n")
    assert 'upskit-http.conf:2: unknown directive "PORT" ignored' in caplog.text
    with pytest.raises(ConfigError, match=r"upskit-http\.conf:2"):
        web("LISTEN 127.0.0.1\nPORT 80\n", strict=True)


def test_read_beside_upsd_conf(tmp_path: Path) -> None:
    (tmp_path / "upsd.conf").write_text("LISTEN 127.0.0.1 3493\n")
    assert load_nut_dir(tmp_path).web.http.enabled is False
    (tmp_path / "upskit-http.conf").write_text("LISTEN 0.0.0.0 8000\n")
    settings = load_nut_dir(tmp_path)
    assert (settings.web.http.enabled, settings.web.http.host, settings.web.http.port) == \
        (True, "0.0.0.0", 8000)


def test_toml_tables() -> None:
    settings = parse_toml('[http]\nlisten = "0.0.0.0:8080"\ntls = true\n'
                          '[history]\nretention = "90d"\ninterval = 15\n', "upskit.toml")
    assert (settings.web.http.enabled, settings.web.http.host, settings.web.http.port,
            settings.web.http.tls) == (True, "0.0.0.0", 8080, True)
    assert (settings.web.history.retention, settings.web.history.interval) == \
        (90 * 86400.0, 15.0)
    assert parse_toml("[http]\nenabled = false\n", "u.toml").web.http.enabled is False
    assert parse_toml("[http]\n", "u.toml").web.http.port == 9199


@pytest.mark.parametrize(("text", "message"), [
    ('[http]\nlisten = "host:0x"\n', "u.toml:2: http.listen port"),
    ("[http]\n\nport = 80\n", 'u.toml:3: unknown key "port" in [http]'),
    ('[history]\nretention = "soon"\n', "u.toml:2: history.retention needs a duration"),
    ('http = "yes"\n', "u.toml:1: [http] must be a table"),
])
def test_toml_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_toml(text, "u.toml")
    assert str(caught.value).startswith(message)


def test_durations() -> None:
    assert [duration(v) for v in ("90", "30s", "5m", "2h", "7d", "1w", "1y", 12, 1.5)] == \
        [90, 30, 300, 7200, 604800, 604800, 365 * 86400, 12, 1.5]
    for bad in ("", "h", "2 hours", "-1", True, -3):
        with pytest.raises(BadValue):
            duration(bad)


def test_the_database_path_follows_the_state_directory() -> None:
    history = Settings().web.history
    assert history.database({}) == "/var/lib/upskit/history.sqlite"
    assert history.database({"STATE_DIRECTORY": "/var/lib/ups:/x"}) == \
        "/var/lib/ups/history.sqlite"
    history.path = "/tmp/h.sqlite"
    assert history.database({"STATE_DIRECTORY": "/x"}) == "/tmp/h.sqlite"
