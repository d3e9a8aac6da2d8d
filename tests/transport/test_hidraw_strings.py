"""hidraw and USB strings: only the indexes sysfs maps (the device descriptor's
manufacturer, product and serial) answer; every other index reads ``None``."""

from __future__ import annotations

from pathlib import Path

from tests.transport.hidraw_fake import FakeHidDevice, FakeHidrawSys, SysNode, build_sysfs
from upskit.transport.hidraw import HidrawPort

DESCRIPTOR = bytes.fromhex("05840904a101092485010966750895011500" "26ff00b102c0c0")


def device_descriptor(manufacturer: int, product: int, serial: int) -> bytes:
    return bytes([18, 1, 0, 2, 0, 0, 0, 8, 0x1D, 0x05, 0x02, 0, 0x06, 0x01,
                  manufacturer, product, serial, 1])


async def opened(tmp_path: Path, descriptor: bytes | None) -> HidrawPort:
    node = SysNode(0)
    build_sysfs(tmp_path, [node])
    if descriptor is not None:
        usb = tmp_path / "devices" / "pci0000:00" / "usb1" / f"{node.busnum}-{node.devpath}"
        (usb / "descriptors").write_bytes(descriptor + bytes([9, 2, 34, 0]))
    sys = FakeHidrawSys()
    sys.add("/dev/hidraw0", FakeHidDevice(descriptor=DESCRIPTOR, features={},
                                          vendorid=node.vendorid, productid=node.productid))
    port = HidrawPort("hidraw://", {}, syscalls=sys, sysfs=str(tmp_path), call_timeout=5.0)
    await port.open()
    return port


async def test_sysfs_strings_answer_at_their_indexes(tmp_path: Path) -> None:
    port = await opened(tmp_path, device_descriptor(3, 1, 2))
    try:
        assert await port.string(3) == "American Power Conversion"
        assert await port.string(1) == "Back-UPS ES 700G"
        assert await port.string(2) == "4B1234P56789"
        assert await port.string(4) is None  # the chemistry: not in sysfs
        assert await port.string(0) is None
    finally:
        await port.close()


async def test_no_descriptors_file_means_no_strings(tmp_path: Path) -> None:
    port = await opened(tmp_path, None)
    try:
        assert await port.string(1) is None
    finally:
        await port.close()
