"""NUT network protocol server: asyncio, users, access control, TLS."""

from upskit.server.server import NutServer

__all__ = ["NutServer"]
