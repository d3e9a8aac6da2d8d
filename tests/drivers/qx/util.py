"""Shared helpers: run a QxDriver on a port URL until its data is fresh."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from upskit.drivers.qx.driver import QxDriver
from upskit.drivers.supervisor import Supervisor
from upskit.model import Device


async def wait_for(cond: Callable[[], bool], timeout: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not cond():
        assert loop.time() < end, "condition not reached"
        await asyncio.sleep(0.005)


@contextlib.asynccontextmanager
async def running(port: str, **options: str | bool) -> AsyncIterator[QxDriver]:
    dev = Device("ups")
    drv = QxDriver(dev, {"port": port, **options})
    drv.max_backoff = 0.05
    async with Supervisor([drv]):
        await wait_for(lambda: not dev.stale and drv.initialised, 5)
        yield drv
