"""One upskit process: drivers, the network server and (optionally) the monitor.

Built from :class:`~upskit.config.settings.Settings`, whatever file format they came
from.  A UPS whose driver cannot be built is still listed and answers
``DRIVER-NOT-CONNECTED``; the rest keep running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from upskit.config.settings import ConfigError, Settings, UpsSettings
from upskit.drivers.base import Driver, DriverOptions
from upskit.drivers.registry import UnknownDriver, checked_driver_class
from upskit.drivers.supervisor import Supervisor
from upskit.model import Device, DeviceRegistry

if TYPE_CHECKING:
    from upskit.monitor.monitor import Monitor
    from upskit.server.server import NutServer

log = logging.getLogger(__name__)

#: ups.conf global settings that every driver inherits unless its section sets them
#: (``maxretry`` and ``retrydelay`` belong to upsdrvctl: NUT's drivers never see them).
_INHERITED_GLOBALS = ("pollinterval", "synchronous")


def driver_options(settings: Settings, ups: UpsSettings) -> dict[str, str | bool]:
    """The options one driver sees: inherited globals, its section, runtime hints."""
    options: dict[str, str | bool] = {}
    for key in _INHERITED_GLOBALS:
        if key in settings.ups.globals:
            options[key] = settings.ups.globals[key]
    options.update(ups.options)
    options.setdefault("port", ups.port)
    if settings.source:
        options["_confdir"] = settings.source
    return options


def _driver_setup(settings: Settings, ups: UpsSettings) -> tuple[str, dict[str, str | bool]]:
    """What a running driver depends on: a change means it must be restarted."""
    return ups.driver, driver_options(settings, ups)


def build_driver(settings: Settings, ups: UpsSettings, device: Device) -> Driver:
    """Instantiate the driver named in ``ups`` for ``device``; raises UnknownDriver, or
    ConfigError for an option the driver refuses."""
    cls = checked_driver_class(ups)
    options: DriverOptions = driver_options(settings, ups)
    return cls(device, options, config_name=ups.driver)


class Runtime:
    """Drivers + server (+ monitor) sharing one event loop."""

    def __init__(self, settings: Settings, *, with_monitor: bool = True) -> None:
        self.settings = settings
        self.registry = DeviceRegistry()
        self.supervisor = Supervisor()
        self.server: NutServer | None = None
        self.monitor: Monitor | None = None
        self.monitor_failed = False
        self._monitor_task: asyncio.Task[Any] | None = None
        self.with_monitor = with_monitor
        self.broken: dict[str, str] = {}
        for ups in settings.ups.ups.values():
            self._add_ups(ups)

    def _add_ups(self, ups: UpsSettings) -> bool:
        """Register the UPS and start its driver; False when the driver cannot be built
        (the UPS is still listed and answers DRIVER-NOT-CONNECTED)."""
        device = Device(ups.name, ups.desc)
        self.registry.add(device, ups.aliases)
        try:
            self.supervisor.add(build_driver(self.settings, ups, device))
        except ConfigError as exc:  # names the file and line of the refused option
            self.broken[ups.name] = str(exc)
            log.error("%s", exc)
            return False
        except (UnknownDriver, ValueError) as exc:
            where = f"{ups.origin}: " if ups.origin.line else ""
            self.broken[ups.name] = str(exc)
            log.error("%s[%s]: %s", where, ups.name, exc)
            return False
        return True

    @property
    def devices(self) -> dict[str, Device]:
        return {d.name: d for d in self.registry}

    async def start(self) -> None:
        from upskit.server.server import NutServer

        await self.supervisor.start()
        self.server = NutServer(self.registry, self.settings.upsd, self.settings.users)
        await self.server.start()
        upsmon = self.settings.upsmon
        if self.with_monitor and upsmon is not None and upsmon.monitors:
            self._start_monitor()

    def _start_monitor(self) -> None:
        try:
            monitor = self._build_monitor()
        except Exception as exc:
            self.monitor_failed = True
            log.critical("the monitor cannot start (%r): this system is not protected; "
                         "drivers and server keep running", exc, exc_info=exc)
            return
        self._launch_monitor(monitor)

    def _build_monitor(self) -> Monitor:
        from upskit.monitor.monitor import Monitor

        assert self.settings.upsmon is not None
        server = self.server

        def numlogins(name: str) -> int:
            # network logins only: the in-process monitor does not count itself
            return len(server.clients(name)) if server is not None else 0

        return Monitor(self.settings.upsmon, self.settings.upssched, local=self.devices,
                       numlogins=numlogins, maxage=self.settings.upsd.maxage)

    def _launch_monitor(self, monitor: Monitor) -> None:
        self.monitor = monitor
        self.monitor_failed = False
        self._monitor_task = asyncio.create_task(self._run_monitor(monitor), name="monitor")

    async def _run_monitor(self, monitor: Monitor) -> None:
        try:
            await monitor.run()
        except asyncio.CancelledError:
            raise
        except Exception:
            self.monitor_failed = True
            log.exception("monitor stopped unexpectedly; drivers and server keep running")
        else:
            log.info("monitor finished; drivers and server keep running")

    @property
    def monitor_running(self) -> bool:
        """True while the in-process monitor runs."""
        return self._monitor_task is not None and not self._monitor_task.done()

    def problems(self) -> list[str]:
        """Why this process is not healthy (for the watchdog): a monitor that died, or
        one of its watches that stopped making progress.  Empty when all is well."""
        if self.monitor_failed:
            return ["the monitor stopped unexpectedly"]
        task = self._monitor_task
        if self.monitor is None or task is None or task.done():
            return []
        return list(self.monitor.problems())

    async def reload(self, settings: Settings) -> None:
        """Apply new settings without a restart (SIGHUP).

        Users and server limits change at once.  A UPS section that was added starts
        its driver, one that was removed stops it, one whose driver, port or options
        changed is restarted; the others keep running untouched.  The monitor is
        restarted with the new upsmon.conf unless a shutdown is already under way.
        """
        old = self.settings
        self.settings = settings
        if self.server is not None:
            self.server.reload(settings.upsd, settings.users)
        before, after = old.ups.ups, settings.ups.ups
        changed = [name for name in before if name in after
                   and _driver_setup(old, before[name]) != _driver_setup(settings, after[name])]
        for name in [n for n in before if n not in after] + changed:
            await self.supervisor.remove(name)
            self.registry.remove(name)
            self.broken.pop(name, None)
            log.info("[%s]: driver stopped (%s)", name,
                     "changed" if name in changed else "removed from the configuration")
        for name, ups in after.items():
            if name not in before or name in changed:
                if self._add_ups(ups):
                    log.info("[%s]: driver %s started", name, ups.driver)
                else:
                    log.error("[%s]: driver %s not started; the UPS is listed as not "
                              "connected", name, ups.driver)
            else:
                device = self.registry.get(name)
                if device is not None:
                    device.desc = ups.desc
                if sorted(ups.aliases) != self.registry.aliases_of(name):
                    try:
                        self.registry.set_aliases(name, ups.aliases)
                    except (KeyError, ValueError) as exc:
                        log.error("[%s]: aliases not changed: %s", name, exc)
        replaced = (bool(changed) or old.upsmon != settings.upsmon
                    or old.upssched != settings.upssched
                    or old.upsd.maxage != settings.upsd.maxage)
        await self._reload_monitor(replaced)

    async def _reload_monitor(self, replaced: bool) -> None:
        """Replace the monitor when its settings or devices changed.  The new one is
        built before the old one stops: if that fails, the old one keeps watching."""
        running = self._monitor_task is not None and not self._monitor_task.done()
        if running and not replaced:
            return
        if self.monitor is not None and not self.monitor.idle:
            # never start a fresh monitor after the shutdown: it would remove the
            # power-down flag the late shutdown hook is about to look for
            log.warning("a shutdown is under way or done: the monitor is not replaced")
            return
        upsmon = self.settings.upsmon
        fresh = None
        if self.with_monitor and upsmon is not None and upsmon.monitors:
            try:
                fresh = self._build_monitor()
            except Exception as exc:
                log.error("the new monitor settings cannot be used (%r); %s", exc,
                          "the running monitor keeps watching" if running else
                          "no monitor is running")
                return
        if running:
            await self._stop_monitor()
        if fresh is not None:
            self._launch_monitor(fresh)
            log.info("monitor restarted with the new settings")
        else:
            self.monitor = None

    async def _stop_monitor(self) -> None:
        task, self._monitor_task = self._monitor_task, None
        if task is None:
            return
        if self.monitor is not None:
            self.monitor.stop()  # lets it log out of its servers
        await asyncio.wait({task}, timeout=3.0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task

    async def stop(self) -> None:
        await self._stop_monitor()
        if self.server is not None:
            await self.server.stop()
        await self.supervisor.stop()

    async def serve_forever(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()
