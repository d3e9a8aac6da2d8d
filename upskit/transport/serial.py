"""Serial ports through pyserial: 2400 8N1, CR-framed replies, exclusive open.

pyserial opens the port and sets termios; exchanges then run on the event loop
itself: the command goes out with non-blocking ``os.write`` on pyserial's file
descriptor and the loop watches that descriptor for the reply (``add_reader``), so
a thousand serial UPSes cost no thread each.  Only opening and closing, which the
kernel may make wait, run in a worker thread.  Before each command, stale input is
flushed.  A second opener of the same port gets :class:`PortBusy`; I/O errors
(unplugged adapter) give :class:`PortGone`, and the driver reopens the port later.

The port also offers the modem-control lines (:class:`ModemLines`).

Options (:class:`~upskit.transport.options.SerialOptions`): ``baud`` / ``baudrate``
(2400), ``serial_timeout`` (seconds, 1.0) and ``cablepower`` (``normal``: DTR on, RTS
off; ``reverse``; ``both``; ``none``).
Cable power is best-effort: ptys and some adapters refuse modem lines (ENOTTY).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import struct
import termios
from collections.abc import Mapping

import serial

from upskit.options import Given
from upskit.transport.base import PortBusy, PortGone, PortSilent, Transport
from upskit.transport.lines import LineState, LinesUnsupported, ModemLines
from upskit.transport.options import SerialOptions
from upskit.transport.url import PortScheme

_CABLEPOWER = {"normal": (True, False), "reverse": (False, True), "both": (True, True)}
#: ioctl errors meaning "this port has no modem lines" rather than "it is gone".
_NO_LINES = (errno.ENOTTY, errno.EINVAL)


class SerialTransport(Transport, ModemLines):
    """A CR-framed command/reply serial line with modem-control lines."""

    def __init__(self, url: str, path: str, baudrate: int = 2400, timeout: float = 1.0,
                 cablepower: str = "normal", terminator: bytes = b"\r") -> None:
        super().__init__(url)
        self.path = path
        self.baudrate = baudrate
        self.timeout = timeout
        self.cablepower = cablepower
        self.terminator = terminator
        self._port: serial.Serial | None = None
        self._turn = asyncio.Lock()
        #: DTR/RTS to open with and keep on close (:meth:`keep_outputs`), if asked.
        self._keep: tuple[bool, bool] | None = None

    @property
    def is_open(self) -> bool:
        return self._port is not None and bool(self._port.is_open)

    def describe(self) -> str:
        return f"{self.path} ({self.baudrate} baud)"

    # ------------------------------------------------------------ open/close
    def make_serial(self) -> serial.Serial:
        """The opened pyserial port (runs in a worker thread)."""
        port = serial.Serial(None, self.baudrate, bytesize=8, parity="N", stopbits=1,
                             timeout=self.timeout, write_timeout=self.timeout, exclusive=True)
        port.port = self.path
        if self._keep is not None:
            # pyserial applies these right after opening, instead of raising both
            port.dtr, port.rts = self._keep
        port.open()
        return port

    def keep_outputs(self, dtr: bool, rts: bool) -> None:
        self._keep = (dtr, rts)

    async def open(self) -> None:
        self._port = await asyncio.to_thread(self._open)

    def _open(self) -> serial.Serial:
        try:
            port = self.make_serial()
        except serial.SerialException as exc:
            text = str(exc)
            if "lock" in text.lower() or "busy" in text.lower():
                raise PortBusy(f"{self.path} is in use by another program: {text}") from exc
            raise PortGone(f"cannot open {self.path}: {text}") from exc
        except (OSError, ValueError) as exc:
            raise PortGone(f"cannot open {self.path}: {exc}") from exc
        lines = self._keep or _CABLEPOWER.get(self.cablepower.lower())
        if lines is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                port.dtr, port.rts = lines
        if self._keep is not None:
            _no_hangup_on_close(port)
        return port

    async def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(port.close)

    def _require(self) -> serial.Serial:
        port = self._port
        if port is None:
            raise PortGone(f"{self.path} is not open")
        return port

    async def _gone(self, exc: BaseException) -> PortGone:
        await self.close()
        return PortGone(f"{self.path}: {exc}")

    # --------------------------------------------------------------- exchange
    async def exchange(self, command: bytes, timeout: float | None = None) -> bytes:
        limit = self.timeout if timeout is None else timeout
        async with self._turn:
            port = self._require()
            try:
                fd = port.fileno()
                os.set_blocking(fd, False)
                termios.tcflush(fd, termios.TCIFLUSH)
                await _write_all(fd, bytes(command), limit)
                reply = await _read_reply(fd, self.terminator, limit)
            except (OSError, termios.error, serial.SerialException, EOFError) as exc:
                raise await self._gone(exc) from exc
        if not reply:
            raise PortSilent(f"{self.path}: no reply to {command!r} within {limit:g} s")
        return reply

    # ------------------------------------------------------------ modem lines
    async def read_lines(self) -> LineState:
        port = self._require()
        try:
            fd = _fileno(port)
            if fd is None:
                return LineState(cts=bool(port.cts), dsr=bool(port.dsr), ri=bool(port.ri),
                                 cd=bool(port.cd))
            # one TIOCMGET: the four lines of one moment, not four moments
            bits = struct.unpack("I", fcntl.ioctl(fd, termios.TIOCMGET, struct.pack("I", 0)))[0]
            return LineState(cts=bool(bits & termios.TIOCM_CTS), dsr=bool(bits & termios.TIOCM_DSR),
                             ri=bool(bits & termios.TIOCM_RI), cd=bool(bits & termios.TIOCM_CD))
        except (OSError, serial.SerialException) as exc:
            raise await self._line_error(exc, "read the modem lines") from exc

    async def set_dtr(self, on: bool) -> None:
        await self._set_line("dtr", on)

    async def set_rts(self, on: bool) -> None:
        await self._set_line("rts", on)

    async def _set_line(self, name: str, on: bool) -> None:
        port = self._require()
        try:
            setattr(port, name, on)
        except (OSError, serial.SerialException) as exc:
            raise await self._line_error(exc, f"set {name.upper()}") from exc

    async def set_outputs(self, dtr: bool, rts: bool) -> None:
        fd = _fileno(self._require())
        if fd is None:
            await super().set_outputs(dtr, rts)
            return
        try:
            state = struct.unpack("I", fcntl.ioctl(fd, termios.TIOCMGET, struct.pack("I", 0)))[0]
            state &= ~(termios.TIOCM_DTR | termios.TIOCM_RTS)
            state |= (termios.TIOCM_DTR if dtr else 0) | (termios.TIOCM_RTS if rts else 0)
            fcntl.ioctl(fd, termios.TIOCMSET, struct.pack("I", state))
        except (OSError, serial.SerialException) as exc:
            raise await self._line_error(exc, "set DTR and RTS") from exc

    async def send_break(self, seconds: float = 0.25) -> None:
        port = self._require()
        try:
            port.break_condition = True
            try:
                await asyncio.sleep(seconds)
            finally:
                port.break_condition = False
        except (OSError, serial.SerialException) as exc:
            raise await self._line_error(exc, "send BREAK") from exc

    async def _line_error(self, exc: BaseException, what: str) -> Exception:
        if isinstance(exc, OSError) and exc.errno in _NO_LINES:
            return LinesUnsupported(f"{self.path} cannot {what}: {exc.strerror}")
        return await self._gone(exc)


def _fileno(port: serial.Serial) -> int | None:
    """The port's descriptor, or None for one without (pyserial's ``loop://``)."""
    try:
        fd = port.fileno()
    except (AttributeError, OSError, serial.SerialException):
        return None
    return fd if isinstance(fd, int) else None


def _no_hangup_on_close(port: serial.Serial) -> None:
    """Clear HUPCL, so closing the port leaves DTR/RTS where they are (a contact-closure
    UPS reads a dropped line as a command).  Best-effort: a port without termios keeps
    its default."""
    with contextlib.suppress(AttributeError, OSError, termios.error, serial.SerialException):
        fd = port.fileno()
        attrs = termios.tcgetattr(fd)
        attrs[2] &= ~termios.HUPCL
        termios.tcsetattr(fd, termios.TCSANOW, attrs)


async def _write_all(fd: int, data: bytes, limit: float) -> None:
    """Write ``data`` to non-blocking ``fd``, waiting on the loop when the line is full."""
    loop = asyncio.get_running_loop()
    view = memoryview(data)
    async with asyncio.timeout(limit):
        while view:
            try:
                view = view[os.write(fd, view):]
                continue
            except BlockingIOError:
                pass
            writable = loop.create_future()
            loop.add_writer(fd, writable.set_result, None)
            try:
                await writable
            finally:
                loop.remove_writer(fd)


async def _read_reply(fd: int, terminator: bytes, limit: float) -> bytes:
    """Bytes from ``fd`` up to and including ``terminator``, or what came within ``limit``."""
    loop = asyncio.get_running_loop()
    reply = bytearray()
    done: asyncio.Future[None] = loop.create_future()

    def readable() -> None:
        if done.done():
            return
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:
            return
        except OSError as exc:
            done.set_exception(exc)
            return
        if not chunk:
            done.set_exception(EOFError("the line was closed"))
            return
        reply.extend(chunk)
        if terminator in reply:
            done.set_result(None)

    loop.add_reader(fd, readable)
    try:
        async with asyncio.timeout(limit):
            await done
    except TimeoutError:
        pass
    finally:
        loop.remove_reader(fd)
    end = reply.find(terminator)
    return bytes(reply if end < 0 else reply[: end + len(terminator)])


def make_transport(url: str, options: Mapping[str, Given]) -> Transport:
    """Port factory for plain paths and ``serial://`` URLs (``options``: the serial ones)."""
    opts = SerialOptions.of(options)
    path = url.split("://", 1)[1] if url.startswith("serial://") else url
    return SerialTransport(url, path, opts.speed, opts.serial_timeout, opts.cablepower)


#: The serial port scheme: plain paths and ``serial://`` URLs.
SCHEME = PortScheme(make_transport, SerialOptions)
