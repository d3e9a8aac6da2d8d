"""Shared helpers: run a QxDriver on a port URL until its data is fresh."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from tests.support import eventually
from upskit.drivers.qx.driver import QxDriver
from upskit.drivers.supervisor import Supervisor
from upskit.model import Device


@contextlib.asynccontextmanager
async def running(port: str, **options: str | bool) -> AsyncIterator[QxDriver]:
    dev = Device("ups")
    drv = QxDriver(dev, {"port": port, **options})
    drv.max_backoff = 0.05
    async with Supervisor([drv]):
        await eventually(lambda: not dev.stale and drv.initialised, 5)
        yield drv
