"""Serial ports through pyserial: 2400 8N1, CR-framed replies, exclusive open.

Blocking pyserial calls run in a worker thread with short timeouts, so the event
loop stays responsive.  Before each command, stale input is flushed.  A second
opener of the same port gets :class:`PortBusy`; I/O errors (unplugged adapter) give
:class:`PortGone`, and the driver reopens the port later.

Options: ``baud`` / ``baudrate`` (2400), ``timeout`` (seconds, 1.0) and
``cablepower`` (``normal``: DTR on, RTS off; ``reverse``; ``both``; ``none``).
Modem-line changes are best-effort: ptys and some adapters refuse them (ENOTTY).
"""

from __future__ import annotations

import asyncio
import contextlib
import termios
import time
from collections.abc import Mapping
from typing import Any

import serial

from upskit.transport.base import PortBusy, PortGone, PortSilent, Transport

_CABLEPOWER = {"normal": (True, False), "reverse": (False, True), "both": (True, True)}


class SerialTransport(Transport):
    """A CR-framed command/reply serial line."""

    def __init__(self, url: str, path: str, baudrate: int = 2400, timeout: float = 1.0,
                 cablepower: str = "normal", terminator: bytes = b"\r") -> None:
        super().__init__(url)
        self.path = path
        self.baudrate = baudrate
        self.timeout = timeout
        self.cablepower = cablepower
        self.terminator = terminator
        self._port: serial.Serial | None = None

    @property
    def is_open(self) -> bool:
        return self._port is not None and bool(self._port.is_open)

    def describe(self) -> str:
        return f"{self.path} ({self.baudrate} baud)"

    async def open(self) -> None:
        self._port = await asyncio.to_thread(self._open)

    def _open(self) -> serial.Serial:
        try:
            port = serial.Serial(self.path, self.baudrate, bytesize=8, parity="N", stopbits=1,
                                 timeout=self.timeout, write_timeout=self.timeout,
                                 exclusive=True)
        except serial.SerialException as exc:
            text = str(exc)
            if "lock" in text.lower() or "busy" in text.lower():
                raise PortBusy(f"{self.path} is in use by another program: {text}") from exc
            raise PortGone(f"cannot open {self.path}: {text}") from exc
        except (OSError, ValueError) as exc:
            raise PortGone(f"cannot open {self.path}: {exc}") from exc
        lines = _CABLEPOWER.get(self.cablepower.lower())
        if lines is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                port.dtr, port.rts = lines
        return port

    async def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(port.close)

    async def exchange(self, command: bytes, timeout: float | None = None) -> bytes:
        port = self._port
        if port is None:
            raise PortGone(f"{self.path} is not open")
        limit = self.timeout if timeout is None else timeout
        try:
            reply = await asyncio.to_thread(self._exchange, port, command, limit)
        except (OSError, termios.error, serial.SerialException) as exc:
            await self.close()
            raise PortGone(f"{self.path}: {exc}") from exc
        if not reply:
            raise PortSilent(f"{self.path}: no reply to {command!r} within {limit:g} s")
        return reply

    def _exchange(self, port: serial.Serial, command: bytes, limit: float) -> bytes:
        port.reset_input_buffer()
        port.write(command)
        port.flush()
        deadline = time.monotonic() + limit
        reply = bytearray()
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            port.timeout = remaining
            chunk = port.read(max(1, port.in_waiting))
            if not chunk:
                break
            reply += chunk
            end = reply.find(self.terminator)
            if end >= 0:
                return bytes(reply[: end + len(self.terminator)])
        return bytes(reply)


def make_transport(url: str, options: Mapping[str, Any]) -> Transport:
    """Port factory for plain paths and ``serial://`` URLs."""
    path = url.split("://", 1)[1] if url.startswith("serial://") else url
    baud = options.get("baudrate") or options.get("baud") or 2400
    timeout = options.get("serial_timeout") or 1.0
    cablepower = options.get("cablepower")
    return SerialTransport(url, path, int(baud), float(timeout),
                           cablepower if isinstance(cablepower, str) else "normal")
