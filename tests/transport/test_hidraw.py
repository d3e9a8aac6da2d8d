"""The hidraw HID port at the system-call layer: a fake hidraw node answers the ioctls,
reads and writes as the kernel does, and a temporary ``/sys`` tree describes the nodes.
"""

from __future__ import annotations

import asyncio
import errno
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.transport.hidraw_fake import (
    FakeHidDevice,
    FakeHidrawSys,
    SysNode,
    build_sysfs,
    remove_node,
)
from upskit.transport import HidPort, PortBusy, PortGarbled, PortGone, PortSilent, hidraw
from upskit.transport.hidraw import HidrawPort, OsHidrawSys, find_nodes, parse_hid_id

DESCRIPTOR = bytes.fromhex("05840904a101092485010966750895011500" "26ff00b102c0c0")


def make(tmp_path: Path, url: str = "hidraw://", nodes: list[SysNode] | None = None,
         **options: str) -> tuple[HidrawPort, FakeHidrawSys, FakeHidDevice]:
    nodes = nodes if nodes is not None else [SysNode(0)]
    build_sysfs(tmp_path, nodes)
    sys = FakeHidrawSys()
    first = None
    for node in nodes:
        device = sys.add(f"/dev/hidraw{node.index}", FakeHidDevice(
            descriptor=DESCRIPTOR, features={1: b"\x01\x64", 12: b"\x0c\x10\x0e\x00"},
            vendorid=node.vendorid, productid=node.productid))
        first = first or device
    assert first is not None
    port = HidrawPort(url, options, syscalls=sys, sysfs=str(tmp_path), call_timeout=5.0)
    return port, sys, first


def test_ioctl_numbers_are_the_kernels() -> None:
    # values printed by a C program including <linux/hidraw.h> on x86-64
    assert hidraw.HIDIOCGRDESCSIZE == 0x80044801
    assert hidraw.HIDIOCGRDESC == 0x90044802
    assert hidraw.HIDIOCGRAWINFO == 0x80084803
    assert hidraw.HIDIOCGRAWNAME(256) == 0x81004804
    assert hidraw.HIDIOCGRAWPHYS(64) == 0x80404805
    assert hidraw.HIDIOCSFEATURE(9) == 0xC0094806
    assert hidraw.HIDIOCGFEATURE(9) == 0xC0094807
    with pytest.raises(ValueError):
        hidraw.ioc(2, "H", 1, 1 << 14)


def test_sysfs_discovery_and_identity(tmp_path: Path) -> None:
    build_sysfs(tmp_path, [
        SysNode(0, vendorid=0x046D, productid=0xC52B, manufacturer="Logitech",
                product="USB Receiver", serial=None, uniq="", name="Logitech USB Receiver"),
        SysNode(1, busnum=3, devnum=7, devpath="1.4"),
        SysNode(2, bustype=0x05, vendorid=0x0764, productid=0x0501),  # Bluetooth
        SysNode(10, vendorid=0x0764, productid=0x0501, manufacturer=None, product=None,
                serial=None, uniq="CXEJX2003678", name="CPS CP1500AVRLCDa", devpath="3"),
    ])
    (tmp_path / "class" / "hidraw" / "hidraw11").mkdir()  # no device link: skipped
    nodes = find_nodes(str(tmp_path), "/dev")
    assert [n.path for n in nodes] == ["/dev/hidraw0", "/dev/hidraw1", "/dev/hidraw10"]
    ups = nodes[1].identity
    assert (ups.vendorid, ups.productid, ups.vendor, ups.product, ups.serial) == (
        0x051D, 2, "American Power Conversion", "Back-UPS ES 700G", "4B1234P56789")
    assert (ups.bus, ups.device, ups.busport, ups.bcd) == ("003", "007", "004", 0x106)
    cps = nodes[2].identity  # no USB strings in sysfs: the HID name and uniq stand in
    assert (cps.product, cps.serial, cps.vendor) == ("CPS CP1500AVRLCDa", "CXEJX2003678", "")
    assert find_nodes(str(tmp_path / "nothing")) == []


@pytest.mark.parametrize("text", ["", "0003:051D", "0003:zz:0002", "0003:1051D:0002:1"])
def test_bad_hid_ids_are_ignored(text: str) -> None:
    assert parse_hid_id(text) is None
    assert parse_hid_id("0003:0000051D:00000002") == (3, 0x51D, 2)


@pytest.mark.parametrize(("options", "url", "node"), [
    ({}, "hidraw://", "/dev/hidraw0"),
    ({"vendorid": "0764"}, "hidraw://", "/dev/hidraw1"),
    ({}, "hidraw://0764:0501", "/dev/hidraw1"),
    ({"product": "back-ups.*", "serial": "BBB"}, "hidraw://", "/dev/hidraw2"),
    ({"bus": "002"}, "hidraw://", "/dev/hidraw2"),
    ({}, "hidraw:///dev/hidraw2", "/dev/hidraw2"),
])
async def test_nut_match_options_pick_the_node(tmp_path: Path, options: dict[str, str],
                                               url: str, node: str) -> None:
    nodes = [SysNode(0, serial="AAA"),
             SysNode(1, vendorid=0x0764, productid=0x0501, devpath="3"),
             SysNode(2, serial="BBB", busnum=2)]
    port, sys, _device = make(tmp_path, url, nodes, **options)
    async with port:
        assert isinstance(port, HidPort)
        assert port.node is not None and port.node.path == node
    assert sys.opens[0] == (node, os.O_RDWR | os.O_NONBLOCK)
    assert sys.open_fds == {}


async def test_nothing_matches(tmp_path: Path) -> None:
    port, sys, _device = make(tmp_path, "hidraw://", serial="nope")
    with pytest.raises(PortGone, match="no hidraw device matches"):
        await port.open()
    assert not port.is_open and sys.opens == []


async def test_permission_denied_is_busy(tmp_path: Path) -> None:
    port, sys, _device = make(tmp_path)

    def refuse(path: str, flags: int) -> int:
        raise PermissionError(errno.EACCES, "Permission denied", path)

    sys.open = refuse  # type: ignore[method-assign]
    with pytest.raises(PortBusy, match="Permission denied"):
        await port.open()


async def test_descriptor_info_and_names(tmp_path: Path) -> None:
    port, _sys, device = make(tmp_path)
    async with port:
        assert await port.report_descriptor() == DESCRIPTOR
        assert await port.raw_info() == (hidraw.BUS_USB, 0x051D, 0x0002)
        assert await port.raw_name() == "ACME HID UPS"
        assert await port.raw_phys() == "usb-0000:00:14.0-2/input0"
        info = port.device_info()
        assert info["ups.vendorid"] == "051d" and info["driver.parameter.serial"] == \
            "4B1234P56789"
        assert port.describe() == "/dev/hidraw0 (051d:0002 Back-UPS ES 700G)"
    assert device.requests[:2] == [hidraw.HIDIOCGRDESCSIZE, hidraw.HIDIOCGRDESC]


async def test_feature_reports_carry_the_id_in_the_first_byte(tmp_path: Path) -> None:
    port, _sys, device = make(tmp_path)
    async with port:
        assert await port.get_feature(12, 4) == b"\x0c\x10\x0e\x00"
        assert await port.get_feature(12, 2) == b"\x0c\x10"  # at most length bytes
        await port.set_feature(1, b"\x01\x32")
        assert await port.get_feature(1, 2) == b"\x01\x32"
        with pytest.raises(PortSilent, match="feature report 9"):
            await port.get_feature(9, 3)  # the device stalls an unknown report
        await port.set_output(2, b"\x02\x01")
    assert device.set_features == [b"\x01\x32"]
    assert device.written == [b"\x02\x01"]
    assert hidraw.HIDIOCGFEATURE(4) in device.requests
    assert hidraw.HIDIOCSFEATURE(2) in device.requests


async def test_devices_without_report_ids(tmp_path: Path) -> None:
    port, _sys, device = make(tmp_path)
    device.numbered = False
    device.features = {0: b"\x64\x00"}
    async with port:
        # hidraw puts a 0 report number in front; the port gives the report alone
        assert await port.get_feature(0, 2) == b"\x64\x00"
        await port.set_feature(0, b"\x32\x00")
        await port.set_output(0, b"\x07")
    assert device.set_features == [b"\x00\x32\x00"]
    assert device.written == [b"\x00\x07"]
    assert device.features[0] == b"\x32\x00"


async def _next(stream: AsyncIterator[bytes]) -> bytes:
    return await asyncio.wait_for(anext(stream), 10)


async def test_input_reports_arrive_through_the_event_loop(tmp_path: Path) -> None:
    port, _sys, device = make(tmp_path)
    device.push(b"\x0c\x64")  # waiting before the stream starts
    async with port:
        stream = port.input_reports()
        assert await _next(stream) == b"\x0c\x64"
        loop = asyncio.get_running_loop()
        loop.call_later(0.2, device.push, b"\x0c\x10")
        loop.call_later(0.25, device.push, b"\x02")  # a short report is passed on as is
        assert await _next(stream) == b"\x0c\x10"
        assert await _next(stream) == b"\x02"


async def test_eagain_and_empty_reads_keep_waiting(tmp_path: Path) -> None:
    port, sys, device = make(tmp_path)
    reads: list[str] = []
    real_read = sys.read

    def flaky(fd: int, size: int) -> bytes:
        reads.append("read")
        if len(reads) == 1:
            raise OSError(errno.EINTR, "Interrupted system call")
        if len(reads) == 2:
            return b""
        return real_read(fd, size)

    sys.read = flaky  # type: ignore[method-assign]
    async with port:
        stream = port.input_reports()
        asyncio.get_running_loop().call_later(0.2, device.push, b"\x06\x01")
        assert await _next(stream) == b"\x06\x01"
    assert len(reads) >= 3


async def test_unplug_is_port_gone_and_replug_finds_the_same_unit(tmp_path: Path) -> None:
    port, sys, device = make(tmp_path, nodes=[SysNode(0)])
    async with port:
        stream = port.input_reports()
        asyncio.get_running_loop().call_later(0.2, device.unplug)
        with pytest.raises(PortGone, match="No such device"):
            await _next(stream)
        with pytest.raises(PortGone):
            await port.get_feature(1, 2)
        assert sys.open_fds == {}  # the node was let go
        remove_node(tmp_path, 0)
        with pytest.raises(PortGone, match="same unit"):
            await port.get_feature(1, 2)
        # another UPS of the same model appears first, then ours on a new node
        build_sysfs(tmp_path, [SysNode(3, serial="OTHER", uniq="OTHER", devnum=9),
                               SysNode(4, devnum=12, devpath="5")])
        sys.add("/dev/hidraw3", FakeHidDevice(features={1: b"\x01\x11"}))
        sys.add("/dev/hidraw4", FakeHidDevice(features={1: b"\x01\x64"}))
        assert await port.get_feature(1, 2) == b"\x01\x64"
        assert port.node is not None and port.node.path == "/dev/hidraw4"
        assert port.device_info()["driver.parameter.device"] == "012"


async def test_eio_on_a_feature_is_gone_and_eagain_is_silent(tmp_path: Path) -> None:
    port, sys, device = make(tmp_path)
    async with port:
        device.ioctl_errno = errno.EAGAIN
        with pytest.raises(PortSilent):
            await port.get_feature(1, 2)
        assert sys.open_fds  # still open
        device.ioctl_errno = errno.EIO
        with pytest.raises(PortGone):
            await port.report_descriptor()
        assert sys.open_fds == {}
        device.ioctl_errno = None
        assert await port.get_feature(1, 2) == b"\x01\x64"  # reopened


@pytest.mark.parametrize("size", [0, -1, 4097, 1 << 20])
async def test_garbage_descriptor_sizes(tmp_path: Path, size: int) -> None:
    port, _sys, device = make(tmp_path)
    device.garbage_size = size
    async with port:
        with pytest.raises(PortGarbled, match="descriptor size"):
            await port.report_descriptor()


async def test_garbage_feature_sizes(tmp_path: Path) -> None:
    port, _sys, device = make(tmp_path)
    async with port:
        for bad in (0, 70000):
            with pytest.raises(PortGarbled):
                await port.get_feature(1, bad)
        with pytest.raises(PortGarbled):
            await port.get_feature(300, 2)
        device.garbage_size = 99  # the kernel claims more than the buffer
        with pytest.raises(PortGarbled, match="99 bytes"):
            await port.get_feature(1, 2)
        device.garbage_size = None
        device.features[1] = b"\x05\x64"
        with pytest.raises(PortGarbled, match="came back as 5"):
            await port.get_feature(1, 2)


async def test_a_hanging_ioctl_times_out(tmp_path: Path) -> None:
    port, _sys, device = make(tmp_path)
    port.call_timeout = 0.3
    device.ioctl_delay = 1.0
    async with port:
        with pytest.raises(PortSilent, match="no answer"):
            await port.get_feature(1, 2)


async def test_close_ends_a_waiting_stream(tmp_path: Path) -> None:
    port, sys, _device = make(tmp_path)
    await port.open()
    stream = port.input_reports()
    task = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.2)
    await port.close()
    with pytest.raises(PortGone):
        await asyncio.wait_for(task, 10)
    assert sys.open_fds == {}
    with pytest.raises(PortGone, match="not open"):
        await port.get_feature(1, 2)


def test_os_syscalls_read_and_write_a_descriptor(tmp_path: Path) -> None:
    calls = OsHidrawSys()
    path = tmp_path / "node"
    path.write_bytes(b"")
    fd = calls.open(str(path), os.O_RDWR | os.O_NONBLOCK)
    try:
        assert calls.write(fd, b"\x01\x02") == 2
        os.lseek(fd, 0, os.SEEK_SET)
        assert calls.read(fd, 10) == b"\x01\x02"
        with pytest.raises(OSError):
            calls.ioctl(fd, hidraw.HIDIOCGRDESCSIZE, bytearray(4))  # not a hidraw node
    finally:
        calls.close(fd)
