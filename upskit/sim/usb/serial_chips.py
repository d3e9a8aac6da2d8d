"""Simulated USB-to-serial chips that take written commands (HID reports, vendor
requests or interrupt OUT) and answer with interrupt IN packets.

Each class is one chip's wire format with a responder behind it: cypress (and
phoenix, same chip), gtec, ippon, omron, sgs, phoenixtec, fuji and ablerex.
"""

from __future__ import annotations

from upskit.sim.base import CommandResponder
from upskit.sim.usb.descriptors import DeviceSpec
from upskit.sim.usb.device import SimUsbDevice

CR = b"\r"


class LineDevice(SimUsbDevice):
    """A chip that collects command bytes until CR, then answers."""

    def on_power_on(self) -> None:
        self.line = b""

    def take(self, data: bytes) -> None:
        """Add command bytes (NULs are padding) and answer each complete line."""
        self.line += data.replace(b"\x00", b"")
        while CR in self.line:
            command, _, self.line = self.line.partition(CR)
            self.answer(command + CR)


class CypressDevice(LineDevice):
    """Cypress-style chip: 8-byte SET_REPORT 0x0200 in, 8-byte packets out."""

    report_value = 0x0200

    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        if (request_type, request, value) != (0x21, 0x09, self.report_value):
            return None
        self.take(data)
        return len(data)

    def packets(self, reply: bytes) -> list[bytes]:
        if self.faults.chunking:
            return self.chunked(reply, 8)
        padded = reply + b"\x00" * (-len(reply) % 8)
        return [padded[i:i + 8] for i in range(0, len(padded), 8)]


class GtecDevice(CypressDevice):
    """Gtec ZP120N chip: SET_REPORT 0x0002; falls off the bus when read 8 bytes at a time."""

    report_value = 0x0002

    def before_read(self, endpoint: int, size: int) -> None:
        if size <= 8:
            self.unplug()

    def packets(self, reply: bytes) -> list[bytes]:
        return self.chunked(reply, 8)


class IpponDevice(LineDevice):
    """Ippon / Mustek chip (06da:0003): SET_REPORT 0x0002, replies of exactly 64 bytes.

    Hangs (every class request and read times out until a port reset) when a
    read asks for more than 64 bytes, or when a command arrives while part of the
    previous reply is still unread.
    """

    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        if (request_type, request, value) != (0x21, 0x09, 0x0002):
            return None
        if self.pending() and not self.line:
            self.hung = True
            raise_timeout()
        self.take(data)
        return len(data)

    def before_read(self, endpoint: int, size: int) -> None:
        if size > 64:
            self.hung = True

    def deliver(self, reply: bytes | None) -> None:
        body = (reply or b"\x00\r")[:64]
        padded = body.ljust(64, b"\x00")
        self.queue_packets(0x81, [padded[i:i + 8] for i in range(0, 64, 8)])


def raise_timeout() -> None:
    from upskit.sim.usb.backend import usb_error

    raise usb_error("TIMEOUT")


class OmronDevice(LineDevice):
    """Omron chip: 16-byte SET_REPORT 0x0002 reports in, one packet (≤64) out."""

    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        if (request_type, request, value) != (0x21, 0x09, 0x0002) or len(data) != 16:
            return None
        self.take(data)
        return 16

    def packets(self, reply: bytes) -> list[bytes]:
        return [reply[:63]]


class SgsDevice(LineDevice):
    """SGS chip: ``[n, data]`` 8-byte reports both ways."""

    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        if (request_type, request, value) != (0x21, 0x09, 0x0200) or not data:
            return None
        self.take(data[1:1 + min(data[0], 7)])
        return len(data)

    def packets(self, reply: bytes) -> list[bytes]:
        out = []
        for piece in self.chunked(reply, 7):
            out.append((bytes([len(piece)]) + piece).ljust(8, b"\x00"))
        return out


class PhoenixtecDevice(LineDevice):
    """Masterguard chip: vendor request 0x42/0x0d carries the whole command."""

    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        if (request_type, request, value, index) != (0x42, 0x0D, 0, 0):
            return None
        self.take(data)
        return len(data)

    def packets(self, reply: bytes) -> list[bytes]:
        return self.chunked(reply + b"\x00", 8)


class FujiDevice(LineDevice):
    """Fuji chip: 8-byte interrupt OUT frames ``80 06 n 03 cmd.. len``; NUL-padded replies."""

    def interrupt_out(self, endpoint: int, data: bytes) -> int | None:
        if endpoint != 0x02 or len(data) != 8 or data[:2] != b"\x80\x06" or data[3] != 3:
            return None
        text = data[4:4 + max(0, data[2] - 1)].rstrip(b"\x00")
        self.answer(text + CR)
        return 8

    def packets(self, reply: bytes) -> list[bytes]:
        return [p.ljust(8, b"\x00") for p in self.chunked(reply, 8)]


class AblerexDevice(SimUsbDevice):
    """Ablerex chip: feature report 5 written with the command, read back with the reply."""

    def on_power_on(self) -> None:
        self.feature = b""

    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        if (request_type, request, value) != (0x21, 0x09, 0x0305) or data[:2] != b"\x05\x00":
            return None
        text = data[3:3 + max(0, data[2] - 1)]
        self.feature = b""
        self.answer(text + CR)
        return len(data)

    def deliver(self, reply: bytes | None) -> None:
        self.feature = reply or b""

    def control_in(self, request_type: int, request: int, value: int, index: int,
                   length: int) -> bytes | None:
        if (request_type, request, value) != (0xA1, 0x01, 0x0305):
            return None
        if self.replay is not None and self.in_queue.get(0x81):
            self.feature = self.in_queue[0x81].popleft()
        return self.feature.ljust(47, b"\x00")[:length]


def make(cls: type[SimUsbDevice], spec: DeviceSpec,
         responder: CommandResponder | None) -> SimUsbDevice:
    """Build a chip of class ``cls`` (small helper for the catalog)."""
    return cls(spec, responder)
