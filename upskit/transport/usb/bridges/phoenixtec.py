"""Phoenixtec (Masterguard A series, 06da:0002 "Phoenixtec Power"/"USB Cable (V2.00)").

Send: the whole command in one vendor control transfer (0x42/0x0d, 1 s).
Receive: interrupt reads from 0x81 until CR.  Commands that never get an answer
return at once with an empty reply.
"""

from __future__ import annotations

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import Bridge, command_text, up_to_cr

#: Command prefixes the UPS never answers.
SILENT_PREFIXES = ("T", "TL", "S", "C", "CT", "M", "N", "O", "SRC", "FCLR", "SS", "TUD", "SSN")


def is_silent(text: str) -> bool:
    """Whether ``text`` is a command without answer ("M" must not catch "MSO")."""
    for prefix in SILENT_PREFIXES:
        if not text.startswith(prefix):
            continue
        if prefix == "M" and len(text) > 1 and text[1].isalpha():
            continue
        return True
    return False


class PhoenixtecBridge(Bridge):
    """Phoenixtec: vendor request 0x42/0x0d out, interrupt reads until CR in."""

    name = "phoenixtec"

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        io.control_out(0x42, 0x0D, 0, 0, command, 1000)
        if is_silent(command_text(command)):
            return b""
        # The reply is NUL-terminated after its CR: cut at the CR.
        return up_to_cr(self.read_until_cr(io, 0x81, 8, timeout_ms))
