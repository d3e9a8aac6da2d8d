"""Shared logic of the bridges that answer through USB string descriptors.

Krauler, Fabula, Hunnox and SNR chips never take a written command: each
Megatec command is a string-descriptor index and the "string" the device returns
is the serial reply.  With ``langid_fix`` the raw descriptor is fetched with that
LANGID, its length byte checked against the transfer, and UTF-16LE folded to
ASCII (a non-zero high byte becomes ``?``).
"""

from __future__ import annotations

import re
from typing import ClassVar

from upskit.transport.base import PortGarbled, PortSilent
from upskit.transport.usb.access import UsbIo
from upskit.transport.usb.bridges.base import Bridge, command_text, with_cr

NO_ACK = "UPS No Ack"


def fold_utf16(raw: bytes) -> str:
    """Text of a raw string descriptor: UTF-16LE folded to ASCII."""
    body = raw[2:]
    chars = []
    for i in range(0, len(body) - 1, 2):
        low, high = body[i], body[i + 1]
        chars.append(chr(low) if high == 0 and low < 128 else "?")
    return "".join(chars)


def shutdown_index(text: str) -> int | None:
    """String index of a Fabula-style ``S<n>[R<m>]`` command, or None if not one.

    The delay is clamped to 0.5 .. 10 minutes; below one minute the tenths pick
    the index, from one minute the whole minutes; a restarting shutdown (no ``R``
    part, or ``R`` not zero) adds 8.
    """
    found = re.fullmatch(r"S(\d*\.?\d+)(?:R(\d+))?", text)
    if found is None:
        return None
    delay = min(max(float(found.group(1)), 0.5), 10.0)
    restart = found.group(2) is None or int(found.group(2)) != 0
    index = 16 + round((delay - 0.5) * 10) * 16 if delay < 1 else 96 + (int(delay) - 1) * 16
    return index + (8 if restart else 0)


class StringBridge(Bridge):
    """A bridge whose commands are string-descriptor reads."""

    #: Command (without CR) -> string index.
    indexes: ClassVar[dict[str, int]] = {}
    #: Replies whose first character the chip garbles, and what it must be.
    leaders: ClassVar[dict[str, bytes]] = {"Q1": b"(", "F": b"#", "I": b"#"}
    #: Reads per command while the chip says "UPS No Ack" (or a bad length).
    retries: ClassVar[int] = 10
    #: Bytes asked per descriptor read.
    read_size: ClassVar[int] = 255
    #: Shutdown commands map to indexes (Fabula family).
    maps_shutdown: ClassVar[bool] = False
    #: What a final "UPS No Ack" gives: None = silence error, b"" = empty reply.
    no_ack_reply: ClassVar[bytes | None] = None

    def index_of(self, text: str) -> int | None:
        if text in self.indexes:
            return self.indexes[text]
        if self.maps_shutdown:
            return shutdown_index(text)
        return None

    def read_string(self, io: UsbIo, index: int) -> str | None:
        """One descriptor read; None when the answer's length is inconsistent."""
        if self.options.langid_fix is not None:
            raw = io.raw_string(index, self.options.langid_fix, self.read_size)
            if len(raw) < 2 or raw[0] != len(raw):
                return None
            return fold_utf16(raw)
        return io.string(index)

    def before(self, io: UsbIo, index: int) -> None:
        """Chip-specific requests to make before the real one."""

    def exchange(self, io: UsbIo, command: bytes, timeout_ms: int) -> bytes:
        text = command_text(command)
        index = self.index_of(text)
        if index is None:
            return command  # echo = unsupported
        self.before(io, index)
        answer: str | None = None
        for _ in range(max(1, self.retries)):
            answer = self.read_string(io, index)
            if answer is not None and answer != NO_ACK:
                break
        if answer is None:
            raise PortGarbled(f"string {index:#04x} never came with a consistent length")
        if answer == NO_ACK:
            if self.no_ack_reply is not None:
                return self.no_ack_reply
            raise PortSilent(f"UPS No Ack for {text!r} after {self.retries} tries")
        reply = answer.encode("ascii", "replace")
        leader = self.leaders.get(text)
        if leader is not None and reply:
            reply = leader + reply[1:]
        return with_cr(reply)
