"""The quick path of ``upskit get`` / ``list`` reads a command line as argparse does."""

from __future__ import annotations

import pytest

from upskit.cli.main import build_parser, quick_args

QUICK = [
    ["get", "ups"],
    ["get", "ups@host:3494", "ups.status"],
    ["get", "--json", "ups@[::1]:3493", "battery.charge"],
    ["get", "ups", "--json"],
    ["get", "--json", "ups", "x.y", "--json"],
    ["get", ""],
    ["list"],
    ["list", "host:1234"],
    ["list", "--json"],
    ["list", "--json", "host"],
]

FULL_PARSER = [
    [],
    ["get"],
    ["get", "a", "b", "c"],
    ["get", "-v", "ups"],
    ["get", "ups", "--timeout", "2"],
    ["get", "ups", "--json", "x.y"],  # argparse refuses it: x.y comes too late
    ["get", "ups", "--js"],
    ["get", "--", "ups"],
    ["get", "-h"],
    ["list", "-L"],
    ["list", "-c", "ups@host"],
    ["list", "a", "b"],
    ["list", "--starttls", "host"],
    ["-v", "get", "ups"],
    ["cmd", "-l", "ups"],
    ["run"],
]


@pytest.mark.parametrize("argv", QUICK)
def test_the_quick_path_gives_what_the_full_parser_gives(argv: list[str]) -> None:
    quick = quick_args(argv)
    assert quick is not None
    full = build_parser(argv).parse_args(argv)
    assert vars(quick) == vars(full)
    assert quick._module is full._module


@pytest.mark.parametrize("argv", FULL_PARSER)
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    assert quick_args(argv) is None
