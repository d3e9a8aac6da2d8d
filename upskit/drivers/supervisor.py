"""Run many drivers in one asyncio process, isolating and restarting failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from upskit.drivers.base import Driver

log = logging.getLogger(__name__)


class Supervisor:
    """Owns the driver tasks of one process.

    A driver whose ``run`` raises (a bug, not device trouble: ``run`` handles that
    itself) is logged, marked stale and restarted with back-off; the other drivers
    and the server never notice.
    """

    def __init__(self, drivers: Iterable[Driver] = (), *, max_backoff: float = 60.0) -> None:
        self.drivers: dict[str, Driver] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.max_backoff = max_backoff
        for driver in drivers:
            self.add(driver)

    def add(self, driver: Driver) -> None:
        name = driver.device.name
        if name in self.drivers:
            raise ValueError(f"a driver for {name!r} is already supervised")
        self.drivers[name] = driver
        if self._running():
            self._start(name)

    def _running(self) -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def _start(self, name: str) -> None:
        self._tasks[name] = asyncio.create_task(self._keep_running(name), name=f"driver:{name}")

    async def start(self) -> None:
        for name in self.drivers:
            if name not in self._tasks:
                self._start(name)

    async def _keep_running(self, name: str) -> None:
        driver = self.drivers[name]
        backoff = 1.0
        while True:
            try:
                await driver.run()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s: driver %s crashed; restarting in %.0f s",
                              name, driver.name, backoff)
                driver.device.data_stale()
                with contextlib.suppress(Exception):
                    await driver.close()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    async def remove(self, name: str) -> None:
        """Stop and forget the driver of ``name`` (its device is marked disconnected)."""
        driver = self.drivers.pop(name, None)
        task = self._tasks.pop(name, None)
        if driver is not None:
            driver.port_turns.close()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if driver is not None:
            with contextlib.suppress(Exception):
                await driver.close()
            driver.device.set_connected(False)

    async def stop(self) -> None:
        for driver in self.drivers.values():
            driver.port_turns.close()
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        for driver in self.drivers.values():
            with contextlib.suppress(Exception):
                await driver.close()
            driver.device.set_connected(False)

    async def __aenter__(self) -> Supervisor:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
