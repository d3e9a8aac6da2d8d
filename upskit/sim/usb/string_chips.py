"""Simulated chips that answer through string descriptors (Krauler, Fabula, Hunnox, SNR).

Reading string index N runs the command mapped to N and returns the reply (CR
dropped) as the "string".  Quirks on demand: a LANGID the chip really answers
under (others get "UPS No Ack"), "UPS No Ack" for the
first reads, Hunnox's lock-step, SNR's wake-up read.
"""

from __future__ import annotations

from upskit.sim.base import CommandResponder
from upskit.sim.usb.descriptors import DeviceSpec, string_descriptor
from upskit.sim.usb.device import SimUsbDevice

KRAULER = {0x03: "Q1", 0x0D: "F", 0x0C: "I", 0x04: "T", 0x05: "TL", 0x07: "Q", 0x0B: "C"}
FABULA = {0x03: "Q1", 0x0D: "F", 0x0C: "I", 0x07: "Q", 0x0A: "C"}
HUNNOX = {**FABULA, 0xF3: "BL"}
SNR = {0x03: "Q1", 0x0D: "F", 0x0C: "I"}


def shutdown_command(index: int) -> str | None:
    """The ``S..`` command a Fabula-family shutdown index stands for."""
    restart = bool(index & 8)
    base = index & ~8
    if 16 <= base < 96 and (base - 16) % 16 == 0:
        text = f"S.{5 + (base - 16) // 16}"
    elif 96 <= base <= 240 and (base - 96) % 16 == 0:
        text = f"S{1 + (base - 96) // 16:02d}"
    else:
        return None
    return text if restart else text + "R0000"


class StringDevice(SimUsbDevice):
    """A chip whose commands are string-descriptor indexes."""

    def __init__(self, spec: DeviceSpec, responder: CommandResponder | None,
                 table: dict[int, str], *, shutdowns: bool = False,
                 answer_langid: int | None = None, no_ack: int = 0,
                 lockstep: bool = False, wake: bool = False) -> None:
        self.table = table
        self.shutdowns = shutdowns
        self.answer_langid = answer_langid
        self.no_ack = no_ack
        self.lockstep = lockstep
        self.wake = wake
        super().__init__(spec, responder)

    def on_power_on(self) -> None:
        self.zero_reads = 0
        self.awake = False

    def before_read(self, endpoint: int, size: int) -> None:
        if endpoint == 0x81:
            self.awake = True

    def command_for(self, index: int) -> str | None:
        if index in self.table:
            return self.table[index]
        return shutdown_command(index) if self.shutdowns else None

    def string(self, index: int, langid: int) -> bytes | None:
        if index == 0:
            self.zero_reads += 1
        command = self.command_for(index) if index > 2 else None
        if command is None:
            return super().string(index, langid)
        if self.replay is not None:
            group = self.replay.popleft() if self.replay else [b""]
            return group[0] if group else b""
        if self.wake and not self.awake:
            return b"\x02\x03" + b"\x00" * 100  # zeros until woken
        self.awake = False
        if self.lockstep and self.zero_reads < 2:
            return string_descriptor("UPS No Ack")
        if self.no_ack > 0:
            self.no_ack -= 1
            return string_descriptor("UPS No Ack")
        if self.answer_langid is not None and langid != self.answer_langid:
            return string_descriptor("UPS No Ack")  # asked in the wrong language
        reply = self.respond((command + "\r").encode())
        if reply is None:
            return string_descriptor("UPS No Ack")
        return string_descriptor(reply.rstrip(b"\r").decode("ascii", "replace"))
