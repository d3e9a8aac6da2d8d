"""The NUT network server as a runtime service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from upskit.config.settings import Settings
from upskit.model import DeviceRegistry

if TYPE_CHECKING:
    from upskit.server.server import NutServer


class ServerService:
    """Serves the process's devices over the NUT protocol (upsd's part)."""

    name = "server"

    def __init__(self, registry: DeviceRegistry, settings: Settings) -> None:
        self.registry = registry
        self.settings = settings
        self.server: NutServer | None = None

    async def start(self) -> None:
        """Listen on the LISTEN addresses (raises ``OSError`` when none can be bound)."""
        from upskit.server.server import NutServer

        self.server = NutServer(self.registry, self.settings.upsd, self.settings.users)
        await self.server.start()

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.stop()

    async def reload(self, settings: Settings) -> None:
        """New users and limits at once (LISTEN and certificates need a restart)."""
        self.settings = settings
        if self.server is not None:
            self.server.reload(settings.upsd, settings.users)

    def problems(self) -> list[str]:
        return []

    def logins(self, ups: str) -> int:
        """Network clients logged in to ``ups`` (the in-process monitor is not one)."""
        return len(self.server.clients(ups)) if self.server is not None else 0
