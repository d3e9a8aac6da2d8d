"""Subcommands are a plugin registry: an installed package adds one (``upskit.commands``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import install_fake_distribution
from upskit.cli.main import COMMANDS, SUBCOMMANDS, main

HELLO_SOURCE = '''
    """Greets someone.

    Longer text that is not the help line.
    """

    def add_arguments(parser):
        parser.add_argument("--name", default="world")

    def run(args):
        print(f"hello {args.name} (verbosity {args.verbose})")
        return 3
'''


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    install_fake_distribution(tmp_path, "hello_cmd", HELLO_SOURCE, {
        "upskit.commands": {"hello": "hello_cmd", "broken": "hello_cmd:nothing"}})
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("hello_cmd", None)


def test_builtin_commands_are_the_registry() -> None:
    assert set(COMMANDS) <= set(SUBCOMMANDS.names())
    assert SUBCOMMANDS.load("udev-rules") is sys.modules["upskit.cli.udev_rules"]


@pytest.mark.usefixtures("installed")
def test_an_installed_command_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-v", "hello", "--name", "plugin", "-v"]) == 3
    assert capsys.readouterr().out == "hello plugin (verbosity 2)\n"


@pytest.mark.usefixtures("installed")
def test_help_lists_installed_commands_and_says_which_cannot_load(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    captured = capsys.readouterr()
    assert "Greets someone." in captured.out and "Longer text" not in captured.out
    assert "udev-rules" in captured.out
    assert ("upskit: command 'broken': hello_cmd has no attribute 'nothing'; "
            "command left out") in captured.err


@pytest.mark.usefixtures("installed")
def test_an_unknown_command_lists_the_installed_ones_too(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["helo"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err and "hello" in err and "udev-rules" in err


def test_a_builtin_command_starts_without_reading_entry_points() -> None:
    code = ("import sys; from upskit.cli.main import build_parser; "
            "build_parser(['-v', 'get', 'ups']).parse_args(['-v', 'get', 'ups']); "
            "print('importlib.metadata' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "False"
