"""Ports: the one way every driver reaches its device, and the command/reply capability.

A :class:`Port` is opened, closed, describes itself and gives the identity of the
device it found (:meth:`~Port.device_info`).  What a driver can *do* with a port is a
capability mixed into it:

* :class:`Transport`: command/reply (Q* lines, every USB bridge, simulators, replays);
* :class:`~upskit.transport.lines.ModemLines`: modem-control lines (contact closure,
  cable power);
* :class:`~upskit.transport.hid.HidPort`: HID reports (descriptor, feature/output
  reports, a stream of input reports).

A driver asks for the capability it needs (``isinstance(port, ModemLines)``); the port
URL picks the implementation.  Device-side trouble is always one of the typed errors
below, never anything else.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from typing import Self


class TransportError(Exception):
    """Base of every port failure."""


class PortGone(TransportError):
    """The port or device vanished (unplugged, closed, I/O error): reopen later."""


class PortBusy(PortGone):
    """The port is held by another program or driver."""


class PortSilent(TransportError):
    """The device did not answer in time."""


class PortGarbled(TransportError):
    """The device answered with bytes that cannot be a reply."""


class Port(abc.ABC):
    """One way to reach one device, named by its URL."""

    #: Default seconds to wait for the device.
    timeout: float = 1.0

    def __init__(self, url: str) -> None:
        self.url = url

    @property
    @abc.abstractmethod
    def is_open(self) -> bool: ...

    @abc.abstractmethod
    async def open(self) -> None:
        """Reach the device (raises :class:`PortGone` / :class:`PortBusy`)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Let go of the device; never raises."""

    def describe(self) -> str:
        """A short human description of the port for log lines."""
        return self.url

    def device_info(self) -> Mapping[str, str]:
        """The identity of the device found, as NUT variables (``ups.vendorid`` ...).

        Empty until opened, and for ports that learn nothing (a plain serial line).
        """
        return {}

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class Transport(Port):
    """The command/reply capability: send one command, return the device's reply.

    ``exchange`` frames the reply the way the device family does (for Q* devices:
    up to and including the carriage return).
    """

    @abc.abstractmethod
    async def exchange(self, command: bytes, timeout: float | None = None) -> bytes:
        """Send ``command`` and return the raw reply (empty when the device says nothing)."""


#: The command/reply capability under its capability name.
CommandPort = Transport
