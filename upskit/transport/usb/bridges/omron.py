"""Omron bridge: exactly 16-byte SET_REPORT 0x0002 reports, one 64-byte read."""

from __future__ import annotations

from upskit.transport.base import PortGarbled
from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import CR, Bridge, with_cr


class OmronBridge(Bridge):
    """Omron: zero-padded 16-byte reports out; reply to the first CR, else first NUL."""

    name = "omron"

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        for start in range(0, max(len(command), 1), 16):
            piece = command[start:start + 16].ljust(16, b"\x00")
            sent = io.set_report(0x0002, piece, 1000)
            if sent != 16:
                raise PortGarbled(f"omron bridge took {sent} of 16 bytes")
        data = io.read(0x81, 64, timeout_ms)
        end = data.find(CR)
        if end >= 0:
            return data[: end + 1]
        nul = data.find(b"\x00")
        reply = data if nul < 0 else data[:nul]
        return with_cr(reply) if reply else b""
