"""The USB bridge port: a Q* device behind a USB-to-serial bridge chip, on pyusb.

``port = auto`` (or ``usb://VID:PID``) finds the device with the bridge table
(:mod:`upskit.transport.usb.bridges.table`) and the user's match options through the
shared USB access (:mod:`upskit.transport.usb.access`), then lets the chosen bridge
carry each command.  The driver above sees a plain command/reply
:class:`~upskit.transport.base.Transport`.  pyusb blocks, so every USB call runs in
the USB worker pool.

USB errors are handled as nutdrv_qx does: busy = another driver took the device;
stall = clear the halt (reset when that fails); gone / access / I/O / not found =
drop the handle and reconnect later with an exact matcher of the unit found first;
three overflows in a row or a wedged chip (repeated timeouts) = USB port reset and
reconnect.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from upskit.options import Given
from upskit.transport.base import (
    PortBusy,
    PortGarbled,
    PortGone,
    PortSilent,
    Transport,
    TransportError,
)
from upskit.transport.url import PortScheme
from upskit.transport.usb.access import WORKERS, PoolSeat, UsbAccess, UsbIo, classify
from upskit.transport.usb.bridges import bridge_class
from upskit.transport.usb.bridges.base import Bridge, BridgeOptions
from upskit.transport.usb.bridges.table import NOT_FOUND_MESSAGE, QX_USB_TABLE, bridge_for
from upskit.transport.usb.match import ExactMatcher, RegexMatcher, UsbIdentity, parse_usb_url
from upskit.transport.usb.options import UsbOptions
from upskit.transport.usbsupport import require_pyusb

log = logging.getLogger(__name__)

#: Overflows in a row before the bridge is reset (0665:5161 wedges this way).
OVERFLOW_LIMIT = 3


def _in_table(ident: UsbIdentity) -> bool:
    return any(e.vendorid == ident.vendorid and e.productid == ident.productid
               for e in QX_USB_TABLE)


class UsbTransport(Transport):
    """A Q* device behind a USB-to-serial bridge, reached through pyusb."""

    timeout = 1.0

    def __init__(self, url: str, options: Mapping[str, Given] | None = None, *,
                 backend: Any = None) -> None:
        super().__init__(url)
        given = dict(options or {})
        for key, value in parse_usb_url(url).items():
            if key in ("vendorid", "productid"):
                given[key] = value  # the URL's ids are exact
            else:
                given.setdefault(key, value)
        opts = self.options = UsbOptions(given)
        matcher = RegexMatcher.from_options(opts)
        self.subdriver = opts.subdriver
        if self.subdriver is not None:
            bridge_class(self.subdriver)  # a bridge that cannot load -> an error now
            if not (matcher.has("vendorid") and matcher.has("productid")):
                raise ValueError(
                    f"subdriver={self.subdriver} also needs the vendorid and productid options"
                )
        self.bridge_options = BridgeOptions(
            langid_fix=opts.langid_fix, novendor=opts.novendor, drain=opts.drain)
        self.access: UsbAccess[str] = UsbAccess(
            matcher, backend=backend, noscanlangid=opts.noscanlangid,
            prefilter=None if self.subdriver is not None else _in_table)
        self.bridge: Bridge | None = None
        self._opened = False
        self._seat = PoolSeat()
        self._overflows = 0
        self._timeouts = 0
        self._lock = threading.RLock()

    # ------------------------------------------------ what the access knows
    @property
    def backend(self) -> Any:
        return self.access.backend

    @property
    def matcher(self) -> RegexMatcher:
        return self.access.matcher

    @property
    def identity(self) -> UsbIdentity | None:
        return self.access.identity

    @property
    def exact(self) -> ExactMatcher | None:
        return self.access.exact

    @property
    def resets(self) -> int:
        return self.access.resets

    @property
    def reconnects(self) -> int:
        return self.access.reconnects

    def identify(self, dev: Any, *, strings: bool = True) -> UsbIdentity:
        """What ``dev`` says about itself; unreadable strings become ""."""
        return self.access.identify(dev, strings=strings)

    # ------------------------------------------------------------ contract
    @property
    def is_open(self) -> bool:
        return self._opened

    async def open(self) -> None:
        require_pyusb()
        await self._seat.open_with(self._open_sync)

    async def close(self) -> None:
        await self._seat.close_with(self._close_sync)

    async def exchange(self, command: bytes, timeout: float | None = None) -> bytes:
        seconds = self.timeout if timeout is None else timeout
        return await WORKERS.run(self._exchange_sync, bytes(command),
                                 max(1, int(seconds * 1000)))

    def describe(self) -> str:
        if self.identity is None:
            return f"USB {self.url}"
        name = self.bridge.name if self.bridge else "?"
        return f"{self.access.describe()} ({name} bridge)"

    def device_info(self) -> dict[str, str]:
        """Variables about the device found, for the driver to publish."""
        info = self.access.device_info()
        if info and self.bridge is not None:
            info["driver.parameter.subdriver"] = self.bridge.name
        return info

    # ----------------------------------------------------------- discovery
    def _choose(self, ident: UsbIdentity) -> str | None:
        return self.subdriver if self.subdriver is not None else bridge_for(ident)

    def _setup(self, io: UsbIo, ident: UsbIdentity, name: str) -> None:
        bridge = bridge_class(name)(self.bridge_options)
        bridge.setup(io, ident)
        self.bridge = bridge

    def _open_sync(self) -> None:
        with self._lock:
            if self.access.device is not None:
                return
            self._connect()
            self._opened = True

    def _connect(self) -> None:
        name = self.access.connect(self._choose, self._setup, not_found=NOT_FOUND_MESSAGE)
        self._overflows = self._timeouts = 0
        log.info("%s: using %s with the %s bridge", self.url, self.describe(), name)

    def _close_sync(self) -> None:
        with self._lock:
            self._opened = False
            self.access.release()

    # ------------------------------------------------------------ exchange
    def _exchange_sync(self, command: bytes, timeout_ms: int) -> bytes:
        with self._lock:
            if not self._opened:
                raise PortGone(f"{self.url}: port is not open")
            if self.access.device is None:
                self._connect()  # reconnect with the exact matcher
            return self._attempt(command, timeout_ms, retry=True)

    def _attempt(self, command: bytes, timeout_ms: int, *, retry: bool) -> bytes:
        import usb.core

        io = self.access.io
        assert self.bridge is not None and io is not None
        try:
            reply = self.bridge.exchange(io, command, timeout_ms)
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
            assert self.access.io is not None
            try:
                self.access.io.clear_halt(0x81)
            except usb.core.USBError:
                log.warning("%s: clearing the stall failed: resetting", self.describe())
                self._reset()
            raise PortSilent(f"endpoint stalled on {self.describe()}") from exc
        if kind == "busy":
            self.access.release()
            raise PortBusy(f"{self.describe()}: got disconnected by another driver") from exc
        if kind == "gone":
            where = self.describe()
            self.access.release()
            raise PortGone(f"{where}: {exc}") from exc
        raise PortSilent(f"USB error on {self.describe()}: {exc}") from exc

    def _reset(self) -> None:
        """USB port reset, then find the unit again (it may re-enumerate)."""
        self._overflows = self._timeouts = 0
        self.access.reset()
        try:
            self._connect()
        except TransportError as exc:
            log.warning("%s: not back after reset: %s", self.url, exc)


def make_transport(url: str, options: Mapping[str, Given]) -> Transport:
    """URL factory for ``auto`` and ``usb://VID:PID`` ports (raises
    :class:`~upskit.transport.usbsupport.UsbUnavailable` when pyusb is missing)."""
    require_pyusb()
    return UsbTransport(url, options)


#: The USB bridge port scheme (``auto`` and ``usb://``).
SCHEME = PortScheme(make_transport, UsbOptions)
