"""upskit-notify.conf and the TOML [notify] table: targets, filters, errors with file and
line."""

from __future__ import annotations

from pathlib import Path

import pytest

from upskit.config.notify import NOTIFY_TYPES
from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import ConfigError
from upskit.config.toml import load_toml
from upskit.exporters.notify.service import _redacted, apprise_type


def test_nut_style_file(tmp_path: Path) -> None:
    (tmp_path / "upskit-notify.conf").write_text(
        'NOTIFY "ntfy://ntfy.sh/my-ups" ONBATT+online+LOWBATT\n'
        'NOTIFY "mailto://u:p@example.com"\nNOTIFY json://h/x ALL\n'
        'TITLE "{type} on {ups}"\nTIMEOUT 1m\nQUEUE 7\n')
    notify = load_nut_dir(tmp_path).notify
    assert notify.enabled
    assert [(t.url, sorted(t.events)) for t in notify.targets] == [
        ("ntfy://ntfy.sh/my-ups", ["LOWBATT", "ONBATT", "ONLINE"]),
        ("mailto://u:p@example.com", sorted(NOTIFY_TYPES)),
        ("json://h/x", sorted(NOTIFY_TYPES))]
    assert (notify.title, notify.timeout, notify.queue) == ("{type} on {ups}", 60.0, 7)
    assert notify.targets[0].origin.endswith("upskit-notify.conf:1")


@pytest.mark.parametrize(("text", "line", "message"), [
    ("NOTIFY json://h/x ONBAT\n", 1, 'unknown notification type "ONBAT"'),
    ("TIMEOUT 1\nNOTIFY ntfy.sh/topic\n", 2, "is not an Apprise URL"),
    ("NOTIFY\n", 1, "NOTIFY needs 1 to 2 arguments"),
    ("NOTIFY json://h/x ONBATT ONLINE\n", 1, "NOTIFY needs 1 to 2 arguments"),
    ("TIMEOUT 0\n", 1, "above 0"),
])
def test_file_errors_name_file_and_line(tmp_path: Path, text: str, line: int,
                                        message: str) -> None:
    (tmp_path / "upskit-notify.conf").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_nut_dir(tmp_path)
    assert info.value.file.endswith("upskit-notify.conf") and info.value.line == line
    assert message in info.value.message


def test_toml_table(tmp_path: Path) -> None:
    path = tmp_path / "upskit.toml"
    path.write_text('[notify]\ntimeout = "5s"\n\n[[notify.target]]\nurl = "ntfy://ntfy.sh/a"\n'
                    'events = ["ONBATT", "ONLINE"]\n\n[[notify.target]]\n'
                    'url = "tgram://bot/chat"\n')
    notify = load_toml(path).notify
    assert notify.timeout == 5.0
    assert [(t.url, len(t.events)) for t in notify.targets] == [
        ("ntfy://ntfy.sh/a", 2), ("tgram://bot/chat", len(NOTIFY_TYPES))]


@pytest.mark.parametrize(("text", "line", "message"), [
    ('[notify]\n[[notify.target]]\nurl = "json://x"\nevents = "LOST"\n', 4,
     'unknown notification type "LOST"'),
    ('[notify]\n[[notify.target]]\nevents = "ONBATT"\n', 2, "needs a url"),
    ('[notify]\n[[notify.target]]\nurl = "json://x"\nkind = 1\n', 4, 'unknown key "kind"'),
    ('[notify]\ntitel = "x"\n', 2, 'unknown key "titel" in [notify]'),
    ('[notify]\n[[notify.target]]\nurl = "nope"\n', 3, "is not an Apprise URL"),
])
def test_toml_errors_name_file_and_line(tmp_path: Path, text: str, line: int,
                                        message: str) -> None:
    path = tmp_path / "upskit.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_toml(path)
    assert (info.value.file, info.value.line) == (str(path), line)
    assert message in info.value.message


def test_secrets_stay_out_of_logs_and_types_map() -> None:
    assert _redacted("mailto://user:secret@example.com/x") == "mailto://example.com/..."
    assert _redacted("tgram://123:token/chat") == "tgram://***"
    assert _redacted("json://127.0.0.1:8080?x=1") == "json://127.0.0.1:8080/..."
    assert apprise_type("ONBATT") == "failure" and apprise_type("ONLINE") == "success"
    assert apprise_type("REPLBATT") == "warning" and apprise_type("NOTCAL") == "info"
