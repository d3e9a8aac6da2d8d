"""``-o KEY=VALUE`` port options of upskit raw, lines and hid."""

from __future__ import annotations

from upskit.cli.argtypes import port_options


def test_values_flags_and_the_last_repeat_win() -> None:
    assert port_options(["baud=2400", "nolock", "x=a=b", "baud=9600", "empty="]) == {
        "baud": "9600", "nolock": True, "x": "a=b", "empty": ""}
    assert port_options([]) == {}
