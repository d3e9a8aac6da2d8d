"""A HID port on pyusb: the :class:`~upskit.transport.hid.HidPort` capability on the
shared USB access (the same discovery, claim and reconnect as the Q* bridges).

Reports travel as USB HID class requests on the control pipe (GET_REPORT/SET_REPORT
with ``wValue = type << 8 | report id``); input reports come from the interface's
interrupt IN endpoint.  Options: the USB match options (``vendorid``, ``product``,
``serial`` ...), ``interface`` (0).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import AsyncIterator, Mapping
from typing import Any

from upskit.transport.base import PortBusy, PortGone, PortSilent, TransportError
from upskit.transport.hid import HidPort, ReportType
from upskit.transport.usb.access import WORKERS, PoolSeat, UsbAccess, UsbIo, classify
from upskit.transport.usb.match import RegexMatcher, UsbIdentity, parse_usb_url
from upskit.transport.usbsupport import require_pyusb

#: Milliseconds one interrupt read waits before the stream looks again.
INPUT_POLL_MS = 500
#: Seconds the stream rests after a read that timed out at once (simulated buses).
IDLE_REST = 0.02


class UsbHidPort(HidPort):
    """A HID device on USB, reached through pyusb."""

    def __init__(self, url: str, options: Mapping[str, Any] | None = None, *,
                 backend: Any = None) -> None:
        super().__init__(url)
        opts = {str(k).lower(): v for k, v in (options or {}).items()}
        opts.update(parse_usb_url(url))
        self.interface = int(opts.get("interface", 0))
        self.access: UsbAccess[bool] = UsbAccess(
            RegexMatcher.from_options(opts),
            backend=backend if backend is not None else opts.get("backend"),
            interface=self.interface)
        self._opened = False
        self._seat = PoolSeat()
        self._lock = threading.RLock()

    @property
    def is_open(self) -> bool:
        return self._opened

    def describe(self) -> str:
        return f"{self.access.describe()} (HID)" if self.access.identity else f"USB {self.url}"

    def device_info(self) -> dict[str, str]:
        return self.access.device_info()

    # ------------------------------------------------------------ open/close
    async def open(self) -> None:
        require_pyusb()
        await self._seat.open_with(self._connect)
        self._opened = True

    async def close(self) -> None:
        self._opened = False
        await self._seat.close_with(self._release)

    def _connect(self) -> None:
        with self._lock:
            if self.access.device is None:
                self.access.connect(_any, _no_setup,
                                    not_found=f"no USB device matches {self.url}")

    def _release(self) -> None:
        with self._lock:
            self.access.release()

    # --------------------------------------------------------------- calls
    async def _call(self, what: str, func: Any, *args: Any) -> Any:
        if not self._opened:
            raise PortGone(f"{self.url}: port is not open")
        return await WORKERS.run(self._guarded, what, func, *args)

    def _guarded(self, what: str, func: Any, *args: Any, hold: bool = True) -> Any:
        """``func(io, *args)`` with USB errors made port errors.  ``hold=False`` runs the
        transfer without holding the port's lock (an interrupt read that waits for the
        device must not hold up the control transfers of a poll: libusb takes both at
        once)."""
        import usb.core

        with self._lock:
            if self.access.device is None:
                self._connect()  # reconnect to the same unit
            io = self.access.io
            assert io is not None
            if hold:
                try:
                    return func(io, *args)
                except usb.core.USBError as exc:
                    raise self._error(exc, what) from exc
        try:
            return func(io, *args)
        except usb.core.USBError as exc:
            with self._lock:
                raise self._error(exc, what) from exc

    def _error(self, exc: BaseException, what: str) -> TransportError:
        kind = classify(exc)
        where = self.describe()
        if kind in ("gone", "busy"):
            self.access.release()
            error = PortBusy if kind == "busy" else PortGone
            return error(f"{where}: {what}: {exc}")
        return PortSilent(f"{where}: {what}: {exc}")

    async def report_descriptor(self) -> bytes:
        data: bytes = await self._call("report descriptor", UsbIo.report_descriptor,
                                       self.interface)
        return data

    async def get_feature(self, report_id: int, length: int) -> bytes:
        value = (ReportType.FEATURE << 8) | report_id
        data: bytes = await self._call(f"feature report {report_id}", _get, value, length,
                                       self.interface)
        return data

    async def set_feature(self, report_id: int, data: bytes) -> None:
        value = (ReportType.FEATURE << 8) | report_id
        await self._call(f"feature report {report_id}", _set, value, bytes(data),
                         self.interface)

    async def set_output(self, report_id: int, data: bytes) -> None:
        value = (ReportType.OUTPUT << 8) | report_id
        await self._call(f"output report {report_id}", _set, value, bytes(data),
                         self.interface)

    async def string(self, index: int) -> str | None:
        """String descriptor ``index`` in the device's first LANGID (GET_DESCRIPTOR on
        ep0); ``None`` for index 0 or a string the device does not have."""
        if not 0 < index <= 0xFF:
            return None
        try:
            text: str | None = await self._call(f"string descriptor {index}", _string,
                                                index)
        except PortSilent:  # a stall: no such string
            return None
        return text

    async def input_reports(self) -> AsyncIterator[bytes]:
        endpoint, size = await self._call("endpoints", _interrupt_in, self.interface)
        reader = PoolSeat()  # a read waits up to INPUT_POLL_MS: polls get a thread of their own
        reader.take()
        try:
            while self._opened:
                try:
                    if not self._opened:
                        break
                    report: bytes = await WORKERS.run(functools.partial(
                        self._guarded, "input report", _read, endpoint, size, hold=False))
                except PortSilent:
                    await asyncio.sleep(IDLE_REST)
                    continue
                if report:
                    yield report
        finally:
            reader.give_back()
        raise PortGone(f"{self.url}: port closed")


def _any(ident: UsbIdentity) -> bool:
    """Every device the match options accept will do."""
    return True


def _no_setup(io: UsbIo, ident: UsbIdentity, choice: bool) -> None:
    """HID devices need nothing after the claim."""


def _get(io: UsbIo, value: int, length: int, interface: int) -> bytes:
    return io.get_report(value, length, 5000, index=interface)


def _set(io: UsbIo, value: int, data: bytes, interface: int) -> None:
    io.set_report(value, data, 5000, index=interface)


def _string(io: UsbIo, index: int) -> str | None:
    try:
        text = io.string(index)
    except (ValueError, UnicodeDecodeError, NotImplementedError):
        return None  # no LANGID table, or not a string descriptor
    return text.strip("\x00").strip() or None


def _read(io: UsbIo, endpoint: int, size: int) -> bytes:
    return io.read(endpoint, size, INPUT_POLL_MS)


def _interrupt_in(io: UsbIo, interface: int) -> tuple[int, int]:
    for ep in io.endpoints():
        if ep.interface == interface and ep.kind == "interrupt" and ep.address & 0x80:
            return ep.address, ep.max_packet
    raise PortGone(f"interface {interface} has no interrupt IN endpoint")
