"""A fake Linux hidraw layer for tests: system calls as the kernel answers them, over
simulated HID devices, and a ``/sys`` tree describing the nodes.

Each opened node is a real pipe, so the event loop's ``add_reader`` sees input reports
arrive exactly as it would on ``/dev/hidrawN``; an unplugged device makes every call
fail with ``ENODEV`` and wakes a waiting reader, as the kernel does.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from upskit.transport import hidraw


@dataclass
class FakeHidDevice:
    """One simulated HID device behind a hidraw node."""

    descriptor: bytes = b"\x05\x84\x09\x04\xa1\x01\xc0"
    features: dict[int, bytes] = field(default_factory=dict)
    numbered: bool = True
    vendorid: int = 0x051D
    productid: int = 0x0002
    name: str = "ACME HID UPS"
    phys: str = "usb-0000:00:14.0-2/input0"
    gone: bool = False
    #: errno every ioctl fails with (None: answer)
    ioctl_errno: int | None = None
    #: seconds every ioctl blocks before answering
    ioctl_delay: float = 0.0
    #: force HIDIOCGRDESCSIZE / HIDIOCGFEATURE to answer this size
    garbage_size: int | None = None
    written: list[bytes] = field(default_factory=list)
    set_features: list[bytes] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    inputs: collections.deque[bytes] = field(default_factory=collections.deque)
    pipes: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def push(self, report: bytes) -> None:
        """The device sends an input report."""
        with self.lock:
            self.inputs.append(report)
            for wfd in self.pipes:
                os.write(wfd, b"!")

    def unplug(self) -> None:
        with self.lock:
            self.gone = True
            for wfd in self.pipes:
                os.write(wfd, b"!")


class FakeHidrawSys:
    """:class:`~upskit.transport.hidraw.HidrawSys` over :class:`FakeHidDevice` nodes."""

    def __init__(self) -> None:
        self.nodes: dict[str, FakeHidDevice] = {}
        self.open_fds: dict[int, tuple[FakeHidDevice, int]] = {}
        self.opens: list[tuple[str, int]] = []

    def add(self, path: str, device: FakeHidDevice) -> FakeHidDevice:
        self.nodes[path] = device
        return device

    def open(self, path: str, flags: int) -> int:
        self.opens.append((path, flags))
        device = self.nodes.get(path)
        if device is None or device.gone:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        rfd, wfd = os.pipe()
        os.set_blocking(rfd, False)
        with device.lock:
            device.pipes.append(wfd)
            if device.inputs:
                os.write(wfd, b"!" * len(device.inputs))
        self.open_fds[rfd] = (device, wfd)
        return rfd

    def close(self, fd: int) -> None:
        device, wfd = self.open_fds.pop(fd)
        with device.lock:
            device.pipes.remove(wfd)
        os.close(fd)
        os.close(wfd)

    def _device(self, fd: int) -> FakeHidDevice:
        if fd not in self.open_fds:
            raise OSError(errno.EBADF, "Bad file descriptor")
        device = self.open_fds[fd][0]
        if device.gone:
            raise OSError(errno.ENODEV, "No such device")
        return device

    def ioctl(self, fd: int, request: int, buf: bytearray) -> int:
        device = self._device(fd)
        device.requests.append(request)
        if device.ioctl_delay:
            time.sleep(device.ioctl_delay)
        if device.ioctl_errno is not None:
            raise OSError(device.ioctl_errno, os.strerror(device.ioctl_errno))
        size = (request >> 16) & 0x3FFF
        assert size == len(buf), f"request size {size} != buffer {len(buf)}"
        number = request & 0xFF
        if request == hidraw.HIDIOCGRDESCSIZE:
            wanted = len(device.descriptor) if device.garbage_size is None \
                else device.garbage_size
            struct.pack_into("=i", buf, 0, wanted)
            return 0
        if request == hidraw.HIDIOCGRDESC:
            (asked,) = struct.unpack_from("=I", buf, 0)
            if asked > hidraw.HID_MAX_DESCRIPTOR_SIZE:
                raise OSError(errno.EINVAL, "Invalid argument")
            buf[4:4 + asked] = device.descriptor[:asked].ljust(asked, b"\0")
            return 0
        if request == hidraw.HIDIOCGRAWINFO:
            struct.pack_into("=IHH", buf, 0, hidraw.BUS_USB, device.vendorid,
                             device.productid)
            return 0
        if number in (0x04, 0x05):
            text = (device.name if number == 0x04 else device.phys).encode()
            n = min(len(text) + 1, len(buf))
            buf[:n] = (text + b"\0")[:n]
            return n
        if number == 0x07:  # HIDIOCGFEATURE
            report_id = buf[0]
            data = device.features.get(report_id)
            if data is None:
                raise OSError(errno.EPIPE, "Broken pipe")  # a stalled GET_REPORT
            if not device.numbered:
                data = b"\0" + data  # the kernel keeps buf[0] for the report number
            n = min(len(data), len(buf))
            buf[:n] = data[:n]
            return n if device.garbage_size is None else device.garbage_size
        if number == 0x06:  # HIDIOCSFEATURE
            report = bytes(buf)
            device.set_features.append(report)
            if device.numbered:
                device.features[report[0]] = report
            else:
                device.features[0] = report[1:]
            return len(buf)
        raise OSError(errno.EINVAL, "Invalid argument")

    def read(self, fd: int, size: int) -> bytes:
        device = self._device(fd)
        with device.lock:
            if not device.inputs:
                raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
            report = device.inputs.popleft()
        with contextlib.suppress(BlockingIOError):
            os.read(fd, 1)
        return report[:size]

    def write(self, fd: int, data: bytes) -> int:
        device = self._device(fd)
        device.written.append(bytes(data))
        return len(data)


@dataclass
class SysNode:
    """What ``/sys`` says about one hidraw node."""

    index: int
    vendorid: int = 0x051D
    productid: int = 0x0002
    bustype: int = hidraw.BUS_USB
    manufacturer: str | None = "American Power Conversion"
    product: str | None = "Back-UPS ES 700G"
    serial: str | None = "4B1234P56789"
    busnum: int = 1
    devnum: int = 3
    devpath: str = "2"
    name: str = "American Power Conversion Back-UPS ES 700G"
    uniq: str = "4B1234P56789"


def build_sysfs(root: Path, nodes: list[SysNode]) -> Path:
    """A ``/sys`` tree with ``class/hidraw/hidrawN/device`` links into
    ``devices/.../<usb device>/<interface>/<hid device>``, as the kernel lays it out."""
    klass = root / "class" / "hidraw"
    klass.mkdir(parents=True, exist_ok=True)
    for node in nodes:
        usb = root / "devices" / "pci0000:00" / "usb1" / f"{node.busnum}-{node.devpath}"
        iface = usb / f"{node.busnum}-{node.devpath}:1.0"
        hid = iface / f"{node.bustype:04X}:{node.vendorid:04X}:{node.productid:04X}." \
                      f"{node.index + 1:04X}"
        hid.mkdir(parents=True, exist_ok=True)
        (hid / "uevent").write_text(
            "DRIVER=hid-generic\n"
            f"HID_ID={node.bustype:04X}:{node.vendorid:08X}:{node.productid:08X}\n"
            f"HID_NAME={node.name}\nHID_PHYS=usb-0000:00:14.0-{node.devpath}/input0\n"
            f"HID_UNIQ={node.uniq}\n"
            f"MODALIAS=hid:b{node.bustype:04X}g0001v{node.vendorid:08X}"
            f"p{node.productid:08X}\n")
        for name, value in (("manufacturer", node.manufacturer), ("product", node.product),
                            ("serial", node.serial)):
            if value is not None:
                (usb / name).write_text(value + "\n")
        (usb / "busnum").write_text(f"{node.busnum}\n")
        (usb / "devnum").write_text(f"{node.devnum}\n")
        (usb / "devpath").write_text(f"{node.devpath}\n")
        (usb / "bcdDevice").write_text("0106\n")
        entry = klass / f"hidraw{node.index}"
        entry.mkdir(exist_ok=True)
        (entry / "device").symlink_to(hid)
    return root


def remove_node(root: Path, index: int) -> None:
    """The kernel drops ``hidrawN`` when its device goes."""
    entry = root / "class" / "hidraw" / f"hidraw{index}"
    (entry / "device").unlink()
    entry.rmdir()
