"""What every simulated command/reply device provides."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class CommandResponder(Protocol):
    """The device side of a command/reply protocol (the UPS's "brain").

    ``respond`` takes one complete command including its terminator (``b"Q1\\r"``)
    and returns the reply bytes exactly as the device would put them on its serial
    line (``b"(226.0 ...\\r"``), ``b""`` for a command the device accepts silently,
    or ``None`` for silence (no reply at all, as after an unknown command on some
    units).  Serial ports, ptys and every simulated USB bridge put the same
    responder behind their own wire format.
    """

    def respond(self, command: bytes) -> bytes | None: ...
