"""Armac / Richcomm "PowerManagerII" bridge (0925:1234: Armac, Vultech ...).

Every read starts with a control byte whose low 6 bits count the data bytes that
follow (top bits vary and mean nothing to us); commands go out with their
terminating NUL.  Two modes, chosen from the active configuration:

* interrupt mode (one interface, interrupt IN 0x82 of 64 bytes and OUT 0x02):
  one write ``[0xA0 + n, n bytes]``, then 64-byte reads from 0x82;
* control mode (classic units): drain up to 10 stale packets from 0x81, send
  3-byte pieces as 4-byte SET_REPORT ``[0xA0 + k, k bytes]`` (0x0200), then
  8-byte reads from 0x81.

NULs in the reply: first byte NUL means "no answer" (unit switched off by hand),
a NUL from offset 38 on (the Q1 status bits, Vultech V2000) stands for ``0``, a NUL
anywhere else ends the reply.
"""

from __future__ import annotations

from upskit.transport.base import PortGarbled
from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import Bridge, command_text
from upskit.transport.usb.match import UsbIdentity

#: Commands these units never support: answered locally by echo.
LOCAL_ECHO = frozenset({"QGS", "QS", "QPI", "M", "D"})
#: Largest reply buffer before "no CR" becomes a protocol error.
REPLY_LIMIT = 128
#: From this reply offset on a NUL is a status bit "0".
STATUS_OFFSET = 38


class ReplyDecoder:
    """Collects armac packets into the serial reply, one packet at a time."""

    def __init__(self) -> None:
        self.reply = bytearray()
        self.done = False
        self.switched_off = False

    def feed(self, packet: bytes) -> bool:
        """Take one packet; True once the reply is complete."""
        count = min(packet[0] & 0x3F, len(packet) - 1) if packet else 0
        if count == 0:
            self.done = True
            return True
        for byte in packet[1:1 + count]:
            if byte == 0:
                if not self.reply:
                    self.switched_off = self.done = True
                    return True
                if len(self.reply) >= STATUS_OFFSET:
                    self.reply.append(0x30)
                    continue
                self.done = True
                return True
            self.reply.append(byte)
            if byte == 0x0D:
                self.done = True
                return True
        return False

    @property
    def result(self) -> bytes:
        return b"" if self.switched_off else bytes(self.reply)


def decode_packets(packets: list[bytes]) -> bytes:
    """Decode armac packets (control byte + data) into the serial reply."""
    decoder = ReplyDecoder()
    for packet in packets:
        if decoder.feed(packet):
            break
    return decoder.result


class ArmacBridge(Bridge):
    """Armac: control-byte framed packets; interrupt or control mode by descriptor."""

    name = "armac"

    def setup(self, io: UsbIo, ident: UsbIdentity) -> None:
        eps = [e for e in io.endpoints() if e.kind == "interrupt"]
        addresses = {e.address: e for e in eps}
        self.interrupt_mode = (
            io.interface_count() == 1
            and len(eps) == 2
            and 0x82 in addresses
            and addresses[0x82].max_packet == 64
            and 0x02 in addresses
        )

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        text = command_text(command)
        if text in LOCAL_ECHO:
            return command
        payload = command + b"\x00"
        if getattr(self, "interrupt_mode", False):
            io.write(0x02, bytes([0xA0 + len(payload)]) + payload, 1000)
            endpoint, size = 0x82, 64
        else:
            self.drain(io, 0x81, 8, 100, 10)
            for start in range(0, len(payload), 3):
                piece = payload[start:start + 3]
                io.set_report(0x0200, (bytes([0xA0 + len(piece)]) + piece).ljust(4, b"\x00"),
                              1000)
            endpoint, size = 0x81, 8
        io.pause(0.002)
        return self._receive(io, endpoint, size, timeout_ms)

    def _receive(self, io: UsbIo, endpoint: int, size: int, timeout_ms: int) -> bytes:
        decoder = ReplyDecoder()
        while True:
            packet = io.read(endpoint, size, timeout_ms)
            if not packet:
                break  # zero-length read: what we have is the reply
            if decoder.feed(packet):
                break
            if len(decoder.reply) >= REPLY_LIMIT:
                raise PortGarbled(f"armac reply without CR after {len(decoder.reply)} bytes")
            if (packet[0] & 0x3F) <= 2:
                io.pause(0.010)
        return decoder.result
