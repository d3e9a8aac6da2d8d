"""Byte transports selected by port URL: serial, USB bridges, simulators, replays."""

from upskit.transport.base import (
    PortBusy,
    PortGarbled,
    PortGone,
    PortSilent,
    Transport,
    TransportError,
)
from upskit.transport.url import open_transport, register_scheme

__all__ = [
    "PortBusy",
    "PortGarbled",
    "PortGone",
    "PortSilent",
    "Transport",
    "TransportError",
    "open_transport",
    "register_scheme",
]
