"""The control socket answers root and the daemon's own user only, is private, and never
takes over a socket another daemon still answers on."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from upskit.monitor import control
from upskit.monitor.control import ControlError, ControlServer, send_command


async def fsd() -> tuple[bool, str]:
    fsd.calls += 1  # type: ignore[attr-defined]
    return True, "shutdown sequence started"


fsd.calls = 0  # type: ignore[attr-defined]


async def test_own_user_is_answered_and_socket_is_private(short_dir: Path) -> None:
    path = str(short_dir / "run" / "c.sock")
    server = ControlServer(path, {"fsd": fsd})
    assert await server.start()
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(short_dir / "run").st_mode) == 0o700
        assert await asyncio.to_thread(send_command, path, "fsd") == (
            True, "shutdown sequence started")
        ok, text = await asyncio.to_thread(send_command, path, "explode")
        assert not ok and "unknown command" in text
        # a second daemon does not steal a socket that is answered
        assert not await ControlServer(path, {}).start()
    finally:
        await server.close()
    assert not os.path.exists(path)
    with pytest.raises(ControlError):
        send_command(path, "fsd")


async def test_other_users_are_refused(short_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(short_dir / "c.sock")
    server = ControlServer(path, {"fsd": fsd})
    assert await server.start()
    calls = fsd.calls  # type: ignore[attr-defined]
    try:
        monkeypatch.setattr(control, "peer_uid", lambda sock: os.geteuid() + 4242)
        ok, text = await asyncio.to_thread(send_command, path, "fsd")
        assert (ok, text) == (False, "permission denied")
        assert fsd.calls == calls  # type: ignore[attr-defined]
    finally:
        await server.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as another user")
async def test_another_uid_is_refused_even_when_the_file_lets_it_in(short_dir: Path) -> None:
    path = str(short_dir / "c.sock")
    server = ControlServer(path, {"fsd": fsd})
    assert await server.start()
    os.chmod(path, 0o666)
    os.chmod(short_dir, 0o755)
    calls = fsd.calls  # type: ignore[attr-defined]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: become "nobody" and ask for a forced shutdown
        try:
            os.setgid(65534)
            os.setuid(65534)
            answer = repr(send_command(path, "fsd", timeout=10))
        except BaseException as exc:
            answer = repr(exc)
        os.write(write_end, answer.encode())
        os._exit(0)
    os.close(write_end)
    try:
        await asyncio.to_thread(os.waitpid, pid, 0)
        answer = os.read(read_end, 4096).decode()
    finally:
        os.close(read_end)
        await server.close()
    assert answer == "(False, 'permission denied')"
    assert fsd.calls == calls  # type: ignore[attr-defined]
