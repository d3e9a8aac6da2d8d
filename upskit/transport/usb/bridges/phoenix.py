"""Phoenix bridge: the Cypress wire format, flushing the IN endpoint before each command."""

from __future__ import annotations

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import up_to_cr
from upskit.transport.usb.bridges.cypress import CypressBridge
from upskit.transport.usb.match import UsbIdentity


class PhoenixBridge(CypressBridge):
    """Phoenix: like cypress (1 s control timeout) plus up to 8 flush reads first."""

    name = "phoenix"
    send_timeout_ms = 1000
    #: Timeout of each flush read (NUT waits a full second; queued data comes at once).
    flush_timeout_ms = 100

    def setup(self, io: UsbIo, ident: UsbIdentity) -> None:
        self._drain = True

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        self.drain(io, 0x81, 8, self.flush_timeout_ms, 8)
        self.send(io, command)
        return up_to_cr(self.read_until_cr(io, 0x81, 8, timeout_ms))
