"""``upskit raw`` and ``upskit simulate`` against the in-process Megatec simulator."""

from __future__ import annotations

import pytest

from upskit.cli.main import main


def test_cli_raw_and_simulate(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    assert main(["raw", "sim://megatec?id=cli", "Q1"]) == 0
    out = capsys.readouterr().out
    assert "(230.0" in out and "28 32 33 30" in out
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("mains off\nQ1\nstatus\nquit\n"))
    assert main(["simulate", "megatec"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "ok" and "10001001" in out[1] and out[2].startswith("mains=off")
