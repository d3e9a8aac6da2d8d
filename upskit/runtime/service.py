"""What the runtime runs beside the drivers: services with one life cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from upskit.config.settings import Settings


class Service(Protocol):
    """One long-lived part of an upskit process besides its drivers: the NUT server,
    the monitor, later the exporters.

    The runtime starts its services in order once the drivers run, stops them in the
    reverse order, hands each the new settings on a reload (after the drivers were
    updated) and asks each what is wrong for the watchdog.
    """

    #: Short name for logs ("server", "monitor", ...).
    name: str

    async def start(self) -> None:
        """Begin serving; raise only when the process cannot go on without it."""

    async def stop(self) -> None:
        """Stop and release everything (also after a failed or no start)."""

    async def reload(self, settings: Settings) -> None:
        """Apply new settings; keep the running state when they cannot be used."""

    def problems(self) -> list[str]:
        """Why this service is not healthy; empty when it is (for the watchdog)."""
