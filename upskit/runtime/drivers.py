"""Start, stop and restart one UPS's driver inside a running process (``upskit drvctl
--run``), leaving the other drivers and every service alone."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from upskit.config.settings import ConfigError
from upskit.drivers.build import build_driver

if TYPE_CHECKING:
    from upskit.runtime.process import Runtime

log = logging.getLogger(__name__)


class DriverControl:
    """Per-driver requests on ``runtime``; each answers ``(ok, text)``.

    A stopped driver's UPS stays listed (clients get ``DRIVER-NOT-CONNECTED``) until it
    is started again, by this or by a reload that changed its section.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def resolve(self, given: str) -> str | None:
        """The UPS called ``given`` (the control channel lower-cases requests)."""
        names = list(self.runtime.settings.ups.ups)
        if given in names:
            return given
        matches = [n for n in names if n.lower() == given.lower()]
        return matches[0] if len(matches) == 1 else None

    async def request(self, action: str, name: str | None) -> tuple[bool, str]:
        """``action`` (start, stop, restart, status) for ``name`` or every UPS."""
        if action == "status":
            return True, " | ".join(self.status(n) for n in self._names(name))
        if name is None:
            return False, f"`driver {action}` needs a UPS name"
        resolved = self.resolve(name)
        if resolved is None:
            return False, f"no UPS called {name!r} in this process"
        if action == "stop":
            return await self.stop(resolved)
        if action == "start":
            return await self.start(resolved)
        if action == "restart":
            await self.stop(resolved)
            return await self.start(resolved)
        return False, f"unknown driver action {action!r} (start, stop, restart, status)"

    def _names(self, name: str | None) -> list[str]:
        if name is None:
            return list(self.runtime.settings.ups.ups)
        resolved = self.resolve(name)
        return [resolved] if resolved is not None else []

    def status(self, name: str) -> str:
        """One line: the UPS, its driver, and whether it runs."""
        ups = self.runtime.settings.ups.ups[name]
        driver = self.runtime.supervisor.drivers.get(name)
        if driver is None:
            broken = self.runtime.broken.get(name)
            state = f"not running ({broken})" if broken else "stopped"
        else:
            device = driver.device
            state = "running, " + ("stale" if device.stale or not device.connected
                                   else "data ok")
        return f"{name}: {ups.driver} {state}"

    async def stop(self, name: str) -> tuple[bool, str]:
        if name not in self.runtime.supervisor.drivers:
            return False, f"{name}: driver not running"
        await self.runtime.supervisor.remove(name)
        log.warning("[%s]: driver stopped on request", name)
        return True, f"{name}: driver stopped"

    async def start(self, name: str) -> tuple[bool, str]:
        runtime = self.runtime
        if name in runtime.supervisor.drivers:
            return True, f"{name}: driver already running"
        ups = runtime.settings.ups.ups[name]
        device = runtime.registry.get(name)
        if device is None:
            return False, f"{name}: not served by this process"
        try:
            driver = build_driver(runtime.settings, ups, device, runtime.context)
        except ConfigError as exc:
            return False, str(exc)
        except (LookupError, ValueError) as exc:
            return False, f"{name}: {exc}"
        runtime.broken.pop(name, None)
        runtime.supervisor.add(driver)
        log.warning("[%s]: driver %s started on request", name, ups.driver)
        return True, f"{name}: driver {ups.driver} started"
