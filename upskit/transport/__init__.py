"""Ports: every way to reach a device (serial, USB, simulators, replays), chosen by URL.

:class:`Port` is the base; :class:`Transport` (command/reply), :class:`ModemLines` and
:class:`HidPort` are the capabilities a driver asks for.
"""

from upskit.transport.base import (
    CommandPort,
    Port,
    PortBusy,
    PortGarbled,
    PortGone,
    PortSilent,
    Transport,
    TransportError,
)
from upskit.transport.hid import HidPort, ReportType
from upskit.transport.lines import LineState, LinesUnsupported, ModemLines
from upskit.transport.url import PortUnavailable, open_port, open_transport, register_scheme

__all__ = [
    "CommandPort",
    "HidPort",
    "LineState",
    "LinesUnsupported",
    "ModemLines",
    "Port",
    "PortBusy",
    "PortGarbled",
    "PortGone",
    "PortSilent",
    "PortUnavailable",
    "ReportType",
    "Transport",
    "TransportError",
    "open_port",
    "open_transport",
    "register_scheme",
]
