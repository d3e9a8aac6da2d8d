"""Serial exchanges run on the event loop: many lines in flight cost no thread each."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator

import pytest

from upskit.sim.device import SimDevice
from upskit.sim.pty import PtyServer
from upskit.transport import open_transport

LINES = 50
#: Every simulated UPS waits this long before it answers.
REPLY_DELAY = 0.4


@pytest.fixture
def slow_ptys() -> Iterator[list[PtyServer]]:
    servers = []
    try:
        for _ in range(LINES):
            device = SimDevice("megatec")
            device.faults.set("slow", delay=REPLY_DELAY)
            servers.append(PtyServer(device, baud=None).start())
        yield servers
    finally:
        for server in servers:
            server.stop()


async def test_fifty_lines_answer_in_about_one_exchange_time(
        slow_ptys: list[PtyServer], monkeypatch: pytest.MonkeyPatch) -> None:
    ports = [open_transport(s.path, {"serial_timeout": "5"}) for s in slow_ptys]
    await asyncio.gather(*(p.open() for p in ports))
    offloaded: list[str] = []
    real_to_thread = asyncio.to_thread
    loop = asyncio.get_running_loop()
    real_executor = loop.run_in_executor

    async def counting_to_thread(func, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        offloaded.append(getattr(func, "__name__", repr(func)))
        return await real_to_thread(func, *args, **kwargs)

    def counting_executor(executor, func, *args):  # type: ignore[no-untyped-def]
        offloaded.append(getattr(func, "__name__", repr(func)))
        return real_executor(executor, func, *args)

    monkeypatch.setattr(asyncio, "to_thread", counting_to_thread)
    monkeypatch.setattr(loop, "run_in_executor", counting_executor)
    try:
        started = time.monotonic()
        replies = await asyncio.gather(*(p.exchange(b"Q1\r") for p in ports))
        elapsed = time.monotonic() - started
    finally:
        monkeypatch.undo()
        for port in ports:
            with contextlib.suppress(Exception):
                await port.close()
    assert all(r.startswith(b"(") and r.endswith(b"\r") for r in replies)
    assert offloaded == []
    # One thread per exchange from a pool of a few would need LINES / pool rounds of
    # REPLY_DELAY each (several seconds); on the loop all lines wait at once.
    assert elapsed < REPLY_DELAY * 4, elapsed
