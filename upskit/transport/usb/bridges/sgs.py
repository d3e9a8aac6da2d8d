"""SGS (STMicro 0483:0035, TS Shara) bridge: length-prefixed 8-byte packets both ways."""

from __future__ import annotations

import usb.core

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import CR, MAX_REPLY, Bridge, with_cr


class SgsBridge(Bridge):
    """SGS: ``[n, up to 7 bytes]`` SET_REPORT 0x0200 out; ``[n, data]`` reads in."""

    name = "sgs"

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        for start in range(0, len(command), 7):
            piece = command[start:start + 7]
            io.set_report(0x0200, (bytes([len(piece)]) + piece).ljust(8, b"\x00"), 1000)
        reply = b""
        while CR not in reply and len(reply) < MAX_REPLY:
            try:
                packet = io.read(0x81, 8, timeout_ms)
            except usb.core.USBTimeoutError:
                break  # a timeout ends the reply on this chip
            if not packet:
                break
            count = min(packet[0], 7, len(packet) - 1)
            reply += packet[1:1 + count]
        end = reply.find(CR)
        if end >= 0:
            return reply[: end + 1]
        return with_cr(reply) if reply else b""
