"""Gtec bridge: SET_REPORT ``wValue = 0x0002`` without padding, 128-byte reads.

Reading in 8-byte pieces made the Gtec ZP120N drop off the bus, hence large
reads.  Never auto-selected: ``subdriver = gtec`` with ``protocol = gtec``.
"""

from __future__ import annotations

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import up_to_cr
from upskit.transport.usb.bridges.cypress import CypressBridge


class GtecBridge(CypressBridge):
    """Gtec: unpadded 8-byte SET_REPORT 0x0002 pieces, 128-byte interrupt reads."""

    name = "gtec"
    report_value = 0x0002
    pad = False
    read_size = 128

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        self.send(io, command)
        return up_to_cr(self.read_until_cr(io, 0x81, self.read_size, timeout_ms))
