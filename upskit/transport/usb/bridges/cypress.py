"""Cypress-style HID serial bridge (also Voltronic 0665:5161, Phoenixtec, Unitek ...).

Send: the command zero-padded to whole 8-byte pieces, each a HID SET_REPORT with
``wValue = 0x0200`` (5 s).  Receive: 8-byte interrupt reads from 0x81 until a CR is
in the buffer.  The 0665:5161 family queues stale replies, so those units get
their pending reports drained before each command.
"""

from __future__ import annotations

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import Bridge, up_to_cr
from upskit.transport.usb.match import UsbIdentity

#: VID:PIDs whose bridges keep stale replies queued between commands.
STALE_PRONE = frozenset({(0x0665, 0x5161)})


class CypressBridge(Bridge):
    """Cypress bridge: 8-byte SET_REPORT 0x0200 out, 8-byte interrupt reads in."""

    name = "cypress"
    report_value = 0x0200
    send_timeout_ms = 5000
    chunk = 8
    pad = True
    read_size = 8
    wedge_after_timeouts = 4

    def setup(self, io: UsbIo, ident: UsbIdentity) -> None:
        option = self.options.drain
        self._drain = option if option is not None else (
            (ident.vendorid, ident.productid) in STALE_PRONE
        )

    def send(self, io: UsbIo, command: bytes) -> None:
        for start in range(0, len(command), self.chunk):
            piece = command[start:start + self.chunk]
            if self.pad:
                piece = piece.ljust(self.chunk, b"\x00")
            io.set_report(self.report_value, piece, self.send_timeout_ms)

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        if getattr(self, "_drain", False):
            self.drain(io, 0x81, self.read_size, 15, 16)
        self.send(io, command)
        return up_to_cr(self.read_until_cr(io, 0x81, self.read_size, timeout_ms))
