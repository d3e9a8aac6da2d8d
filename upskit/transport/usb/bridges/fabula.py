"""Fabula bridge (0001:0000 "MEC"/"MEC0003", Fideltronik/MEC LUPUS): string descriptors.

Shutdowns are indexes too: ``S.5R0000`` 0x10, ``S.5`` 0x18, ``S01`` 0x68,
``S10R0000`` 0xF0.  "UPS No Ack" means an empty reply (queries fail, commands
succeed).  The restart delay is fixed by the unit; test commands are unsupported.
"""

from __future__ import annotations

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.strings import StringBridge


class FabulaBridge(StringBridge):
    """Fabula: plain string reads, shutdown delays encoded in the index."""

    name = "fabula"
    indexes = {"Q1": 0x03, "F": 0x0D, "I": 0x0C, "Q": 0x07, "C": 0x0A}
    maps_shutdown = True
    retries = 1
    no_ack_reply = b""

    def read_string(self, io: UsbIo, index: int) -> str | None:
        return io.string(index)
