"""The modem-control lines capability: read CTS/DCD/DSR/RI, set DTR/RTS, send BREAK.

Contact-closure UPSes (NUT's genericups) signal on these lines, and smart-cable UPSes
take their cable power from DTR/RTS.  Every method may raise
:class:`~upskit.transport.base.PortGone` when the port vanished; a port whose lines
cannot be driven at all (a pty, some adapters) raises :class:`LinesUnsupported`.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from upskit.transport.base import Port, TransportError


class LinesUnsupported(TransportError):
    """The port has no modem-control lines (a pty, a three-wire adapter)."""


@dataclass(frozen=True, slots=True)
class LineState:
    """The input lines of a serial port at one moment."""

    cts: bool
    dsr: bool
    ri: bool
    cd: bool

    def get(self, name: str) -> bool:
        """One line by its name (``cts``, ``dsr``, ``ri``, ``cd``; ``dcd`` = ``cd``)."""
        key = "cd" if name.lower() == "dcd" else name.lower()
        if key not in ("cts", "dsr", "ri", "cd"):
            raise ValueError(f"unknown modem line {name!r} (known: cts, dsr, ri, cd, dcd)")
        value: bool = getattr(self, key)
        return value


class ModemLines(Port):
    """A port with modem-control lines."""

    @abc.abstractmethod
    async def read_lines(self) -> LineState:
        """The current state of CTS, DSR, RI and CD."""

    @abc.abstractmethod
    async def set_dtr(self, on: bool) -> None:
        """Raise (``True``) or drop DTR."""

    @abc.abstractmethod
    async def set_rts(self, on: bool) -> None:
        """Raise (``True``) or drop RTS."""

    @abc.abstractmethod
    async def send_break(self, seconds: float = 0.25) -> None:
        """Hold the data line in BREAK for ``seconds``, then release it."""

    async def set_outputs(self, dtr: bool, rts: bool) -> None:
        """Set DTR and RTS together (one TIOCMSET where the port can), so no mixture of
        the old and new levels shows on the wire in between."""
        await self.set_dtr(dtr)
        await self.set_rts(rts)

    def keep_outputs(self, dtr: bool, rts: bool) -> None:
        """Before :meth:`open`: drive DTR/RTS to these levels as the port opens (instead
        of the port's own cable power) and leave them so when it closes (no hang-up on
        close), as a contact-closure cable needs.  Ports without such control ignore it."""
