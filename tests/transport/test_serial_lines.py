"""The modem-lines capability of serial ports.

A pty has no modem lines (the kernel answers ENOTTY), so on a real pty the test checks
that this is reported as :class:`LinesUnsupported` while BREAK and exchanges work.  The
lines themselves are exercised through pyserial's own ``loop://`` port, whose CTS
follows RTS and DSR follows DTR.
"""

from __future__ import annotations

import pytest
import serial

from upskit.sim.pty import PtyServer
from upskit.transport import (
    LineState,
    LinesUnsupported,
    ModemLines,
    PortGone,
    Transport,
    open_transport,
)
from upskit.transport.serial import SerialTransport


class LoopbackSerial(SerialTransport):
    """A serial port on pyserial's loopback: modem lines without hardware."""

    def make_serial(self) -> serial.Serial:
        return serial.serial_for_url("loop://", self.baudrate, timeout=self.timeout)


async def test_serial_ports_offer_both_capabilities(pty_sim: PtyServer) -> None:
    port = open_transport(pty_sim.path, {})
    assert isinstance(port, Transport) and isinstance(port, ModemLines)


async def test_pty_refuses_lines_but_sends_break_and_keeps_working(pty_sim: PtyServer) -> None:
    async with open_transport(pty_sim.path, {}) as port:
        assert isinstance(port, ModemLines)
        with pytest.raises(LinesUnsupported, match="modem lines"):
            await port.read_lines()
        with pytest.raises(LinesUnsupported, match="DTR"):
            await port.set_dtr(True)
        with pytest.raises(LinesUnsupported, match="RTS"):
            await port.set_rts(False)
        await port.send_break(0.05)
        assert port.is_open
        assert (await port.exchange(b"Q1\r")).startswith(b"(")


async def test_lines_follow_the_loopback() -> None:
    async with LoopbackSerial("loop://", "loop://", cablepower="none") as port:
        await port.set_rts(True)
        await port.set_dtr(False)
        state = await port.read_lines()
        assert state.cts and not state.dsr
        await port.set_rts(False)
        await port.set_dtr(True)
        state = await port.read_lines()
        assert not state.cts and state.dsr
        assert state.get("DCD") is state.cd and state.get("dsr")
        await port.send_break(0.01)
    with pytest.raises(PortGone):
        await port.read_lines()


async def test_cablepower_sets_the_lines_at_open() -> None:
    async with LoopbackSerial("loop://", "loop://", cablepower="reverse") as port:
        state = await port.read_lines()
        assert state.cts and not state.dsr  # reverse: DTR off, RTS on


def test_line_names_are_checked() -> None:
    state = LineState(cts=True, dsr=False, ri=False, cd=True)
    with pytest.raises(ValueError, match="known: cts"):
        state.get("dtr")
