"""Simulated Energizer ER-series HID chip (0f03:0001, a "game pad" with 64 buttons).

Output reports (SET_REPORT, 8 bytes = 64 one-bit usages) carry 8 characters;
the reply comes back as 8-byte input report images on interrupt IN 0x81, the
last one NUL-padded.
"""

from __future__ import annotations

from upskit.sim.usb.serial_chips import LineDevice


class EnergizerDevice(LineDevice):
    """The 64-usage game pad: output usages in, input usage images out."""

    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        if (request_type, request, value) != (0x21, 0x09, 0x0200) or len(data) != 8:
            return None
        self.take(data)
        return 8

    def packets(self, reply: bytes) -> list[bytes]:
        padded = reply + b"\x00" * (-len(reply) % 8)
        return [padded[i:i + 8] for i in range(0, len(padded), 8)]
