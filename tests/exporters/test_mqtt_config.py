"""upskit-mqtt.conf and the TOML [mqtt] table: values, defaults, errors with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from upskit.config.integrations import MqttSettings
from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import ConfigError
from upskit.config.toml import load_toml


def test_nut_style_file(tmp_path: Path) -> None:
    (tmp_path / "upskit-mqtt.conf").write_text(
        "# the broker\nBROKER broker.lan\nUSERNAME upskit\nPASSWORD \"p w\"\nTLS yes\n"
        "CAFILE /etc/ssl/ca.pem\nTOPIC ups/site1/\nDISCOVERY_PREFIX ha\n"
        "COMMAND_USER ha\nCOMMAND_USER ops\nBUTTONS beeper.toggle\nBUTTONS shutdown.return\n"
        "QUEUE 50\nRECONNECT_MAX 2m\nKEEPALIVE 20\nCLIENT_ID upskit-a\n")
    mqtt = load_nut_dir(tmp_path).mqtt
    assert mqtt == MqttSettings(
        enabled=True, host="broker.lan", port=None, username="upskit", password="p w",
        tls=True, cafile="/etc/ssl/ca.pem", topic="ups/site1", discovery_prefix="ha",
        command_users=["ha", "ops"], buttons=["beeper.toggle", "shutdown.return"],
        queue=50, reconnect_max=120.0, keepalive=20, client_id="upskit-a")
    assert mqtt.broker_port == 8883
    assert mqtt.origin.endswith("upskit-mqtt.conf:2")


def test_off_without_the_file(tmp_path: Path) -> None:
    mqtt = load_nut_dir(tmp_path).mqtt
    assert not mqtt.enabled and mqtt.broker_port == 1883


@pytest.mark.parametrize(("text", "line", "message"), [
    ("BROKER a\nBROKER b\n", 2, "BROKER given twice"),
    ("BROKER a:99999\n", 1, "TCP port number"),
    ("BROKER\n", 1, "BROKER needs 1 argument"),
    ("BROKER a\nTOPIC up/+\n", 2, 'without "+" or "#"'),
    ("BROKER a\nQUEUE 0\n", 2, "QUEUE"),
    ("BROKER a\nTLS maybe\n", 2, "needs yes or no"),
    ("BROKER a\nRECONNECT_MAX soon\n", 2, "duration"),
])
def test_file_errors_name_file_and_line(tmp_path: Path, text: str, line: int,
                                        message: str) -> None:
    (tmp_path / "upskit-mqtt.conf").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_nut_dir(tmp_path)
    assert info.value.file.endswith("upskit-mqtt.conf") and info.value.line == line
    assert message in info.value.message


def test_unknown_directive_is_a_warning_or_strict_error(tmp_path: Path) -> None:
    (tmp_path / "upskit-mqtt.conf").write_text("BROKER a\nBROKR b\n")
    assert load_nut_dir(tmp_path).mqtt.host == "a"
    with pytest.raises(ConfigError, match=r"upskit-mqtt\.conf:2"):
        load_nut_dir(tmp_path, strict=True)


def test_toml_table(tmp_path: Path) -> None:
    path = tmp_path / "upskit.toml"
    path.write_text('[mqtt]\nbroker = "[::1]:1884"\ncommand_users = "ha ops"\n'
                    'buttons = ["beeper.toggle"]\ntls = false\nreconnect_max = "10s"\n')
    mqtt = load_toml(path).mqtt
    assert (mqtt.enabled, mqtt.host, mqtt.port) == (True, "::1", 1884)
    assert mqtt.command_users == ["ha", "ops"] and mqtt.buttons == ["beeper.toggle"]
    assert mqtt.reconnect_max == 10.0
    path.write_text('[mqtt]\nenabled = false\nbroker = "b"\n')
    assert not load_toml(path).mqtt.enabled


@pytest.mark.parametrize(("text", "line", "message"), [
    ('[mqtt]\nbroker = "b"\nbrokr = "c"\n', 3, 'unknown key "brokr" in [mqtt]'),
    ('[mqtt]\nbroker = "b"\nqueue = -1\n', 3, "mqtt.queue"),
    ('[mqtt]\nbroker = "b"\ncommand_users = 3\n', 3, "list of names"),
    ("mqtt = 1\n", 1, "[mqtt] must be a table"),
])
def test_toml_errors_name_file_and_line(tmp_path: Path, text: str, line: int,
                                        message: str) -> None:
    path = tmp_path / "upskit.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_toml(path)
    assert (info.value.file, info.value.line) == (str(path), line)
    assert message in info.value.message


def test_toml_writer_round_trip(tmp_path: Path) -> None:
    from upskit.config.toml import dump_toml, parse_toml

    (tmp_path / "upskit-mqtt.conf").write_text(
        "BROKER [::1]:1884\nUSERNAME u\nPASSWORD p\nTLS yes\nCOMMAND_USER ha\n"
        "BUTTONS beeper.toggle\nQUEUE 5\n")
    (tmp_path / "upskit-notify.conf").write_text(
        "NOTIFY json://h/x ONBATT+ONLINE\nNOTIFY ntfy://ntfy.sh/t\nTIMEOUT 5\n")
    settings = load_nut_dir(tmp_path)
    text = dump_toml(settings)
    again = parse_toml(text, "dumped.toml")
    assert again.mqtt == settings.mqtt and again.notify == settings.notify
    assert "[mqtt]" in text and "[[notify.target]]" in text
    (tmp_path / "none").mkdir()
    plain = load_nut_dir(tmp_path / "none")
    assert "mqtt" not in dump_toml(plain) and "notify" not in dump_toml(plain)
