"""Memory is given back once a crowd of connections has gone (no timing, no RSS)."""

from __future__ import annotations

import asyncio
import contextlib

from tests.server.conftest import Served
from tests.support import eventually
from upskit.server.memory import MemoryReturner


async def test_a_large_drop_schedules_one_trim() -> None:
    trims: list[int] = []
    memory = MemoryReturner(threshold=10, delay=0.0, trim=lambda: bool(trims.append(1)))
    for count in range(1, 31):
        memory.changed(count)
    for count in range(29, 20, -1):  # 9 closed: below the threshold
        memory.changed(count)
    await asyncio.sleep(0.01)
    assert memory.trims == 0
    for count in range(20, 14, -1):  # 15 closed and half the peak left: trim
        memory.changed(count)
    await eventually(lambda: memory.trims == 1, 10)
    assert trims == [1]
    for count in range(14, 5, -1):  # 9 more closed since the trim: not yet again
        memory.changed(count)
    await asyncio.sleep(0.01)
    assert memory.trims == 1


async def test_the_server_gives_memory_back_after_many_connections_close(
        served: Served) -> None:
    server = served.server
    memory = server._memory
    memory.threshold, memory.delay = 64, 0.0
    port = served.port
    clients = []
    for _ in range(100):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"NETVER\n")
        await reader.readline()
        clients.append(writer)
    assert memory.trims == 0
    for writer in clients:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    await eventually(lambda: server.connection_count == 0, 30)
    await eventually(lambda: memory.trims == 1, 30)
