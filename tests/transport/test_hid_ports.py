"""The HID port schemes: hidraw://, usbhid:// and hid:// (hidraw first on Linux when a
HID Power Device node matches, else libusb, or as ``hid_access`` says)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.transport.hidraw_fake import SysNode, build_sysfs
from upskit.options import BadOption
from upskit.transport import HidPort, open_port
from upskit.transport.hidports import (
    HidPortOptions,
    declares_power_page,
    make_hid,
    power_node,
)
from upskit.transport.hidraw import HidrawPort
from upskit.transport.url import port_options
from upskit.transport.usb.hid import UsbHidPort

UPS_DESC = bytes.fromhex("05840904a101092485010966750895011500" "26ff00b102c0c0")
KEYBOARD_DESC = bytes.fromhex("05010906a101050719e029e7150025017501950881 02c0"
                              .replace(" ", ""))


def sysfs(tmp_path: Path, descriptors: dict[int, bytes]) -> Path:
    """A /sys with a keyboard (hidraw0) and an APC UPS (hidraw1), each with the
    report descriptor given (none: the file is missing)."""
    build_sysfs(tmp_path, [
        SysNode(0, vendorid=0x046D, productid=0xC52B, manufacturer="Logitech",
                product="USB Keyboard", serial=None, uniq="", devpath="1"),
        SysNode(1, devpath="2")])
    for index, data in descriptors.items():
        entry = tmp_path / "class" / "hidraw" / f"hidraw{index}" / "device"
        (entry / "report_descriptor").write_bytes(data)
    return tmp_path


def test_power_pages_are_found_by_walking_the_items() -> None:
    assert declares_power_page(UPS_DESC)
    assert declares_power_page(bytes.fromhex("0685000901"))  # two-byte page 0x0085
    assert not declares_power_page(KEYBOARD_DESC)
    # 0x84 as the data of another item is no usage page
    assert not declares_power_page(bytes.fromhex("0984150026840005"))
    # a long item is skipped whole; a truncated one ends the walk
    assert declares_power_page(bytes.fromhex("fe0201aabb0584"))
    assert not declares_power_page(b"\xfe")
    assert not declares_power_page(b"\x05")


def test_hid_takes_hidraw_for_the_power_device_node(tmp_path: Path) -> None:
    root = sysfs(tmp_path, {0: KEYBOARD_DESC, 1: UPS_DESC})
    port = make_hid("hid://", HidPortOptions({}), sysfs=str(root))
    assert isinstance(port, HidrawPort)
    assert port.url == "hid://"
    # pinned to the UPS: the keyboard before it is never opened
    node = power_node({}, sysfs=str(root))
    assert node is not None and node.path == "/dev/hidraw1"
    assert [n.path for n in port._candidates()] == ["/dev/hidraw1"]


def test_hid_falls_back_to_libusb_without_a_power_node(tmp_path: Path) -> None:
    root = sysfs(tmp_path, {0: KEYBOARD_DESC})  # the UPS's descriptor is unreadable
    port = make_hid("hid://051d:0002", HidPortOptions({}), sysfs=str(root))
    assert isinstance(port, UsbHidPort)
    assert port.url == "hid://051d:0002"
    assert port.access.matcher.has("vendorid")
    # the match options apply to hidraw too: a serial that is not the UPS's
    root = sysfs(tmp_path / "b", {0: KEYBOARD_DESC, 1: UPS_DESC})
    port = make_hid("hid://", HidPortOptions({"serial": "nope"}), sysfs=str(root))
    assert isinstance(port, UsbHidPort)


def test_hid_access_forces_one_access(tmp_path: Path) -> None:
    root = sysfs(tmp_path, {0: KEYBOARD_DESC, 1: UPS_DESC})
    libusb = make_hid("hid://", HidPortOptions({"hid_access": "libusb"}), sysfs=str(root))
    assert isinstance(libusb, UsbHidPort)
    forced = make_hid("hid://", HidPortOptions({"hid_access": "hidraw"}),
                      sysfs=str(tmp_path / "empty"))
    assert isinstance(forced, HidrawPort)
    with pytest.raises(BadOption, match="hid_access"):
        HidPortOptions({"hid_access": "bluetooth"})


def test_the_schemes_through_open_port() -> None:
    assert isinstance(open_port("hidraw:///dev/hidraw3", {}, HidPort), HidrawPort)
    raw = open_port("hidraw://051d:0002", {"serial": "AB.*", "pollfreq": "5"}, HidPort)
    assert isinstance(raw, HidrawPort) and raw.matcher.has("serial")
    assert isinstance(open_port("usbhid://051d:0002", {}, HidPort), UsbHidPort)
    for url in ("hid://", "hidraw://", "usbhid://0463:ffff"):
        assert port_options(url) is HidPortOptions
    assert "subdriver" not in HidPortOptions.spec  # the driver's, not a bridge chip
    with pytest.raises(ValueError, match="bad USB id"):
        open_port("usbhid://zz:0002", {}, HidPort)
