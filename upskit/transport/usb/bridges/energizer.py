"""Energizer (0f03:0001 "USB To RS232 Interface (V1.0) BaudRate 2400bps") HID bridge.

These early-2000s units (ER-OF800, ER-HM450, ER-HMOF600 with the "Personal
edition 4.2" software) pose as a game pad with two 64-usage reports of one-bit
buttons: the 64 output usages carry 8 characters (8 usages per character, least
significant bit first, usages 1..64 of the Button page), the 64 input usages the
reply, 8 characters at a time.  Under Linux hiddev these are usage writes and
change events; here the same reports go over pyusb: output reports by
SET_REPORT (the device has no OUT endpoint), input reports from interrupt IN
0x81, collected until the CR.
"""

from __future__ import annotations

from upskit.transport.base import PortGarbled
from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import CR, MAX_REPLY, Bridge, up_to_cr
from upskit.transport.usb.match import UsbIdentity

#: Usages (and so characters) per report.
USAGES = 64
CHARS = USAGES // 8


def usages_of(block: bytes) -> set[int]:
    """Button usages (1-based) that are on for up to 8 characters."""
    on: set[int] = set()
    for position, char in enumerate(block[:CHARS]):
        for bit in range(8):
            if char >> bit & 1:
                on.add(position * 8 + bit + 1)
    return on


def report_of(usages: set[int]) -> bytes:
    """The 8-byte report image with ``usages`` on (bit per usage, LSB first)."""
    image = bytearray(CHARS)
    for usage in usages:
        index = usage - 1
        image[index // 8] |= 1 << (index % 8)
    return bytes(image)


def output_bits(descriptor: bytes) -> int:
    """Total Output bits declared by a HID report descriptor (short items only)."""
    size = count = bits = 0
    i = 0
    while i < len(descriptor):
        prefix = descriptor[i]
        length = (0, 1, 2, 4)[prefix & 3]
        value = int.from_bytes(descriptor[i + 1:i + 1 + length], "little")
        tag = prefix & 0xFC
        if tag == 0x74:
            size = value
        elif tag == 0x94:
            count = value
        elif tag == 0x90:
            bits += size * count
        i += 1 + length
    return bits


class EnergizerBridge(Bridge):
    """Energizer: characters as 8 output usages each, 8 characters per report."""

    name = "energizer"

    def setup(self, io: UsbIo, ident: UsbIdentity) -> None:
        bits = output_bits(io.report_descriptor(0))
        if bits != USAGES:
            raise PortGarbled(f"expected a {USAGES}-usage output report, found {bits} bits")

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        for start in range(0, len(command), CHARS):
            io.set_report(0x0200, report_of(usages_of(command[start:start + CHARS])), 1000)
        reply = b""
        while CR not in reply:
            image = io.read(0x81, CHARS, timeout_ms)
            reply += report_of(usages_of(image)).rstrip(b"\x00")
            if len(reply) > MAX_REPLY:
                raise PortGarbled("no CR from the Energizer bridge")
        return up_to_cr(reply)
