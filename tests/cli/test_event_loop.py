"""The daemon commands' event loop: asyncio's by default, uvloop on request."""

from __future__ import annotations

import asyncio

import pytest

from upskit.cli.common import LOOP_VARIABLE, run_until_signal


def _loop_module(monkeypatch: pytest.MonkeyPatch, value: str | None) -> str:
    if value is None:
        monkeypatch.delenv(LOOP_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(LOOP_VARIABLE, value)
    seen: list[str] = []

    async def main(stop: asyncio.Event) -> int:
        seen.append(type(asyncio.get_running_loop()).__module__)
        return 3

    assert run_until_signal(main) == 3
    return seen[0]


def test_asyncio_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _loop_module(monkeypatch, None).startswith("asyncio")
    assert _loop_module(monkeypatch, "asyncio").startswith("asyncio")


def test_uvloop_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvloop")
    assert _loop_module(monkeypatch, "uvloop").startswith("uvloop")


def test_an_unknown_loop_falls_back_with_a_message(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert _loop_module(monkeypatch, "tokio").startswith("asyncio")
    assert "UPSKIT_EVENT_LOOP='tokio' is not a known event loop" in capsys.readouterr().err
