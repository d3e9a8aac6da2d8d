"""Parsing of ``ups[@host[:port]]`` and ``host[:port]``."""

from __future__ import annotations

import pytest

from tests.support import run_upskit
from upskit.cli.target import Target, TargetError, parse_host, parse_target


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("ups", Target("ups", "localhost", 3493)),
        ("ups@nas", Target("ups", "nas", 3493)),
        ("ups@nas:3500", Target("ups", "nas", 3500)),
        ("ups@[::1]", Target("ups", "::1", 3493)),
        ("ups@[::1]:3501", Target("ups", "::1", 3501)),
        ("ups@fe80::1", Target("ups", "fe80::1", 3493)),
    ],
)
def test_parse_target(text: str, want: Target) -> None:
    assert parse_target(text) == want


@pytest.mark.parametrize(
    "text", ["", "@host", "ups@", "ups@:1", "ups@h:", "ups@h:x", "ups@h:0", "ups@h:70000",
             "ups@[::1", "ups@[::1]x", "ups@[]:1", "ups@h:\u00b3", "ups@a@b", "ups:3493@h"],
)
def test_parse_target_rejects(text: str) -> None:
    with pytest.raises(TargetError):
        parse_target(text)


def test_parse_host() -> None:
    assert parse_host(None) == Target(None)
    assert parse_host("nas:3494") == Target(None, "nas", 3494)
    with pytest.raises(TargetError):
        parse_host("")


def test_bad_port_digits_end_like_upsc_not_in_a_traceback() -> None:
    """``³`` passes ``str.isdigit`` but is no number: the CLI once crashed on it."""
    result = run_upskit("get", "ups@nas:\u00b3")
    assert result.returncode == 1
    assert result.stderr == "Error: invalid UPS definition.\nRequired format: upsname[@hostname[:port]]\n"
