"""Fuji bridge (0001:0000 "ATCL FOR UPS"): one 8-byte interrupt OUT frame per command.

Frame: ``80 06 <len+1> 03 <command, up to 3 chars, NUL-padded> <expected reply
length>``; replies come as NUL-padded 8-byte interrupt packets until a CR.
Commands longer than 3 characters cannot be sent: ``SnRm`` loses its ``Rm``
(the restart delay is ignored), ``S..R0000`` / stay-off is echoed as unsupported.
"""

from __future__ import annotations

from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import CR, MAX_REPLY, Bridge, command_text

#: Expected reply lengths the chip wants to know in advance.
REPLY_LENGTHS = {"Q1": 47, "F": 22, "I": 39}


def fuji_frame(text: str) -> bytes | None:
    """The 8-byte OUT frame for ``text``, or None when the chip cannot send it."""
    if text.startswith("S") and "R" in text:
        delay, _, restart = text[1:].partition("R")
        if restart.strip("0") == "":
            return None  # stay-off: impossible on this chip
        text = "S" + delay
    if len(text) > 3:
        return None
    raw = text.encode("ascii", "replace")
    return bytes([0x80, 0x06, len(raw) + 1, 0x03]) + raw.ljust(3, b"\x00") + bytes(
        [REPLY_LENGTHS.get(text, 0)]
    )


class FujiBridge(Bridge):
    """Fuji: interrupt OUT frame on 0x02, NUL-padded 8-byte reads from 0x81."""

    name = "fuji"

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        text = command_text(command)
        frame = fuji_frame(text)
        if frame is None:
            return command  # echo: unsupported
        io.write(0x02, frame, 5000)
        if REPLY_LENGTHS.get(text, 0) == 0 and not text.startswith("Q"):
            return b""
        reply = b""
        while CR not in reply and len(reply) < MAX_REPLY:
            packet = io.read(0x81, 8, timeout_ms)
            reply += packet.split(b"\x00", 1)[0]
        return reply[: reply.find(CR) + 1] if CR in reply else reply
