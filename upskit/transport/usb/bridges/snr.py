"""SNR bridge (0001:0000 "MEC0003", SNR-UPS-LID-XXXX; must be forced).

String descriptors read raw with ``langid_fix`` (0x0409 when not given), 102-byte
buffer; before each command a 102-byte interrupt read from 0x81 wakes the chip
(without it, zeros and then errors).  Only Q1, F and I exist.
"""

from __future__ import annotations

import contextlib

import usb.core

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import BridgeOptions
from upskit.transport.usb.bridges.strings import StringBridge


class SnrBridge(StringBridge):
    """SNR: wake-up read, then raw string reads of Q1/F/I with length check."""

    name = "snr"
    indexes = {"Q1": 0x03, "F": 0x0D, "I": 0x0C}
    read_size = 102

    def __init__(self, options: BridgeOptions | None = None) -> None:
        options = options or BridgeOptions()
        if options.langid_fix is None:
            options = BridgeOptions(0x0409, options.novendor, options.drain)
        super().__init__(options)

    def before(self, io: UsbIo, index: int) -> None:
        with contextlib.suppress(usb.core.USBTimeoutError):
            io.read(0x81, 102, 100)
