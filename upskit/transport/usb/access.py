"""USB device access on pyusb, shared by every USB port (Q* bridges, HID).

* discovery and matching: :meth:`UsbAccess.connect` walks the bus, reads each
  candidate's identity, keeps those the user's match options accept and the port
  wants, detaches the kernel driver, sets the configuration and claims the interface;
* reconnection: once a unit was found, later connects accept only that unit
  (:class:`~upskit.transport.usb.match.ExactMatcher`), even on a new address;
* transfers: :class:`UsbIo`, typed control, interrupt and string calls on the claimed
  device (HID GET_REPORT/SET_REPORT, report descriptor ...);
* threads: pyusb blocks in libusb, so calls run in :data:`WORKERS`, a pool of its own
  that grows with the number of open USB ports (never the loop's default executor).

The pyusb backend is injectable: pass ``backend=``, or set a process-wide default with
:func:`set_default_backend`; ``None`` lets pyusb pick libusb.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from upskit.transport.base import PortBusy, PortGone, TransportError
from upskit.transport.usb.match import ExactMatcher, RegexMatcher, UsbIdentity

log = logging.getLogger(__name__)

T = TypeVar("T")

#: HID class request SET_REPORT: OUT | CLASS | INTERFACE.
SET_REPORT_TYPE = 0x21
SET_REPORT = 0x09
#: HID class request GET_REPORT: IN | CLASS | INTERFACE.
GET_REPORT_TYPE = 0xA1
GET_REPORT = 0x01
#: Standard GET_DESCRIPTOR, device recipient.
GET_DESCRIPTOR_TYPE = 0x80
GET_DESCRIPTOR = 0x06
DESC_STRING = 0x03
DESC_HID_REPORT = 0x22

#: libusb-1.0 error codes (pyusb's ``backend_error_code``) by name.
LIBUSB = {"IO": -1, "ACCESS": -3, "NO_DEVICE": -4, "NOT_FOUND": -5, "BUSY": -6,
          "TIMEOUT": -7, "OVERFLOW": -8, "PIPE": -9}

_default_backend: Any = None


def set_default_backend(backend: Any) -> None:
    """Use ``backend`` (a pyusb ``IBackend``) for USB ports built without one."""
    global _default_backend
    _default_backend = backend


def get_default_backend() -> Any:
    """The backend set by :func:`set_default_backend` (None: pyusb's choice)."""
    return _default_backend


def classify(exc: BaseException) -> str:
    """Name the kind of a pyusb error: timeout, busy, pipe, gone, overflow or other."""
    import usb.core

    if isinstance(exc, usb.core.USBTimeoutError):
        return "timeout"
    code = getattr(exc, "backend_error_code", None)
    number = getattr(exc, "errno", None)
    if number == errno.ETIMEDOUT or code == LIBUSB["TIMEOUT"]:
        return "timeout"
    if number == errno.EBUSY or code == LIBUSB["BUSY"]:
        return "busy"
    if number == errno.EPIPE or code == LIBUSB["PIPE"]:
        return "pipe"
    if number == errno.EOVERFLOW or code == LIBUSB["OVERFLOW"]:
        return "overflow"
    if number in (errno.ENODEV, errno.EACCES, errno.EPERM, errno.EIO, errno.ENOENT) or code in (
        LIBUSB["NO_DEVICE"], LIBUSB["ACCESS"], LIBUSB["IO"], LIBUSB["NOT_FOUND"],
    ):
        return "gone"
    return "other"


# ------------------------------------------------------------------ worker threads
class UsbWorkers:
    """The threads blocking pyusb calls run in: one per open USB port, at least one.

    Calls of one port never overlap, so as many threads as open ports is enough for
    every port to wait in libusb at once.  The pool grows as ports open (a larger pool
    replaces the old one, whose threads finish their call and exit) and is shut down
    when the last port closes.
    """

    def __init__(self, name: str = "upskit-usb") -> None:
        self.name = name
        self._lock = threading.Lock()
        self._users = 0
        self._executor: ThreadPoolExecutor | None = None
        self._size = 0

    @property
    def size(self) -> int:
        """Threads the current pool may use (0: no pool)."""
        return self._size

    @property
    def users(self) -> int:
        """Open ports served."""
        return self._users

    def join(self) -> None:
        """One more open port to serve."""
        with self._lock:
            self._users += 1
            self._fit()

    def leave(self) -> None:
        """One open port fewer; the pool stops with the last one."""
        with self._lock:
            self._users = max(0, self._users - 1)
            if self._users == 0 and self._executor is not None:
                self._executor.shutdown(wait=False)
                self._executor, self._size = None, 0

    def _fit(self) -> None:
        want = max(1, self._users)
        if self._executor is not None and self._size >= want:
            return
        old = self._executor
        self._executor = ThreadPoolExecutor(max_workers=want, thread_name_prefix=self.name)
        self._size = want
        if old is not None:
            old.shutdown(wait=False)

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a USB worker thread."""
        with self._lock:
            if self._executor is None:
                self._fit()
            executor = self._executor
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, functools.partial(func, *args))


#: The pool every USB port of this process uses.
WORKERS = UsbWorkers()


class PoolSeat:
    """One port's place in :data:`WORKERS`: taken when the port opens (the pool grows to
    serve it), given back when it closes or fails to open."""

    def __init__(self) -> None:
        self.taken = False

    def take(self) -> None:
        if not self.taken:
            WORKERS.join()
            self.taken = True

    def give_back(self) -> None:
        if self.taken:
            self.taken = False
            WORKERS.leave()

    async def open_with(self, connect: Callable[[], object]) -> None:
        """Take the seat and run ``connect`` in the pool; give the seat back if it fails."""
        self.take()
        try:
            await WORKERS.run(connect)
        except BaseException:
            self.give_back()
            raise

    async def close_with(self, release: Callable[[], object]) -> None:
        """Run ``release`` in the pool (if the port was open) and give the seat back."""
        if self.taken:
            try:
                await WORKERS.run(release)
            finally:
                self.give_back()


# ---------------------------------------------------------------------- transfers
@dataclass(frozen=True)
class EndpointInfo:
    """One endpoint of the active configuration."""

    interface: int
    address: int
    kind: str  # "control" | "iso" | "bulk" | "interrupt"
    max_packet: int


class UsbIo:
    """Typed calls on one opened pyusb ``Device`` (the only place ports touch pyusb).

    USB errors pass through as pyusb raises them; the port decides what they mean.
    """

    def __init__(self, device: Any, *, pause_scale: float = 1.0,
                 langid: int | None = None) -> None:
        self.device = device
        self.pause_scale = pause_scale
        #: LANGID for plain string reads; None = the device's first one.
        self.langid = langid

    # -------------------------------------------------------------- control
    def control_out(self, request_type: int, request: int, value: int, index: int,
                    data: bytes, timeout_ms: int) -> int:
        sent: int = self.device.ctrl_transfer(request_type, request, value, index,
                                              bytes(data), timeout_ms)
        return sent

    def control_in(self, request_type: int, request: int, value: int, index: int,
                   length: int, timeout_ms: int) -> bytes:
        got = self.device.ctrl_transfer(request_type, request, value, index, length, timeout_ms)
        return bytes(got)

    def set_report(self, value: int, data: bytes, timeout_ms: int, index: int = 0) -> int:
        """HID SET_REPORT (0x21/0x09) with ``wValue = value`` (type << 8 | report id)."""
        return self.control_out(SET_REPORT_TYPE, SET_REPORT, value, index, data, timeout_ms)

    def get_report(self, value: int, length: int, timeout_ms: int, index: int = 0) -> bytes:
        """HID GET_REPORT (0xA1/0x01) with ``wValue = value`` (type << 8 | report id)."""
        return self.control_in(GET_REPORT_TYPE, GET_REPORT, value, index, length, timeout_ms)

    # ------------------------------------------------------------ endpoints
    def read(self, endpoint: int, size: int, timeout_ms: int) -> bytes:
        return bytes(self.device.read(endpoint, size, timeout_ms))

    def write(self, endpoint: int, data: bytes, timeout_ms: int) -> int:
        written: int = self.device.write(endpoint, bytes(data), timeout_ms)
        return written

    def clear_halt(self, endpoint: int) -> None:
        self.device.clear_halt(endpoint)

    # -------------------------------------------------------------- strings
    def string(self, index: int) -> str:
        """A string descriptor as text (first or configured LANGID), non-ASCII as ``?``."""
        import usb.util

        text = usb.util.get_string(self.device, index, self.langid)
        return "".join(c if ord(c) < 128 else "?" for c in (text or ""))

    def raw_string(self, index: int, langid: int, size: int = 255) -> bytes:
        """A raw string descriptor (``bLength``, ``0x03``, UTF-16LE ...)."""
        return self.control_in(GET_DESCRIPTOR_TYPE, GET_DESCRIPTOR, (DESC_STRING << 8) | index,
                               langid, size, 5000)

    def report_descriptor(self, interface: int = 0, size: int = 4096) -> bytes:
        """The HID report descriptor of ``interface`` (GET_DESCRIPTOR 0x22)."""
        return self.control_in(0x81, GET_DESCRIPTOR, DESC_HID_REPORT << 8, interface, size, 5000)

    def endpoints(self) -> list[EndpointInfo]:
        """Endpoints of the active configuration (first alternate setting)."""
        kinds = ("control", "iso", "bulk", "interrupt")
        found: list[EndpointInfo] = []
        config = self.device.get_active_configuration()
        for intf in config:
            if intf.bAlternateSetting != 0:
                continue
            for ep in intf:
                found.append(EndpointInfo(intf.bInterfaceNumber, ep.bEndpointAddress,
                                          kinds[ep.bmAttributes & 3], ep.wMaxPacketSize))
        return found

    def interface_count(self) -> int:
        config = self.device.get_active_configuration()
        return int(config.bNumInterfaces)

    def pause(self, seconds: float) -> None:
        """Wait as the chip needs (scaled down on simulated devices)."""
        if seconds * self.pause_scale > 0:
            time.sleep(seconds * self.pause_scale)


# ------------------------------------------------------------------- the unit
class UsbAccess(Generic[T]):
    """Finds, claims, holds and finds again one USB unit for one port.

    ``matcher`` holds the user's selection; ``choose(identity)`` says whether (and as
    what, e.g. which bridge) the port wants a device; ``prefilter(identity)`` is a
    cheap check on the ids alone, before any string is read.  Blocking: call from a
    worker thread (:data:`WORKERS`).
    """

    def __init__(self, matcher: RegexMatcher, *, backend: Any = None, interface: int = 0,
                 noscanlangid: bool = False,
                 prefilter: Callable[[UsbIdentity], bool] | None = None) -> None:
        self.matcher = matcher
        self.backend = backend if backend is not None else _default_backend
        self.interface = interface
        self.noscanlangid = noscanlangid
        self.prefilter = prefilter
        self.identity: UsbIdentity | None = None
        self.exact: ExactMatcher | None = None
        self.device: Any = None
        self.io: UsbIo | None = None
        self.reconnects = 0
        self.resets = 0

    @property
    def pause_scale(self) -> float:
        return float(getattr(self.backend, "pause_scale", 1.0))

    # ------------------------------------------------------------ discovery
    def devices(self) -> Any:
        """Every device on the bus (pyusb ``Device`` objects)."""
        import usb.core

        try:
            return usb.core.find(find_all=True, backend=self.backend)
        except usb.core.NoBackendError as exc:
            raise PortGone(f"no USB library available (install libusb-1.0): {exc}") from exc

    def identify(self, dev: Any, *, strings: bool = True) -> UsbIdentity:
        """What ``dev`` says about itself; unreadable strings become ""."""
        port = getattr(dev, "port_number", None)
        base = UsbIdentity(
            vendorid=int(dev.idVendor), productid=int(dev.idProduct),
            bus=f"{int(dev.bus or 0):03d}", device=f"{int(dev.address or 0):03d}",
            busport=f"{int(port):03d}" if port else "", bcd=int(dev.bcdDevice),
        )
        if not strings:
            return base
        langid = 0x0409 if self.noscanlangid else None
        texts = [_read_string(dev, index, langid)
                 for index in (dev.iManufacturer, dev.iProduct, dev.iSerialNumber)]
        if not self.noscanlangid:
            langids = _langids(dev)
            if langids:
                log.debug("%04x:%04x: first supported language ID: %#06x",
                          base.vendorid, base.productid, langids[0])
        return UsbIdentity(base.vendorid, base.productid, texts[0], texts[1], texts[2],
                           base.bus, base.device, base.busport, base.bcd)

    def plausible(self, ident: UsbIdentity) -> bool:
        """Cheap id-only filter: the user's id options, the unit found before, the port's."""
        for name in ("vendorid", "productid"):
            pattern = self.matcher.patterns.get(name)
            if pattern is not None and pattern.fullmatch(ident.field(name)) is None:
                return False
        if self.exact is not None:
            return (ident.vendorid, ident.productid) == (self.exact.vendorid,
                                                         self.exact.productid)
        return self.prefilter is None or self.prefilter(ident)

    def accepts(self, ident: UsbIdentity) -> bool:
        """Whether the user's options (and the unit found before, if any) accept ``ident``."""
        if not self.matcher.matches(ident):
            return False
        return self.exact is None or self.exact.matches(ident)

    # ------------------------------------------------------------- connect
    def connect(self, choose: Callable[[UsbIdentity], T | None],
                setup: Callable[[UsbIo, UsbIdentity, T], None], *, not_found: str) -> T:
        """Claim the first device the port wants and set it up; return the port's choice.

        ``setup`` may raise pyusb's ``USBError`` (the device is skipped; busy and
        access-denied devices are reported if nothing else is found) or a
        :class:`TransportError` (the device refused: skipped with a warning).
        """
        import usb.core

        busy: PortBusy | None = None
        denied: PortGone | None = None
        for dev in self.devices():
            if not self.plausible(self.identify(dev, strings=False)):
                continue
            ident = self.identify(dev)
            if not self.accepts(ident):
                continue
            choice = choose(ident)
            if choice is None:
                continue
            try:
                self.claim(dev)
                io = UsbIo(dev, pause_scale=self.pause_scale,
                           langid=0x0409 if self.noscanlangid else None)
                setup(io, ident, choice)
            except usb.core.USBError as exc:
                dispose(dev)
                if classify(exc) == "busy":
                    busy = PortBusy(f"{ident.vid_pid} is held by another driver or program")
                elif getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM):
                    denied = PortGone(
                        f"{ident.vid_pid}: access denied (insufficient permissions); "
                        "install the rules from 'upskit udev-rules'")
                continue
            except TransportError as exc:
                dispose(dev)
                log.warning("%s: refused the device: %s", ident.vid_pid, exc)
                continue
            if self.identity is not None and self.exact is not None:
                self.reconnects += 1
            self.device, self.io, self.identity = dev, io, ident
            self.exact = ExactMatcher.of(ident)
            return choice
        if busy is not None:
            raise busy
        if denied is not None:
            raise denied
        if self.exact is not None:
            raise PortGone(f"USB device {self.exact.vendorid:04x}:{self.exact.productid:04x} "
                           "is not present (unplugged?)")
        raise PortGone(not_found)

    def claim(self, dev: Any) -> None:
        """Detach the kernel driver, set the configuration, claim the interface."""
        import usb.core
        import usb.util

        try:
            if dev.is_kernel_driver_active(self.interface):
                dev.detach_kernel_driver(self.interface)
        except NotImplementedError:
            pass  # platforms without kernel drivers to detach
        except usb.core.USBError as exc:
            if classify(exc) in ("busy", "gone"):
                raise
        dev.set_configuration()
        usb.util.claim_interface(dev, self.interface)

    def release(self) -> None:
        """Let go of the claimed device (the identity is kept for the reconnect)."""
        dev, self.device, self.io = self.device, None, None
        if dev is not None:
            import usb.core
            import usb.util

            with contextlib.suppress(usb.core.USBError, ValueError):
                usb.util.release_interface(dev, self.interface)
            dispose(dev)

    def reset(self) -> None:
        """USB port reset of the claimed device, then let go of it (it re-enumerates)."""
        import usb.core

        self.resets += 1
        if self.device is not None:
            try:
                self.device.reset()
            except usb.core.USBError as exc:
                log.debug("%s: reset said %s", self.describe(), exc)
        self.release()

    def describe(self) -> str:
        ident = self.identity
        if ident is None:
            return "USB device"
        return f"USB {ident.vid_pid} bus {ident.bus} device {ident.device}"

    def device_info(self) -> dict[str, str]:
        """The identity of the unit found, as NUT variables."""
        ident = self.identity
        if ident is None:
            return {}
        info = {
            "ups.vendorid": f"{ident.vendorid:04x}",
            "ups.productid": f"{ident.productid:04x}",
            "driver.parameter.bus": ident.bus,
            "driver.parameter.device": ident.device,
        }
        for key, value in (("busport", ident.busport), ("vendor", ident.vendor),
                           ("product", ident.product), ("serial", ident.serial)):
            if value:
                info[f"driver.parameter.{key}"] = value
        return info


def _read_string(dev: Any, index: int, langid: int | None) -> str:
    if not index:
        return ""
    import usb.core
    import usb.util

    try:
        text = usb.util.get_string(dev, index, langid)
    except (usb.core.USBError, ValueError, UnicodeDecodeError, NotImplementedError):
        return ""
    return (text or "").strip("\x00").strip()


def _langids(dev: Any) -> tuple[int, ...]:
    try:
        return tuple(dev.langids)
    except Exception:
        return ()


def dispose(dev: Any) -> None:
    """Free pyusb's handle on ``dev`` (errors ignored)."""
    import usb.core
    import usb.util

    with contextlib.suppress(usb.core.USBError):
        usb.util.dispose_resources(dev)
