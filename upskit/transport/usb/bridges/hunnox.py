"""Hunnox bridge (0001:0000 "MEC0003": Hunnox HNX 850, Powercool): string descriptors.

Like Fabula plus ``BL`` (battery level, 0xF3), a 102-byte reply buffer and a
lock-step the chip insists on: the very first command is preceded by two reads
of string 0 and one of string 1 (1026-byte buffers) and a 10 ms pause; every
later command by one extra read cycling through 0x0D, 0x03, 0x0C (never the index
being asked, and never 0x0C with ``novendor``).
"""

from __future__ import annotations

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.strings import StringBridge
from upskit.transport.usb.match import UsbIdentity

CYCLE = (0x0D, 0x03, 0x0C)
DEFAULT_LANGID = 0x0409


class HunnoxBridge(StringBridge):
    """Hunnox: Fabula's mapping plus BL, behind a lock-step of extra string reads."""

    name = "hunnox"
    indexes = {"Q1": 0x03, "F": 0x0D, "I": 0x0C, "Q": 0x07, "C": 0x0A, "BL": 0xF3}
    maps_shutdown = True
    retries = 1
    no_ack_reply = b""
    read_size = 102

    def setup(self, io: UsbIo, ident: UsbIdentity) -> None:
        self._started = False
        self._turn = 0

    def before(self, io: UsbIo, index: int) -> None:
        langid = self.options.langid_fix or DEFAULT_LANGID
        if not getattr(self, "_started", False):
            io.raw_string(0, langid, 1026)
            io.raw_string(0, langid, 1026)
            io.raw_string(1, langid, 1026)
            io.pause(0.010)
            self._started = True
            return
        for _ in range(len(CYCLE)):
            extra = CYCLE[self._turn % len(CYCLE)]
            self._turn += 1
            if extra == index or (extra == 0x0C and self.options.novendor):
                continue
            io.raw_string(extra, langid, self.read_size)
            return
