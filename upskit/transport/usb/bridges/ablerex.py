"""Ablerex bridge (ffff:0000, Ablerex 625L): HID feature report 5 both ways.

Send: SET_REPORT ``wValue = 0x0305`` with a 47-byte buffer ``05 00 <len+1>
<command without CR>``; wait 0.5 s; read it back with GET_REPORT ``wValue =
0x0305`` (47 bytes).  Up to 3 tries until the reply has the length its query
promises (Q1 47, I 39, F 22); a ``Q5`` that never answers gets a dummy reply.
"""

from __future__ import annotations

import usb.core

from upskit.transport.base import PortSilent
from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import CR, Bridge, command_text

EXPECTED = {"Q1": 47, "I": 39, "F": 22}
Q5_DUMMY = b"(" + b"0" * 20 + CR


class AblerexBridge(Bridge):
    """Ablerex: feature report 5 written, 0.5 s pause, feature report 5 read."""

    name = "ablerex"
    settle_s = 0.5

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        text = command_text(command)
        body = command.rstrip(b"\r")
        frame = (bytes([0x05, 0x00, len(body) + 1]) + body).ljust(47, b"\x00")[:47]
        want = EXPECTED.get(text)
        reply = b""
        for _ in range(3):
            io.set_report(0x0305, frame, 1000)
            io.pause(self.settle_s)
            try:
                data = io.get_report(0x0305, 47, max(timeout_ms, 1000))
            except usb.core.USBTimeoutError:
                continue
            end = data.find(CR)
            reply = data[: end + 1] if end >= 0 else b""
            if want is None or len(reply) == want:
                return reply
        if text == "Q5":
            return Q5_DUMMY
        if not reply:
            raise PortSilent(f"no reply to {text!r} from the ablerex bridge")
        return reply
