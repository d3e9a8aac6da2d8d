"""The runtime: the drivers of one process and its services, started, reloaded, stopped."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from upskit.config.settings import ConfigError, Settings, UpsSettings
from upskit.drivers.build import build_driver, driver_setup
from upskit.drivers.context import DriverContext
from upskit.drivers.supervisor import Supervisor
from upskit.model import Device, DeviceRegistry
from upskit.runtime.monitor import MonitorService
from upskit.runtime.server import ServerService
from upskit.runtime.service import Service

if TYPE_CHECKING:
    from upskit.monitor.monitor import Monitor
    from upskit.server.server import NutServer

log = logging.getLogger(__name__)


class Runtime:
    """Drivers (under a :class:`Supervisor`) and services sharing one event loop.

    The services are the NUT server and, unless ``with_monitor`` is false, the
    monitor, in that order; :meth:`add_service` appends more (exporters).  Every
    driver receives the same :class:`DriverContext`, whose shared services are closed
    when the runtime stops.
    """

    def __init__(self, settings: Settings, *, with_monitor: bool = True,
                 context: DriverContext | None = None) -> None:
        self.settings = settings
        self.registry = DeviceRegistry()
        self.supervisor = Supervisor()
        self.context = context if context is not None else DriverContext()
        self.broken: dict[str, str] = {}
        self.server_service = ServerService(self.registry, settings)
        self.services: list[Service] = [self.server_service]
        self.monitor_service: MonitorService | None = None
        if with_monitor:
            self.monitor_service = MonitorService(self.registry, settings,
                                                  numlogins=self.server_service.logins)
            self.services.append(self.monitor_service)
        for ups in settings.ups.ups.values():
            self._add_ups(ups)

    # -------------------------------------------------------------- drivers
    def _add_ups(self, ups: UpsSettings) -> bool:
        """Register the UPS and start its driver; False when the driver cannot be built
        (the UPS is still listed and answers DRIVER-NOT-CONNECTED)."""
        device = Device(ups.name, ups.desc)
        self.registry.add(device, ups.aliases)
        try:
            self.supervisor.add(build_driver(self.settings, ups, device, self.context))
        except ConfigError as exc:  # names the file and line itself
            self.broken[ups.name] = str(exc)
            log.error("%s", exc)
            return False
        except (LookupError, ValueError) as exc:
            where = f"{ups.origin}: " if ups.origin.line else ""
            self.broken[ups.name] = str(exc)
            log.error("%s[%s]: %s", where, ups.name, exc)
            return False
        return True

    @property
    def devices(self) -> dict[str, Device]:
        return {d.name: d for d in self.registry}

    # ------------------------------------------------------------- services
    def add_service(self, service: Service) -> None:
        """Run ``service`` after the others (add it before :meth:`start`; it stops
        before them)."""
        self.services.append(service)

    @property
    def server(self) -> NutServer | None:
        """The NUT server, once started."""
        return self.server_service.server

    @property
    def monitor(self) -> Monitor | None:
        """The in-process monitor, if one was started."""
        return self.monitor_service.monitor if self.monitor_service is not None else None

    @property
    def monitor_running(self) -> bool:
        """True while the in-process monitor runs."""
        return self.monitor_service is not None and self.monitor_service.running

    def problems(self) -> list[str]:
        """Why this process is not healthy (for the watchdog), from every service:
        a monitor that died, or one of its watches that stopped making progress.
        Empty when all is well."""
        found: list[str] = []
        for service in self.services:
            found += service.problems()
        return found

    # ----------------------------------------------------------- life cycle
    async def start(self) -> None:
        """Start the drivers, then each service in order (a service that cannot
        start stops the start-up: its error propagates; call :meth:`stop`)."""
        await self.supervisor.start()
        for service in self.services:
            await service.start()

    async def reload(self, settings: Settings) -> None:
        """Apply new settings without a restart (SIGHUP).

        A UPS section that was added starts its driver, one that was removed stops
        it, one whose driver, port or options changed is restarted; the others keep
        running untouched.  Then every service gets the new settings: the server takes
        new users and limits at once, the monitor is replaced when its settings or a
        watched device changed (unless a shutdown is under way).  A service that fails
        to reload does not keep the others from reloading; its error is raised after.
        """
        old = self.settings
        self.settings = settings
        before, after = old.ups.ups, settings.ups.ups
        changed = [name for name in before if name in after
                   and driver_setup(old, before[name]) != driver_setup(settings, after[name])]
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
                self._update_listing(ups)
        failure: Exception | None = None
        for service in self.services:
            try:
                await service.reload(settings)
            except Exception as exc:
                log.error("%s: reloading failed: %r", service.name, exc)
                failure = failure or exc
        if failure is not None:
            raise failure

    def _update_listing(self, ups: UpsSettings) -> None:
        """Description and aliases of a UPS whose driver keeps running."""
        device = self.registry.get(ups.name)
        if device is not None:
            device.desc = ups.desc
        if sorted(ups.aliases) != self.registry.aliases_of(ups.name):
            try:
                self.registry.set_aliases(ups.name, ups.aliases)
            except (KeyError, ValueError) as exc:
                log.error("[%s]: aliases not changed: %s", ups.name, exc)

    async def stop(self) -> None:
        """Stop the services in reverse order, then the drivers, then the shared
        driver services."""
        for service in reversed(self.services):
            try:
                await service.stop()
            except Exception as exc:  # the others must stop all the same
                log.error("%s: stopping failed: %r", service.name, exc)
        await self.supervisor.stop()
        await self.context.aclose()

    async def serve_forever(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()
