"""Notification texts, flags, NOTIFYCMD arguments and environment."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from upskit.config.settings import UpsmonSettings
from upskit.monitor.events import DEFAULT_MESSAGES, NotifyType, format_message
from upskit.monitor.notify import Notifier, is_upssched
from upskit.monitor.runner import ProgramRunner

RECORDER = """
import json, os, sys
with open(sys.argv[1], "a") as fh:
    fh.write(json.dumps({"args": sys.argv[2:], "type": os.environ.get("NOTIFYTYPE"),
                         "ups": os.environ.get("UPSNAME")}) + "\\n")
"""


def recorder(tmp_path: Path) -> tuple[str, Path]:
    script = tmp_path / "rec.py"
    script.write_text(RECORDER)
    out = tmp_path / "calls.jsonl"
    return f"{sys.executable} {script} {out}", out


def test_every_type_has_nut_default_text() -> None:
    assert set(DEFAULT_MESSAGES) == set(NotifyType)
    assert format_message(DEFAULT_MESSAGES[NotifyType.ONBATT], "ups@host") == "UPS ups@host on battery"
    assert format_message(DEFAULT_MESSAGES[NotifyType.COMMBAD], "u@h") == (
        "Communications with UPS u@h lost")
    assert format_message(DEFAULT_MESSAGES[NotifyType.OTHER], "u@h", "FOO") == (
        "UPS u@h: has at least one unclassified status token: [FOO]")


def test_format_message_is_safe() -> None:
    assert format_message("%d %x %s %s %s 100%%", "a", "b") == "%d %x a b  100%"
    assert format_message("no placeholders", "a") == "no placeholders"
    assert format_message("trailing %", "a") == "trailing %"


async def test_notifycmd_gets_message_argument_and_environment(tmp_path: Path) -> None:
    cmd, out = recorder(tmp_path)
    settings = UpsmonSettings(
        notifycmd=cmd,
        notifymsg={"ONBATT": "power gone on %s"},
        notifyflag={"ONBATT": {"EXEC"}, "ONLINE": {"IGNORE"}, "LOWBATT": {"SYSLOG", "EXEC"}},
    )
    logged: list[str] = []
    runner = ProgramRunner()
    n = Notifier(settings, runner, wall=None, syslog=logged.append)
    # a hostile UPS name never reaches a shell
    evil = "ups;touch pwned@host"
    n.notify(NotifyType.ONBATT, evil)
    n.notify(NotifyType.ONLINE, evil)
    n.notify(NotifyType.LOWBATT, "u@h")
    await runner.drain()
    calls = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(calls, key=lambda c: c["type"]) == [
        {"args": ["UPS u@h battery is low"], "type": "LOWBATT", "ups": "u@h"},
        {"args": [f"power gone on {evil}"], "type": "ONBATT", "ups": evil},
    ]
    assert logged == ["UPS u@h battery is low"]
    assert not (tmp_path / "pwned@host").exists()
    assert [h.kind for h in n.history] == [NotifyType.ONBATT, NotifyType.ONLINE,
                                           NotifyType.LOWBATT]


async def test_wall_gets_message_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "wall.txt"
    wall = [sys.executable, "-c",
            f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"]
    runner = ProgramRunner()
    n = Notifier(UpsmonSettings(), runner, wall=wall, syslog=None)
    n.notify(NotifyType.SHUTDOWN, None)
    await runner.drain()
    assert out.read_text() == "Auto logout and shutdown proceeding\n"


def test_default_flags_are_syslog_and_wall() -> None:
    n = Notifier(UpsmonSettings(notifyflag={"fsd": {"exec"}}), ProgramRunner())
    assert n.flags(NotifyType.ONBATT) == {"SYSLOG", "WALL"}
    assert n.flags(NotifyType.FSD) == {"EXEC"}


def test_is_upssched() -> None:
    assert is_upssched("/sbin/upssched")
    assert is_upssched("upssched")
    assert not is_upssched("/usr/local/bin/notify upssched")
    assert not is_upssched(None)
