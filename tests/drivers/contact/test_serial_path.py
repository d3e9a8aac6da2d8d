"""genericups through the real serial path: unmodified pyserial and upskit's serial port
on a real pseudo-terminal, with the modem lines injected at the ioctl layer.

A pty has no modem lines (the kernel answers ENOTTY), so ``fcntl.ioctl`` is replaced
for the pty's descriptors only: TIOCMGET answers the simulated UPS's lines,
TIOCMSET/TIOCMBIS/TIOCMBIC drive them, TIOCSBRK/TIOCCBRK time a BREAK.  Everything
else (opening, termios, HUPCL, locking) is the real kernel's.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import termios
import time
from collections.abc import Callable, Iterator

import pytest
from serial import serialposix

from upskit.drivers.contact.driver import ContactDriver
from upskit.model import CmdResult, Device
from upskit.sim.contact import ContactUps
from upskit.transport import open_port
from upskit.transport.lines import ModemLines

_BITS = {"cts": termios.TIOCM_CTS, "dsr": termios.TIOCM_DSR, "ri": termios.TIOCM_RI,
         "cd": termios.TIOCM_CD}


class FakeModem:
    """The ioctls of one pty's descriptors, answered by a :class:`ContactUps`."""

    def __init__(self, path: str, ups: ContactUps, real: Callable[..., object]) -> None:
        self.path = path
        self.ups = ups
        self.real = real
        self.calls: list[int] = []
        self._break_from: float | None = None

    def mine(self, fd: object) -> bool:
        if not isinstance(fd, int):
            return False
        with contextlib.suppress(OSError):
            return os.path.realpath(f"/proc/self/fd/{fd}") == self.path
        return False

    def outputs(self) -> tuple[bool, bool]:
        # a tty just opened has both raised (the kernel does it, HUPCL or not)
        return self.ups.outputs if self.ups.outputs is not None else (True, True)

    def ioctl(self, fd: object, request: int, arg: object = 0, *rest: object) -> object:
        if not self.mine(fd):
            return self.real(fd, request, arg, *rest)
        self.calls.append(request)
        dtr, rts = self.outputs()
        if request == termios.TIOCMGET:
            state = self.ups.inputs()
            bits = sum(bit for name, bit in _BITS.items() if getattr(state, name))
            bits |= (termios.TIOCM_DTR if dtr else 0) | (termios.TIOCM_RTS if rts else 0)
            return struct.pack("I", bits)
        if request in (termios.TIOCMSET, termios.TIOCMBIS, termios.TIOCMBIC):
            assert isinstance(arg, bytes)
            bits = struct.unpack("I", arg)[0]
            if request == termios.TIOCMSET:
                dtr, rts = bool(bits & termios.TIOCM_DTR), bool(bits & termios.TIOCM_RTS)
            else:
                on = request == termios.TIOCMBIS
                dtr = on if bits & termios.TIOCM_DTR else dtr
                rts = on if bits & termios.TIOCM_RTS else rts
            self.ups.drive(dtr, rts)
            return arg
        if request == serialposix.TIOCSBRK:
            self._break_from = time.monotonic()
            return 0
        if request == serialposix.TIOCCBRK:
            if self._break_from is not None:
                self.ups.broke(time.monotonic() - self._break_from)
                self._break_from = None
            return 0
        return self.real(fd, request, arg, *rest)


@pytest.fixture
def pty() -> Iterator[tuple[int, str]]:
    master, slave = os.openpty()
    try:
        yield slave, os.ttyname(slave)
    finally:
        for fd in (master, slave):
            with contextlib.suppress(OSError):
                os.close(fd)


def modem(monkeypatch: pytest.MonkeyPatch, path: str, upstype: int,
          query: str = "") -> FakeModem:
    from upskit.sim.contact import build

    fake = FakeModem(path, build(f"contact/{upstype}", dict(
        item.split("=", 1) for item in query.split("&") if item)), fcntl.ioctl)
    monkeypatch.setattr(fcntl, "ioctl", fake.ioctl)
    return fake


async def test_status_and_shutdown_lines_through_pyserial(
        monkeypatch: pytest.MonkeyPatch, pty: tuple[int, str]) -> None:
    slave, path = pty
    fake = modem(monkeypatch, path, 2)  # CP=RTS, OL=-CTS, LB=DCD, SD=DTR+RTS
    ups = fake.ups
    device = Device("ups")
    driver = ContactDriver(device, {"port": path, "upstype": "2", "debounce": "0",
                                    "sdtime": "0.2"})
    await driver.open()
    await driver.initialise()
    # opened at the cable-power levels: DTR dropped, RTS kept, never both dropped after
    assert ups.outputs == (False, True)
    assert termios.tcgetattr(slave)[2] & termios.HUPCL == 0  # no hang-up on close
    assert device.get("ups.status") == "OL"
    ups.mains(False)
    await driver.poll()
    assert device.get("ups.status") == "OB"
    with ups.physics.lock:
        ups.physics.charge = 0.05
    await driver.poll()
    assert device.get("ups.status") == "OB LB"
    assert termios.TIOCMGET in fake.calls
    started = time.monotonic()
    assert await driver.shutdown() is CmdResult.HANDLED
    assert time.monotonic() - started >= 0.2
    assert termios.TIOCMSET in fake.calls  # both lines in one call
    await driver.close()
    assert ups.outputs == (True, True)  # still held after closing
    held = ups.held(True, True)
    assert held is not None and held >= 0.2
    assert ups.kinds()[-1] == "shutdown"


async def test_break_through_pyserial(monkeypatch: pytest.MonkeyPatch,
                                      pty: tuple[int, str]) -> None:
    _slave, path = pty
    fake = modem(monkeypatch, path, 15, "mains=off")  # Powerware 5119: SD=ST
    driver = ContactDriver(Device("ups"), {"port": path, "upstype": "15", "sdtime": "0.1"})
    await driver.open()
    await driver.initialise()
    assert await driver.shutdown() is CmdResult.HANDLED
    await driver.close()
    brk = [e for e in fake.ups.events if e.kind == "break"]
    assert len(brk) == 1 and brk[0].seconds >= 0.1
    assert fake.ups.kinds()[-1] == "shutdown"
    assert {serialposix.TIOCSBRK, serialposix.TIOCCBRK} <= set(fake.calls)


async def test_set_outputs_is_one_tiocmset_and_keeps_the_other_bits(
        monkeypatch: pytest.MonkeyPatch, pty: tuple[int, str]) -> None:
    _slave, path = pty
    fake = modem(monkeypatch, path, 7)
    port = open_port(path, {"cablepower": "none"}, ModemLines)  # type: ignore[type-abstract]
    async with port:
        fake.calls.clear()
        await port.set_outputs(True, False)
        assert fake.calls == [termios.TIOCMGET, termios.TIOCMSET]
        assert fake.ups.outputs == (True, False)
        # no intermediate state showed: the log goes straight from one pair to the next
        await port.set_outputs(False, True)
        changes = [(e.dtr, e.rts) for e in fake.ups.events if e.kind == "outputs"]
        assert changes[-2:] == [(True, False), (False, True)]


async def test_a_port_that_is_not_kept_still_hangs_up_on_close(pty: tuple[int, str]) -> None:
    slave, path = pty
    attrs = termios.tcgetattr(slave)
    attrs[2] |= termios.HUPCL
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    port = open_port(path, {}, ModemLines)  # type: ignore[type-abstract]
    async with port:
        assert termios.tcgetattr(slave)[2] & termios.HUPCL  # the Q* drivers' ports: unchanged


async def test_one_reading_is_one_tiocmget(monkeypatch: pytest.MonkeyPatch,
                                           pty: tuple[int, str]) -> None:
    _slave, path = pty
    fake = modem(monkeypatch, path, 9)  # CP=none, OL=-DCD, LB=CTS
    port = open_port(path, {"cablepower": "none"}, ModemLines)  # type: ignore[type-abstract]
    async with port:
        fake.calls.clear()
        fake.ups.mains(False)
        with fake.ups.physics.lock:
            fake.ups.physics.charge = 0.05
        state = await port.read_lines()
        assert fake.calls == [termios.TIOCMGET]  # the four lines of one moment
        assert (state.cd, state.cts, state.dsr, state.ri) == (True, True, False, False)
