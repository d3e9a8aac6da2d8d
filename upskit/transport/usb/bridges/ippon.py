"""Ippon / Mustek bridge (Phoenixtec 06da:0003, e.g. Ippon BackPro, Mustek Powermust).

Send: 8-byte SET_REPORT pieces with ``wValue = 0x0002`` (1 s), unpadded.  Receive:
exactly one 64-byte interrupt read; the chip always returns 64 bytes, the reply
ends at the first CR.  Reading more than 64 bytes, or leaving bytes behind with
8-byte reads, hangs this chip until a USB port reset.
"""

from __future__ import annotations

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import CR, Bridge, with_cr


class IpponBridge(Bridge):
    """Ippon: SET_REPORT 0x0002 in 8-byte pieces out, one 64-byte read in."""

    name = "ippon"
    #: The chip always answers (64 bytes), so one timeout means it hung.
    wedge_after_timeouts = 1

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        for start in range(0, len(command), 8):
            io.set_report(0x0002, command[start:start + 8], 1000)
        data = io.read(0x81, 64, timeout_ms)
        end = data.find(CR)
        if end >= 0:
            reply = data[: end + 1]
        else:
            nul = data.find(b"\x00")
            reply = data if nul < 0 else data[:nul]
        # An empty answer arrives as "00 0D": no text at all.
        if reply.strip(b"\x00\r") == b"":
            return b""
        return with_cr(reply.lstrip(b"\x00"))
