"""USB transport for Q* devices behind a USB-to-serial bridge, on pyusb.

``port = auto`` (or ``usb://VID:PID``) finds the device with the bridge table
(:mod:`upskit.drivers.qx.bridges.table`) and the user's match options, detaches
the kernel driver, sets the configuration, claims interface 0 and then lets the
chosen bridge carry each command.  The driver above sees a plain
:class:`~upskit.transport.base.Transport`.

The pyusb backend is injectable: pass ``backend=`` (or the ``backend`` option),
or set a process-wide default with :func:`set_default_backend`; ``None`` lets
pyusb pick libusb.  pyusb is synchronous, so every USB call runs in a worker
thread.

USB errors are handled as nutdrv_qx does: busy = another driver took the
device; stall = clear the halt (reset when that fails); gone / access / I/O /
not found = drop the handle and reconnect later with an exact matcher of the
unit found first; three overflows in a row or a wedged chip (repeated
timeouts) = USB port reset and reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import threading
from collections.abc import Mapping
from typing import Any

from upskit.config.values import is_yes
from upskit.drivers.qx.bridges import bridge_class
from upskit.drivers.qx.bridges.base import Bridge, BridgeOptions, UsbIo
from upskit.drivers.qx.bridges.table import NOT_FOUND_MESSAGE, bridge_for
from upskit.transport.base import (
    PortBusy,
    PortGarbled,
    PortGone,
    PortSilent,
    Transport,
    TransportError,
)
from upskit.transport.usbmatch import ExactMatcher, RegexMatcher, UsbIdentity, parse_usb_url
from upskit.transport.usbsupport import require_pyusb

log = logging.getLogger(__name__)

_default_backend: Any = None

#: Overflows in a row before the bridge is reset (0665:5161 wedges this way).
OVERFLOW_LIMIT = 3
#: libusb-1.0 error codes (pyusb's ``backend_error_code``) by name.
LIBUSB = {"IO": -1, "ACCESS": -3, "NO_DEVICE": -4, "NOT_FOUND": -5, "BUSY": -6,
          "TIMEOUT": -7, "OVERFLOW": -8, "PIPE": -9}


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


def parse_langid(value: object) -> int | None:
    """``langid_fix`` as a number (``0x409``, ``0x4095``, plain hex)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower()
    try:
        return int(text[2:] if text.startswith("0x") else text, 16)
    except ValueError as exc:
        raise ValueError(f"langid_fix={value!r} is not a hex number like 0x409") from exc


def _flag(options: Mapping[str, object], name: str) -> bool:
    return is_yes(options.get(name))


class UsbTransport(Transport):
    """A Q* device behind a USB-to-serial bridge, reached through pyusb."""

    timeout = 1.0

    def __init__(self, url: str, options: Mapping[str, Any] | None = None, *,
                 backend: Any = None) -> None:
        super().__init__(url)
        opts = {str(k).lower(): v for k, v in (options or {}).items()}
        for key, value in parse_usb_url(url).items():
            if key in ("vendorid", "productid"):
                opts[key] = value  # the URL's ids are exact
            else:
                opts.setdefault(key, value)
        self.backend = backend if backend is not None else opts.get("backend") or _default_backend
        self.matcher = RegexMatcher.from_options(opts)
        subdriver = opts.get("subdriver")
        self.subdriver = subdriver.lower() if isinstance(subdriver, str) and subdriver else None
        if self.subdriver is not None:
            bridge_class(self.subdriver)  # unknown name -> ValueError now
            if not (self.matcher.has("vendorid") and self.matcher.has("productid")):
                raise ValueError(
                    f"subdriver={self.subdriver} also needs the vendorid and productid options"
                )
        drain = opts.get("drain")
        self.bridge_options = BridgeOptions(
            langid_fix=parse_langid(opts.get("langid_fix")),
            novendor=_flag(opts, "novendor"),
            drain=None if drain is None else _flag(opts, "drain"),
        )
        self.noscanlangid = _flag(opts, "noscanlangid")
        self.bridge: Bridge | None = None
        self.identity: UsbIdentity | None = None
        self.exact: ExactMatcher | None = None
        self.resets = 0
        self.reconnects = 0
        self._device: Any = None
        self._io: UsbIo | None = None
        self._opened = False
        self._overflows = 0
        self._timeouts = 0
        self._lock = threading.RLock()

    # ------------------------------------------------------------ contract
    @property
    def is_open(self) -> bool:
        return self._opened

    async def open(self) -> None:
        await asyncio.to_thread(self._open_sync)

    async def close(self) -> None:
        await asyncio.to_thread(self._close_sync)

    async def exchange(self, command: bytes, timeout: float | None = None) -> bytes:
        seconds = self.timeout if timeout is None else timeout
        return await asyncio.to_thread(self._exchange_sync, bytes(command),
                                       max(1, int(seconds * 1000)))

    def describe(self) -> str:
        if self.identity is None:
            return f"USB {self.url}"
        ident = self.identity
        name = self.bridge.name if self.bridge else "?"
        return f"USB {ident.vid_pid} bus {ident.bus} device {ident.device} ({name} bridge)"

    def device_info(self) -> dict[str, str]:
        """Variables about the device found, for the driver to publish."""
        ident = self.identity
        if ident is None:
            return {}
        info = {
            "ups.vendorid": f"{ident.vendorid:04x}",
            "ups.productid": f"{ident.productid:04x}",
            "driver.parameter.bus": ident.bus,
            "driver.parameter.device": ident.device,
        }
        if self.bridge is not None:
            info["driver.parameter.subdriver"] = self.bridge.name
        for key, value in (("busport", ident.busport), ("vendor", ident.vendor),
                           ("product", ident.product), ("serial", ident.serial)):
            if value:
                info[f"driver.parameter.{key}"] = value
        return info

    # ----------------------------------------------------------- discovery
    def _find(self) -> Any:
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
        texts = []
        for index in (dev.iManufacturer, dev.iProduct, dev.iSerialNumber):
            texts.append(_read_string(dev, index, langid))
        if not self.noscanlangid:
            langids = _langids(dev)
            if langids:
                log.debug("%04x:%04x: first supported language ID: %#06x",
                          base.vendorid, base.productid, langids[0])
        return UsbIdentity(base.vendorid, base.productid, texts[0], texts[1], texts[2],
                           base.bus, base.device, base.busport, base.bcd)

    def _wanted(self, ident: UsbIdentity) -> str | None:
        """The bridge for a device if this port accepts it."""
        if not self.matcher.matches(ident):
            return None
        if self.exact is not None and not self.exact.matches(ident):
            return None
        if self.subdriver is not None:
            return self.subdriver
        return bridge_for(ident)

    def _open_sync(self) -> None:
        with self._lock:
            if self._device is not None:
                return
            self._connect()
            self._opened = True

    def _connect(self) -> None:
        import usb.core

        busy: PortBusy | None = None
        denied: PortGone | None = None
        for dev in self._find():
            quick = self.identify(dev, strings=False)
            if not self._plausible(quick):
                continue
            ident = self.identify(dev)
            name = self._wanted(ident)
            if name is None:
                continue
            try:
                self._claim(dev)
                io = UsbIo(dev, pause_scale=float(getattr(self.backend, "pause_scale", 1.0)),
                           langid=0x0409 if self.noscanlangid else None)
                bridge = bridge_class(name)(self.bridge_options)
                bridge.setup(io, ident)
            except usb.core.USBError as exc:
                _dispose(dev)
                kind = classify(exc)
                if kind == "busy":
                    busy = PortBusy(f"{ident.vid_pid} is held by another driver or program")
                elif getattr(exc, "errno", None) in (errno.EACCES, errno.EPERM):
                    denied = PortGone(
                        f"{ident.vid_pid}: access denied (insufficient permissions); "
                        "install the rules from 'upskit udev-rules'")
                continue
            except TransportError as exc:
                _dispose(dev)
                log.warning("%s: %s bridge refused the device: %s", ident.vid_pid, name, exc)
                continue
            if self.identity is not None and self.exact is not None:
                self.reconnects += 1
            self._device, self._io, self.bridge, self.identity = dev, io, bridge, ident
            self.exact = ExactMatcher.of(ident)
            self._overflows = self._timeouts = 0
            log.info("%s: using %s with the %s bridge", self.url, self.describe(), name)
            return
        if busy is not None:
            raise busy
        if denied is not None:
            raise denied
        if self.exact is not None:
            raise PortGone(f"USB device {self.exact.vendorid:04x}:{self.exact.productid:04x} "
                           "is not present (unplugged?)")
        raise PortGone(NOT_FOUND_MESSAGE)

    def _plausible(self, ident: UsbIdentity) -> bool:
        """Cheap id-only filter before any string is read from a device."""
        for name in ("vendorid", "productid"):
            pattern = self.matcher.patterns.get(name)
            if pattern is not None and pattern.fullmatch(ident.field(name)) is None:
                return False
        if self.exact is not None:
            return (ident.vendorid, ident.productid) == (self.exact.vendorid,
                                                         self.exact.productid)
        if self.subdriver is not None:
            return True
        from upskit.drivers.qx.bridges.table import QX_USB_TABLE

        return any(e.vendorid == ident.vendorid and e.productid == ident.productid
                   for e in QX_USB_TABLE)

    @staticmethod
    def _claim(dev: Any) -> None:
        import usb.core
        import usb.util

        try:
            if dev.is_kernel_driver_active(0):
                dev.detach_kernel_driver(0)
        except NotImplementedError:
            pass  # platforms without kernel drivers to detach
        except usb.core.USBError as exc:
            if classify(exc) in ("busy", "gone"):
                raise
        dev.set_configuration()
        usb.util.claim_interface(dev, 0)

    def _close_sync(self) -> None:
        with self._lock:
            self._opened = False
            self._release()

    def _release(self) -> None:
        dev, self._device, self._io = self._device, None, None
        if dev is not None:
            import usb.core
            import usb.util

            with contextlib.suppress(usb.core.USBError, ValueError):
                usb.util.release_interface(dev, 0)
            _dispose(dev)

    # ------------------------------------------------------------ exchange
    def _exchange_sync(self, command: bytes, timeout_ms: int) -> bytes:
        with self._lock:
            if not self._opened:
                raise PortGone(f"{self.url}: port is not open")
            if self._device is None:
                self._connect()  # reconnect with the exact matcher
            return self._attempt(command, timeout_ms, retry=True)

    def _attempt(self, command: bytes, timeout_ms: int, *, retry: bool) -> bytes:
        import usb.core

        assert self.bridge is not None and self._io is not None
        try:
            reply = self.bridge.exchange(self._io, command, timeout_ms)
        except usb.core.USBError as exc:
            return self._usb_error(exc, command, timeout_ms, retry)
        except TransportError:
            raise
        except Exception as exc:  # bad device bytes must never crash the driver
            raise PortGarbled(f"unusable reply from the {self.bridge.name} bridge: "
                              f"{type(exc).__name__}: {exc}") from exc
        self._overflows = 0
        self._timeouts = 0
        return reply

    def _usb_error(self, exc: BaseException, command: bytes, timeout_ms: int,
                   retry: bool) -> bytes:
        import usb.core

        kind = classify(exc)
        assert self.bridge is not None
        if kind == "timeout":
            self._timeouts += 1
            if self._timeouts >= self.bridge.wedge_after_timeouts:
                log.warning("%s: %d timeouts in a row: resetting the USB port",
                            self.describe(), self._timeouts)
                self._reset()
                if retry:
                    return self._attempt(command, timeout_ms, retry=False)
            raise PortSilent(f"no reply to {command!r} from {self.describe()}") from exc
        if kind == "overflow":
            self._overflows += 1
            if self._overflows >= OVERFLOW_LIMIT:
                log.warning("%s: %d overflows in a row: resetting the USB port",
                            self.describe(), self._overflows)
                self._reset()
            raise PortGarbled(f"USB overflow from {self.describe()}") from exc
        if kind == "pipe":
            assert self._io is not None
            try:
                self._io.clear_halt(0x81)
            except usb.core.USBError:
                log.warning("%s: clearing the stall failed: resetting", self.describe())
                self._reset()
            raise PortSilent(f"endpoint stalled on {self.describe()}") from exc
        if kind == "busy":
            self._release()
            raise PortBusy(f"{self.describe()}: got disconnected by another driver") from exc
        if kind == "gone":
            where = self.describe()
            self._release()
            raise PortGone(f"{where}: {exc}") from exc
        raise PortSilent(f"USB error on {self.describe()}: {exc}") from exc

    def _reset(self) -> None:
        """USB port reset, then find the unit again (it may re-enumerate)."""
        import usb.core

        self.resets += 1
        self._overflows = self._timeouts = 0
        if self._device is not None:
            try:
                self._device.reset()
            except usb.core.USBError as exc:
                log.debug("%s: reset said %s", self.describe(), exc)
        self._release()
        try:
            self._connect()
        except TransportError as exc:
            log.warning("%s: not back after reset: %s", self.url, exc)


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


def _dispose(dev: Any) -> None:
    import usb.core
    import usb.util

    with contextlib.suppress(usb.core.USBError):
        usb.util.dispose_resources(dev)


def make_transport(url: str, options: Mapping[str, Any]) -> Transport:
    """URL factory for ``auto`` and ``usb://VID:PID`` ports (raises
    :class:`~upskit.transport.usbsupport.UsbUnavailable` when pyusb is missing)."""
    require_pyusb()
    return UsbTransport(url, options)
