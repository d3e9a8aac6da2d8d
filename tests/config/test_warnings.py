"""What NUT accepts with a complaint is logged with file:line, or refused when strict."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from upskit.config.nutfiles import load_nut_dir
from upskit.config.settings import ConfigError

CASES = [
    ("upsmon.conf", "POLLFREQ 5\nFROBNICATE 1\n", 2, 'unknown directive "FROBNICATE" ignored'),
    ("upsd.conf", "BOGUS yes\n", 1, 'unknown directive "BOGUS" ignored'),
    ("upsd.conf", "LISTEN ::1\nLISTEN [::1] 3493\n", 2, "LISTEN [::1] 3493 repeated"),
    ("upssched.conf", "CMDSCRIPT /x\nTIMEOUT 5\n", 2, 'unknown directive "TIMEOUT" ignored'),
    ("upssched.conf", "AT ONBATT * START-TIMER t 5\n", 1, "timers need both PIPEFN and LOCKFN"),
    ("upsd.users", "[u]\n password = p\n colour = red\n", 3, 'unknown directive "colour" ignored'),
    ("upsd.users", "[u]\n password = p\n allowfrom = localhost\n", 3, '"allowfrom" is no longer used'),
    ("upsd.users", "[u]\n password = p\n actions = SET REBOOT\n", 3, 'unknown action "REBOOT"'),
    ("upsd.users", "[u]\n upsmon primary\n", 1, 'user "u" has no password'),
    ("ups.conf", "turbo = 1\n", 1, 'unknown global setting "turbo"'),
    ("ups.conf", "maxretry = 1\nmaxretry = 2\n", 2, 'global setting "maxretry" given again'),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_warning_then_strict_error(tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str,
                                   text: str, line: int, message: str) -> None:
    (tmp_path / name).write_text(text)
    with caplog.at_level(logging.WARNING, logger="upskit.config"):
        load_nut_dir(tmp_path)
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 1
    assert logged[0].startswith(f"{tmp_path / name}:{line}: {message}")
    with pytest.raises(ConfigError) as info:
        load_nut_dir(tmp_path, strict=True)
    assert (info.value.file, info.value.line) == (str(tmp_path / name), line)
    assert message in info.value.message


def test_unknown_directive_does_not_stop_the_rest(tmp_path: Path) -> None:
    (tmp_path / "upsmon.conf").write_text("FROBNICATE 1\nPOLLFREQ 9\n")
    upsmon = load_nut_dir(tmp_path).upsmon
    assert upsmon is not None and upsmon.pollfreq == 9
