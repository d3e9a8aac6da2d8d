"""What the runtime hands every driver: a clock, a logger and the process's shared services.

A driver that needs something one process should hold once (an SNMP engine serving a
thousand agents, a USB context, a trap listener) asks its context for it::

    engine = self.context.service(SnmpEngine)

The first caller creates it (``SnmpEngine()``, or the ``factory`` given), every later
caller gets the same object, and the runtime closes it when the process stops.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

S = TypeVar("S")

log = logging.getLogger(__name__)


class Services:
    """Shared objects of one process, created on first use, keyed by type and name."""

    def __init__(self) -> None:
        self._made: dict[tuple[type[object], str], object] = {}

    def get(self, kind: type[S], factory: Callable[[], S] | None = None, *,
            name: str = "") -> S:
        """The one ``kind`` object called ``name``, made by ``factory`` (default
        ``kind()``) the first time it is asked for."""
        key = (kind, name)
        found = self._made.get(key)
        if found is None:
            found = factory() if factory is not None else kind()
            if not isinstance(found, kind):
                raise TypeError(f"the factory of {kind.__name__} made {found!r}")
            self._made[key] = found
        assert isinstance(found, kind)
        return found

    def __contains__(self, key: object) -> bool:
        if isinstance(key, type):
            key = (key, "")
        return key in self._made

    def __len__(self) -> int:
        return len(self._made)

    async def aclose(self) -> None:
        """Close every service (``aclose()`` or ``close()``, newest first) and forget it:
        the next request makes a fresh one."""
        made = list(self._made.items())
        self._made.clear()
        for (kind, name), service in reversed(made):
            closer = getattr(service, "aclose", None) or getattr(service, "close", None)
            if not callable(closer):
                continue
            try:
                result = closer()
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:  # one service failing to close must not stop the rest
                log.warning("closing the shared %s%s failed: %r", kind.__name__,
                            f" {name!r}" if name else "", exc)


@dataclass
class DriverContext:
    """What a driver receives from the process that runs it.

    ``clock`` is a monotonic clock in seconds (the life-cycle loop times its polls with
    it); ``logger`` is the parent of every driver's logger; ``services`` holds the
    objects the drivers of one process share.
    """

    clock: Callable[[], float] = time.monotonic
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("upskit.drivers"))
    services: Services = field(default_factory=Services)

    def service(self, kind: type[S], factory: Callable[[], S] | None = None, *,
                name: str = "") -> S:
        """The shared ``kind`` object of this process (see :meth:`Services.get`)."""
        return self.services.get(kind, factory, name=name)

    async def aclose(self) -> None:
        """Close the shared services (the process stops)."""
        await self.services.aclose()


_default: DriverContext | None = None


def default_context() -> DriverContext:
    """The context of drivers built without one (tests, one-off tools): one per process."""
    global _default
    if _default is None:
        _default = DriverContext()
    return _default

