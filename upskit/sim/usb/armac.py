"""Simulated Armac / Richcomm "PowerManagerII" chip (0925:1234).

Control mode: 4-byte SET_REPORT ``[0xA0 + k, k bytes]`` pieces in, 8-byte
packets out; interrupt mode: ``[0xA0 + n, n bytes]`` on OUT 0x02, 64-byte packets
on IN 0x82.  Each packet is a control byte (low 6 bits = data count, top bits
varying) plus data.  ``data_per_packet`` is 5 or 6 on control-mode units
(6- or 7-byte packets); ``nul_status`` sends the Q1 status bits that are 0 as NULs
(Vultech V2000).
"""

from __future__ import annotations

from upskit.sim.base import CommandResponder
from upskit.sim.usb.descriptors import DeviceSpec
from upskit.sim.usb.device import SimUsbDevice

#: Top bits seen on real units' control bytes.
TOP_BITS = (0x80, 0xC0, 0x80, 0xA0)


class ArmacDevice(SimUsbDevice):
    """A Richcomm chip in control or interrupt mode."""

    def __init__(self, spec: DeviceSpec, responder: CommandResponder | None, *,
                 interrupt_mode: bool = False, data_per_packet: int = 5,
                 nul_status: bool = False) -> None:
        self.interrupt_mode = interrupt_mode
        self.data_per_packet = 63 if interrupt_mode else data_per_packet
        self.nul_status = nul_status
        super().__init__(spec, responder)

    def on_power_on(self) -> None:
        self.command = b""
        self.turn = 0

    def _take(self, data: bytes) -> None:
        self.command += data
        if self.command.endswith(b"\x00"):
            line, self.command = self.command[:-1], b""
            self.answer(line)

    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes) -> int | None:
        if (request_type, request, value) != (0x21, 0x09, 0x0200) or len(data) != 4:
            return None
        count = data[0] - 0xA0
        if not 0 <= count <= 3:
            return None
        self._take(data[1:1 + count])
        return 4

    def interrupt_out(self, endpoint: int, data: bytes) -> int | None:
        if endpoint != 0x02 or not data or not 0 < data[0] - 0xA0 <= len(data) - 1:
            return None
        self._take(data[1:1 + data[0] - 0xA0])
        return len(data)

    def reply_endpoint(self) -> int:
        return 0x82 if self.interrupt_mode else 0x81

    def packets(self, reply: bytes) -> list[bytes]:
        if self.nul_status and len(reply) > 38:
            head, tail = reply[:38], reply[38:]
            reply = head + tail.replace(b"0", b"\x00")
        size = self.endpoint_size(self.reply_endpoint())
        out = []
        for piece in self.chunked(reply, self.data_per_packet):
            top = TOP_BITS[self.turn % len(TOP_BITS)]
            self.turn += 1
            if top & 0x20 and len(piece) < self.data_per_packet:
                top = 0x80  # 0xA0 inflates the count: real units use it on full packets only
            packet = bytes([top | len(piece)]) + piece
            if not self.interrupt_mode:
                packet = packet.ljust(self.data_per_packet + 1, b"\x00")
            out.append(packet[:size])
        return out
