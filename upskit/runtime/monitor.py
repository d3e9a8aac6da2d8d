"""The in-process monitor (upsmon's part) as a runtime service."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from upskit.config.settings import Settings
from upskit.model import Device, DeviceRegistry

if TYPE_CHECKING:
    from upskit.monitor.monitor import Monitor

log = logging.getLogger(__name__)


class MonitorService:
    """Watches the MONITOR lines of upsmon.conf, the local UPSes through their devices.

    A monitor that cannot be built or that stops unexpectedly is logged and reported
    to the watchdog; drivers and server keep running.  A reload replaces the monitor
    when its settings, MAXAGE or a watched device changed, building the new one first
    so that the old one keeps watching if it cannot be built, and never during or
    after a shutdown (a fresh monitor would remove the power-down flag).
    """

    name = "monitor"

    def __init__(self, registry: DeviceRegistry, settings: Settings, *,
                 numlogins: Callable[[str], int]) -> None:
        self.registry = registry
        self.settings = settings
        self.numlogins = numlogins
        self.monitor: Monitor | None = None
        self.failed = False
        self.task: asyncio.Task[Any] | None = None
        self._watched: dict[str, Device] = {}
        #: Handed to every monitor's notifier: ``(type, ups, message)`` per notification.
        self.listeners: list[Callable[[str, str, str], None]] = []

    @property
    def wanted(self) -> bool:
        """Whether upsmon.conf asks for a monitor (it has MONITOR lines)."""
        upsmon = self.settings.upsmon
        return upsmon is not None and bool(upsmon.monitors)

    @property
    def running(self) -> bool:
        """True while the monitor runs."""
        return self.task is not None and not self.task.done()

    async def start(self) -> None:
        if not self.wanted:
            return
        try:
            monitor = self.build()
        except Exception as exc:
            self.failed = True
            log.critical("the monitor cannot start (%r): this system is not protected; "
                         "drivers and server keep running", exc, exc_info=exc)
            return
        self._launch(monitor)

    def build(self) -> Monitor:
        """A monitor for the current settings, watching the current local devices."""
        from upskit.monitor.monitor import Monitor

        assert self.settings.upsmon is not None
        devices = {d.name: d for d in self.registry}
        monitor = Monitor(self.settings.upsmon, self.settings.upssched, local=devices,
                          numlogins=self.numlogins, maxage=self.settings.upsd.maxage)
        monitor.notifier.listeners = self.listeners
        self._watched = devices
        return monitor

    def _launch(self, monitor: Monitor) -> None:
        self.monitor = monitor
        self.failed = False
        self.task = asyncio.create_task(self._run(monitor), name="monitor")

    async def _run(self, monitor: Monitor) -> None:
        try:
            await monitor.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            self.failed = True
            log.exception("monitor stopped unexpectedly; drivers and server keep running")
        else:
            log.info("monitor finished; drivers and server keep running")

    def problems(self) -> list[str]:
        """A monitor that died, or one of its watches that stopped making progress."""
        if self.failed:
            return ["the monitor stopped unexpectedly"]
        if self.monitor is None or not self.running:
            return []
        return list(self.monitor.problems())

    def _devices_replaced(self) -> bool:
        """Whether a watched UPS got a new device (its driver was restarted)."""
        for name, device in self._watched.items():
            current = self.registry.get(name)
            if current is not None and current is not device:
                return True
        return False

    async def reload(self, settings: Settings) -> None:
        old, self.settings = self.settings, settings
        replaced = (self._devices_replaced() or old.upsmon != settings.upsmon
                    or old.upssched != settings.upssched
                    or old.upsd.maxage != settings.upsd.maxage)
        running = self.running
        if running and not replaced:
            return
        if self.monitor is not None and not self.monitor.idle:
            log.warning("a shutdown is under way or done: the monitor is not replaced")
            return
        fresh = None
        if self.wanted:
            try:
                fresh = self.build()
            except Exception as exc:
                log.error("the new monitor settings cannot be used (%r); %s", exc,
                          "the running monitor keeps watching" if running else
                          "no monitor is running")
                return
        if running:
            await self.stop()
        if fresh is not None:
            self._launch(fresh)
            log.info("monitor restarted with the new settings")
        else:
            self.monitor = None

    async def stop(self) -> None:
        task, self.task = self.task, None
        if task is None:
            return
        if self.monitor is not None:
            self.monitor.stop()  # lets it log out of its servers
        await asyncio.wait({task}, timeout=3.0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
