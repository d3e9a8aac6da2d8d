"""A HID port on Linux ``hidraw``: the :class:`~upskit.transport.hid.HidPort` capability
without taking the device from the kernel.

The kernel's ``usbhid`` driver keeps the device (UPower and others keep seeing it);
``/dev/hidrawN`` gives the report descriptor and feature reports by ioctl, output
reports by ``write()`` and input reports by ``read()``.  Input reads are driven by the
event loop (``add_reader`` on the non-blocking descriptor); ioctls and writes may wait
for the device (the kernel allows a USB control transfer 5 s), so they run in the USB
worker pool like every other USB call.

Nodes are found through ``/sys/class/hidraw/*/device/uevent`` (``HID_ID``,
``HID_NAME``, ``HID_UNIQ``) and the USB device above them (its ``manufacturer``,
``product``, ``serial``, ``busnum``, ``devnum``, ``devpath``), and matched with NUT's
USB options (``vendorid``, ``product``, ``serial``, ``bus`` ...: regexes).  After an
unplug (``ENODEV``/``EIO`` -> :class:`~upskit.transport.base.PortGone`) the next call
looks for the same unit again, by ids and strings, wherever it was plugged back.

USB strings: hidraw has no GET_DESCRIPTOR, so :meth:`HidrawPort.string` answers only
the indexes sysfs can map (manufacturer, product, serial, placed by the device
descriptor in ``descriptors``); fields pointing at other strings (the battery
chemistry, APC's firmware revision) publish nothing on hidraw.

URLs: ``hidraw://`` (the first HID UPS the options match), ``hidraw://051d:0002``
(ids pinned), ``hidraw:///dev/hidraw3`` (that node).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import struct
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from upskit.transport.base import PortBusy, PortGarbled, PortGone, PortSilent, TransportError
from upskit.transport.hid import HidPort
from upskit.transport.usb.access import WORKERS, PoolSeat
from upskit.transport.usb.match import ExactMatcher, RegexMatcher, UsbIdentity, parse_usb_url

T = TypeVar("T")

# ------------------------------------------------------------------ ioctl numbers
# Linux <asm-generic/ioctl.h>: a request is  dir << 30 | size << 16 | type << 8 | nr
# (8 bits of number, 8 of type, 14 of argument size, 2 of direction; direction 1 is
# "user writes", 2 "user reads").  <linux/hidraw.h> uses type 'H'.
_IOC_NONE, _IOC_WRITE, _IOC_READ = 0, 1, 2
_NRSHIFT, _TYPESHIFT, _SIZESHIFT, _DIRSHIFT = 0, 8, 16, 30
_SIZEMASK = (1 << 14) - 1


def ioc(direction: int, kind: str, number: int, size: int) -> int:
    """Linux's ``_IOC(dir, type, nr, size)``."""
    if not 0 <= size <= _SIZEMASK:
        raise ValueError(f"ioctl argument size {size} does not fit in 14 bits")
    return ((direction << _DIRSHIFT) | (size << _SIZESHIFT) | (ord(kind) << _TYPESHIFT)
            | (number << _NRSHIFT))


#: Bytes of ``struct hidraw_report_descriptor``'s value and the kernel's largest report.
HID_MAX_DESCRIPTOR_SIZE = 4096
HID_MAX_BUFFER_SIZE = 16384
#: ``HIDIOCGRDESCSIZE``: ``_IOR('H', 0x01, int)``.
HIDIOCGRDESCSIZE = ioc(_IOC_READ, "H", 0x01, 4)
#: ``HIDIOCGRDESC``: ``_IOR('H', 0x02, struct hidraw_report_descriptor)`` (u32 size,
#: then the bytes).
HIDIOCGRDESC = ioc(_IOC_READ, "H", 0x02, 4 + HID_MAX_DESCRIPTOR_SIZE)
#: ``HIDIOCGRAWINFO``: ``_IOR('H', 0x03, struct hidraw_devinfo)`` (u32 bustype, s16
#: vendor, s16 product).
HIDIOCGRAWINFO = ioc(_IOC_READ, "H", 0x03, 8)


def HIDIOCGRAWNAME(length: int) -> int:
    """``_IOC(_IOC_READ, 'H', 0x04, len)``."""
    return ioc(_IOC_READ, "H", 0x04, length)


def HIDIOCGRAWPHYS(length: int) -> int:
    """``_IOC(_IOC_READ, 'H', 0x05, len)``."""
    return ioc(_IOC_READ, "H", 0x05, length)


def HIDIOCSFEATURE(length: int) -> int:
    """``_IOC(_IOC_WRITE|_IOC_READ, 'H', 0x06, len)``."""
    return ioc(_IOC_WRITE | _IOC_READ, "H", 0x06, length)


def HIDIOCGFEATURE(length: int) -> int:
    """``_IOC(_IOC_WRITE|_IOC_READ, 'H', 0x07, len)``."""
    return ioc(_IOC_WRITE | _IOC_READ, "H", 0x07, length)


#: Bus type of USB in ``HID_ID`` and ``hidraw_devinfo``.
BUS_USB = 0x03
#: Errors that mean the device is no longer there.
GONE_ERRNOS = frozenset({errno.ENODEV, errno.EIO, errno.ENXIO, errno.ESHUTDOWN,
                         errno.EBADF, errno.ENOENT})
#: Errors of a device that is there but did not answer (a stall, a timeout).
SILENT_ERRNOS = frozenset({errno.EPIPE, errno.ETIMEDOUT, errno.EPROTO, errno.EINVAL,
                           errno.EAGAIN, errno.EOVERFLOW, errno.EILSEQ})
#: Seconds a call waits for the device (the kernel's control timeout is 5 s).
CALL_TIMEOUT = 7.0
#: Seconds an input wait lasts before the stream looks whether the port closed.
INPUT_WAKE = 1.0


# ------------------------------------------------------------------ system calls
class HidrawSys(Protocol):
    """The system calls the port makes (a fake node implements them in tests)."""

    def open(self, path: str, flags: int) -> int: ...
    def close(self, fd: int) -> None: ...
    def ioctl(self, fd: int, request: int, buf: bytearray) -> int: ...
    def read(self, fd: int, size: int) -> bytes: ...
    def write(self, fd: int, data: bytes) -> int: ...


class OsHidrawSys:
    """The real system calls (``os`` and ``fcntl``)."""

    def open(self, path: str, flags: int) -> int:
        return os.open(path, flags)

    def close(self, fd: int) -> None:
        os.close(fd)

    def ioctl(self, fd: int, request: int, buf: bytearray) -> int:
        import fcntl

        return int(fcntl.ioctl(fd, request, buf, True))

    def read(self, fd: int, size: int) -> bytes:
        return os.read(fd, size)

    def write(self, fd: int, data: bytes) -> int:
        return os.write(fd, data)


# ------------------------------------------------------------------ discovery
@dataclass(frozen=True)
class HidrawNode:
    """One ``/dev/hidrawN`` and the identity of the device behind it."""

    path: str
    identity: UsbIdentity
    bustype: int = BUS_USB
    name: str = ""
    phys: str = ""
    #: string index -> text, for the strings sysfs shows (manufacturer, product,
    #: serial at the indexes the device descriptor gives them)
    strings: tuple[tuple[int, str], ...] = ()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def parse_uevent(text: str) -> dict[str, str]:
    """``KEY=value`` lines of a sysfs ``uevent`` file."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            found[key.strip()] = value.strip()
    return found


def parse_hid_id(text: str) -> tuple[int, int, int] | None:
    """``HID_ID=0003:0000051D:00000002`` -> (bus type, vendor id, product id)."""
    parts = text.split(":")
    if len(parts) != 3:
        return None
    try:
        bus, vendor, product = (int(p, 16) for p in parts)
    except ValueError:
        return None
    if not (0 <= vendor <= 0xFFFF and 0 <= product <= 0xFFFF):
        return None
    return bus, vendor, product


def _number(text: str) -> str:
    return f"{int(text):03d}" if text.isdigit() else ""


def node_of(entry: Path, dev_dir: str = "/dev") -> HidrawNode | None:
    """The node of one ``/sys/class/hidraw/hidrawN`` entry (None: not a USB HID node
    or unreadable)."""
    hid_dir = entry / "device"
    event = parse_uevent(_read_text(hid_dir / "uevent"))
    ids = parse_hid_id(event.get("HID_ID", ""))
    if ids is None or ids[0] != BUS_USB:
        return None
    _bus, vendorid, productid = ids
    name = event.get("HID_NAME", "")
    # the HID device sits on a USB interface, which sits on the USB device
    usb_dir = hid_dir.resolve().parent.parent
    vendor = _read_text(usb_dir / "manufacturer")
    product = _read_text(usb_dir / "product")
    serial = _read_text(usb_dir / "serial") or event.get("HID_UNIQ", "")
    if not vendor and not product:
        product = name
    devpath = _read_text(usb_dir / "devpath")
    port = devpath.rsplit(".", 1)[-1] if devpath else ""
    bcd = _read_text(usb_dir / "bcdDevice")
    identity = UsbIdentity(
        vendorid, productid, vendor=vendor, product=product, serial=serial,
        bus=_number(_read_text(usb_dir / "busnum")),
        device=_number(_read_text(usb_dir / "devnum")), busport=_number(port),
        bcd=int(bcd, 16) if bcd and all(c in "0123456789abcdefABCDEF" for c in bcd) else 0)
    return HidrawNode(str(Path(dev_dir) / entry.name), identity, BUS_USB, name,
                      event.get("HID_PHYS", ""), _sysfs_strings(usb_dir))


def _sysfs_strings(usb_dir: Path) -> tuple[tuple[int, str], ...]:
    """The strings sysfs holds, by their index in the device descriptor (its
    ``iManufacturer``, ``iProduct``, ``iSerialNumber`` bytes, from ``descriptors``)."""
    try:
        raw = (usb_dir / "descriptors").read_bytes()[:18]
    except OSError:
        return ()
    if len(raw) < 17:
        return ()
    found: dict[int, str] = {}
    for index, name in zip(raw[14:17], ("manufacturer", "product", "serial"), strict=True):
        text = _read_text(usb_dir / name)
        if index and text:
            found.setdefault(index, text)
    return tuple(sorted(found.items()))


def _node_order(entry: Path) -> tuple[int, str]:
    digits = entry.name.removeprefix("hidraw")
    return (int(digits) if digits.isdigit() else 1 << 30, entry.name)


def find_nodes(sysfs: str = "/sys", dev_dir: str = "/dev") -> list[HidrawNode]:
    """Every USB hidraw node, in node number order."""
    root = Path(sysfs) / "class" / "hidraw"
    try:
        entries = sorted(root.iterdir(), key=_node_order)
    except OSError:
        return []
    nodes = [node_of(entry, dev_dir) for entry in entries]
    return [node for node in nodes if node is not None]


# ------------------------------------------------------------------ the port
class HidrawPort(HidPort):
    """A HID device reached through Linux ``hidraw``."""

    def __init__(self, url: str, options: Mapping[str, Any] | None = None, *,
                 syscalls: HidrawSys | None = None, sysfs: str = "/sys",
                 dev_dir: str = "/dev", call_timeout: float = CALL_TIMEOUT) -> None:
        super().__init__(url)
        opts = {str(k).lower(): v for k, v in (options or {}).items()}
        self.node_path = ""
        rest = url.split("://", 1)[1] if "://" in url else ""
        if rest.startswith("/"):
            self.node_path = rest.partition("?")[0]
            opts.update(parse_usb_url("hidraw://?" + rest.partition("?")[2]))
        else:
            opts.update(parse_usb_url(url))
        self.matcher = RegexMatcher.from_options(opts)
        self.sys: HidrawSys = syscalls if syscalls is not None else OsHidrawSys()
        self.sysfs = sysfs
        self.dev_dir = dev_dir
        self.call_timeout = call_timeout
        self.node: HidrawNode | None = None
        self._unit: ExactMatcher | None = None
        self._fd: int | None = None
        self._opened = False
        self._seat = PoolSeat()
        self._lock = asyncio.Lock()
        self._waiters: set[asyncio.Future[None]] = set()

    @property
    def is_open(self) -> bool:
        return self._opened

    def describe(self) -> str:
        if self.node is None:
            return f"hidraw {self.url}"
        ident = self.node.identity
        text = f"{self.node.path} ({ident.vid_pid}"
        if ident.product:
            text += f" {ident.product}"
        return text + ")"

    def device_info(self) -> dict[str, str]:
        if self.node is None:
            return {}
        ident = self.node.identity
        info = {"ups.vendorid": f"{ident.vendorid:04x}",
                "ups.productid": f"{ident.productid:04x}"}
        for key in ("bus", "device", "busport", "vendor", "product", "serial"):
            value: str = getattr(ident, key)
            if value:
                info[f"driver.parameter.{key}"] = value
        return info

    # ------------------------------------------------------------ open/close
    async def open(self) -> None:
        self._seat.take()
        try:
            self._connect()
        except BaseException:
            self._seat.give_back()
            raise
        self._opened = True

    async def close(self) -> None:
        self._opened = False
        self._drop()
        self._seat.give_back()

    def _candidates(self) -> list[HidrawNode]:
        nodes = find_nodes(self.sysfs, self.dev_dir)
        if self._unit is not None:
            unit = self._unit
            return [n for n in nodes if unit.matches(n.identity)]
        if self.node_path:
            known = [n for n in nodes if n.path == self.node_path]
            return known or [HidrawNode(self.node_path, UsbIdentity(0, 0))]
        return [n for n in nodes if self.matcher.matches(n.identity)]

    def _connect(self) -> None:
        """Open the first matching node (the same unit again after an unplug)."""
        candidates = self._candidates()
        if not candidates:
            what = "the same unit" if self._unit is not None else "the options"
            raise PortGone(f"{self.url}: no hidraw device matches {what}")
        busy: PortBusy | None = None
        for node in candidates:
            try:
                fd = self.sys.open(node.path, os.O_RDWR | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno in (errno.EBUSY, errno.EACCES, errno.EPERM):
                    busy = PortBusy(f"{node.path}: {exc.strerror or exc}")
                continue
            self._fd, self.node = fd, node
            if node.identity.vendorid or node.identity.productid:
                self._unit = ExactMatcher.of(node.identity)
            return
        if busy is not None:
            raise busy
        raise PortGone(f"{self.url}: cannot open {candidates[0].path}")

    def _drop(self) -> None:
        fd, self._fd = self._fd, None
        for waiter in list(self._waiters):
            if not waiter.done():
                waiter.set_exception(PortGone(f"{self.describe()}: closed"))
        if fd is None:
            return
        with contextlib.suppress(RuntimeError, ValueError, OSError):
            asyncio.get_running_loop().remove_reader(fd)
        with contextlib.suppress(OSError):
            self.sys.close(fd)

    def _error(self, exc: OSError, what: str) -> TransportError:
        text = f"{self.describe()}: {what}: {exc.strerror or exc}"
        if exc.errno in GONE_ERRNOS:
            self._drop()
            return PortGone(text)
        if exc.errno == errno.EBUSY:
            return PortBusy(text)
        return PortSilent(text)

    async def _fd_ready(self) -> int:
        if not self._opened:
            raise PortGone(f"{self.url}: port is not open")
        if self._fd is None:
            self._connect()
        assert self._fd is not None
        return self._fd

    async def _call(self, what: str, func: Callable[[int], T]) -> T:
        """``func(fd)`` in a USB worker, one call at a time, typed errors only."""
        async with self._lock:
            fd = await self._fd_ready()
            try:
                async with asyncio.timeout(self.call_timeout):  # wait_for may swallow a cancel
                    return await WORKERS.run(func, fd)
            except TimeoutError:
                raise PortSilent(f"{self.describe()}: {what}: no answer in "
                                 f"{self.call_timeout:g} s") from None
            except OSError as exc:
                raise self._error(exc, what) from exc

    # --------------------------------------------------------------- reports
    async def report_descriptor(self) -> bytes:
        def get(fd: int) -> bytes:
            size_buf = bytearray(4)
            self.sys.ioctl(fd, HIDIOCGRDESCSIZE, size_buf)
            (size,) = struct.unpack("=i", size_buf)
            if not 0 < size <= HID_MAX_DESCRIPTOR_SIZE:
                raise _Garbled(f"report descriptor size {size}")
            buf = bytearray(4 + HID_MAX_DESCRIPTOR_SIZE)
            struct.pack_into("=I", buf, 0, size)
            self.sys.ioctl(fd, HIDIOCGRDESC, buf)
            return bytes(buf[4:4 + size])

        return await self._garbled_guard("report descriptor", get)

    async def raw_info(self) -> tuple[int, int, int]:
        """``HIDIOCGRAWINFO``: (bus type, vendor id, product id)."""
        def get(fd: int) -> tuple[int, int, int]:
            buf = bytearray(8)
            self.sys.ioctl(fd, HIDIOCGRAWINFO, buf)
            bus, vendor, product = struct.unpack("=Ihh", buf)
            return bus, vendor & 0xFFFF, product & 0xFFFF

        return await self._call("device info", get)

    async def raw_name(self) -> str:
        """``HIDIOCGRAWNAME``: the kernel's name of the device."""
        return await self._string("name", HIDIOCGRAWNAME)

    async def raw_phys(self) -> str:
        """``HIDIOCGRAWPHYS``: where the device sits (``usb-0000:00:14.0-2/input0``)."""
        return await self._string("physical path", HIDIOCGRAWPHYS)

    async def _string(self, what: str, request: Callable[[int], int]) -> str:
        def get(fd: int) -> str:
            buf = bytearray(256)
            n = self.sys.ioctl(fd, request(len(buf)), buf)
            end = buf.find(0)
            n = min(n if 0 <= n <= len(buf) else len(buf), end if end >= 0 else len(buf))
            return buf[:n].decode("utf-8", errors="replace").strip()

        return await self._call(what, get)

    async def string(self, index: int) -> str | None:
        """A USB string, only for the indexes sysfs can map (the manufacturer, product
        and serial strings of the device descriptor): hidraw cannot send GET_DESCRIPTOR,
        so a field pointing at any other string (``iDeviceChemistry``) reads ``None``."""
        if self.node is None or index <= 0:
            return None
        return dict(self.node.strings).get(index)

    async def get_feature(self, report_id: int, length: int) -> bytes:
        _check(report_id, length)
        numbered = report_id != 0
        size = length if numbered else length + 1  # hidraw always has an id byte

        def get(fd: int) -> bytes:
            buf = bytearray(size)
            buf[0] = report_id
            n = self.sys.ioctl(fd, HIDIOCGFEATURE(size), buf)
            if not 0 <= n <= size:
                raise _Garbled(f"feature report {report_id}: {n} bytes for {size}")
            data = bytes(buf[:n])
            if numbered and data and data[0] != report_id:
                raise _Garbled(f"feature report {report_id} came back as {data[0]}")
            return data if numbered else data[1:]

        return await self._garbled_guard(f"feature report {report_id}", get)

    async def set_feature(self, report_id: int, data: bytes) -> None:
        payload = bytes(data) if report_id else b"\x00" + bytes(data)
        _check(report_id, len(payload))

        def put(fd: int) -> None:
            buf = bytearray(payload)
            n = self.sys.ioctl(fd, HIDIOCSFEATURE(len(buf)), buf)
            if n < 0:
                raise _Garbled(f"feature report {report_id}: {n} bytes written")

        await self._garbled_guard(f"feature report {report_id}", put)

    async def set_output(self, report_id: int, data: bytes) -> None:
        payload = bytes(data) if report_id else b"\x00" + bytes(data)
        _check(report_id, len(payload))

        def put(fd: int) -> None:
            n = self.sys.write(fd, payload)
            if n != len(payload):
                raise _Garbled(f"output report {report_id}: {n} of {len(payload)} "
                               "bytes written")

        await self._garbled_guard(f"output report {report_id}", put)

    async def _garbled_guard(self, what: str, func: Callable[[int], T]) -> T:
        try:
            return await self._call(what, func)
        except _Garbled as exc:
            raise PortGarbled(f"{self.describe()}: {exc}") from None

    async def input_reports(self) -> AsyncIterator[bytes]:
        while self._opened:
            fd = await self._fd_ready()
            try:
                report = self.sys.read(fd, HID_MAX_BUFFER_SIZE)
            except BlockingIOError:
                await self._readable(fd)
                continue
            except OSError as exc:
                if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR):
                    await self._readable(fd)
                    continue
                error = self._error(exc, "input report")
                if isinstance(error, PortGone):
                    raise error from exc
                await asyncio.sleep(0.05)  # a hiccup: look again, do not spin
                continue
            if report:
                yield bytes(report)
        raise PortGone(f"{self.url}: port closed")

    async def _readable(self, fd: int) -> None:
        """Wait until ``fd`` can be read (or :data:`INPUT_WAKE` passes)."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()

        def ready() -> None:
            if not waiter.done():
                waiter.set_result(None)

        try:
            loop.add_reader(fd, ready)
        except (ValueError, OSError) as exc:
            self._drop()
            raise PortGone(f"{self.describe()}: cannot watch the node: {exc}") from exc
        self._waiters.add(waiter)
        try:
            async with asyncio.timeout(INPUT_WAKE):  # not wait_for: it may swallow a cancel
                await asyncio.shield(waiter)
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)
            if self._fd == fd:
                loop.remove_reader(fd)
            if waiter.done() and not waiter.cancelled():
                waiter.exception()  # consumed: the stream raises its own below
        if self._fd is None:
            raise PortGone(f"{self.describe()}: closed")


class _Garbled(Exception):
    """Raised in a worker for a reply that cannot be; becomes PortGarbled."""


def _check(report_id: int, size: int) -> None:
    if not 0 <= report_id <= 0xFF:
        raise PortGarbled(f"report id {report_id} is not a byte")
    if not 1 <= size <= HID_MAX_BUFFER_SIZE:
        raise PortGarbled(f"report length {size} out of 1..{HID_MAX_BUFFER_SIZE}")
