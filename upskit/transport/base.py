"""The command/reply transport contract every Q*-style port implements."""

from __future__ import annotations

import abc


class TransportError(Exception):
    """Base of every transport failure."""


class PortGone(TransportError):
    """The port or device vanished (unplugged, closed, I/O error): reopen later."""


class PortBusy(PortGone):
    """The port is held by another program or driver."""


class PortSilent(TransportError):
    """The device did not answer in time."""


class PortGarbled(TransportError):
    """The device answered with bytes that cannot be a reply."""


class Transport(abc.ABC):
    """A port that sends one command and returns the device's reply.

    ``exchange`` frames the reply the way the device family does (for Q* devices:
    up to and including the carriage return).  Implementations raise the typed
    errors above and never anything else for device-side trouble.
    """

    #: Default seconds to wait for a reply.
    timeout: float = 1.0

    def __init__(self, url: str) -> None:
        self.url = url

    @property
    @abc.abstractmethod
    def is_open(self) -> bool: ...

    @abc.abstractmethod
    async def open(self) -> None: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def exchange(self, command: bytes, timeout: float | None = None) -> bytes:
        """Send ``command`` and return the raw reply (empty when the device says nothing)."""

    def describe(self) -> str:
        """A short human description of the port for log lines."""
        return self.url

    async def __aenter__(self) -> Transport:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
