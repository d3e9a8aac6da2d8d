"""``upskit lines PORT``: the input lines live, DTR/RTS driven from standard input."""

from __future__ import annotations

import io

import pytest

from upskit.cli.main import main
from upskit.sim.contact import get_or_create
from upskit.sim.pty import PtyServer


def lines(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
          *argv: str, stdin: str = "") -> tuple[int, list[str], str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["lines", *argv])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_once_prints_the_four_inputs_and_two_outputs(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # type 12: CP=RTS, OL=-CTS, LB=DCD; on battery with a low battery: CTS and DCD high
    code, out, _err = lines(capsys, monkeypatch, "sim://contact/12?mains=off&charge=0.05",
                            "--rts", "on", "--once")
    assert code == 0
    assert out[-1].split("s  ", 1)[1] == (
        "CTS on   DSR off  RI off  DCD on   |  DTR off  RTS on ")


def test_commands_toggle_outputs_and_the_simulated_ups(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    url = "sim://contact/7?id=lines"  # CP=RTS, OL=CTS, LB=-DCD, SD=DTR
    commands = ("r\nmains off\ncharge 0.05\nrts off\nd\ndtr off\nbreak 0.01\nbogus\n"
                "charge 7\nquit\n")
    code, out, _err = lines(capsys, monkeypatch, url, "--interval", "0.02", stdin=commands)
    assert code == 0
    shown = [line.split("s  ", 1)[1] for line in out if "  |  " in line]
    assert shown[0] == "CTS off  DSR off  RI off  DCD off  |  DTR off  RTS off"
    assert "CTS on   DSR off  RI off  DCD on   |  DTR off  RTS on " in shown  # powered, OL
    assert "CTS off  DSR off  RI off  DCD off  |  DTR off  RTS on " in shown  # OB, LB
    assert "BREAK sent for 0.01 s" in out
    assert any(line.startswith("unknown command 'bogus'") for line in out)
    assert "charge: needs a number from 0 to 1, got '7'" in out
    ups = get_or_create(url)
    # DTR alone on battery is type 7's shutdown signal: the simulated UPS obeyed
    assert "shutdown" in ups.kinds() and ups.outputs == (False, False)


def test_a_pty_has_no_modem_lines(capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch, pty_sim: PtyServer) -> None:
    code, _out, err = lines(capsys, monkeypatch, pty_sim.path, "--once")
    assert code == 1
    assert "no modem lines" in err and "Traceback" not in err


def test_sim_commands_need_a_simulated_port_and_bad_ports_are_usage_errors(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _out, err = lines(capsys, monkeypatch, "sim://contact/99", "--once")
    assert code == 2 and "no such upstype" in err
    code, _out, err = lines(capsys, monkeypatch, "bogus://x", "--once")
    assert code == 2 and "cannot use port" in err


def test_raw_on_a_contact_port_points_to_lines(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["raw", "sim://contact/2", "Q1"]) == 2
    assert "see upskit lines PORT" in capsys.readouterr().err
