"""The HID port schemes: ``hidraw://``, ``usbhid://`` and ``hid://``.

- ``hidraw://`` (the first USB HID node the match options accept),
  ``hidraw://VID:PID``, ``hidraw:///dev/hidrawN``: Linux hidraw
  (:class:`~upskit.transport.hidraw.HidrawPort`); the kernel keeps the device.
- ``usbhid://`` / ``usbhid://VID:PID``: libusb through pyusb
  (:class:`~upskit.transport.usb.hid.UsbHidPort`); the kernel driver is detached.
- ``hid://`` / ``hid://VID:PID``: a HID Power Device by either access, as the
  ``hid_access`` option says: ``auto`` (the default) takes hidraw on Linux when a node
  matches the options and its report descriptor declares the Power Device (0x84) or
  Battery System (0x85) page, else libusb; ``hidraw`` or ``libusb`` force one.  This is
  what ``port = auto`` means for the usbhid-ups driver.

Every scheme takes NUT's USB match options (``vendorid``, ``productid``, ``vendor``,
``product``, ``serial``, ``bus``, ``device``, ``busport``: regular expressions).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from upskit.options import Option, choice
from upskit.transport.hid import HidPort
from upskit.transport.url import PortScheme
from upskit.transport.usb.match import RegexMatcher, parse_usb_url
from upskit.transport.usb.options import UsbMatchOptions

#: Usage pages of a HID Power Device (Power Device, Battery System).
POWER_PAGES = frozenset({0x84, 0x85})
_USAGE_PAGE_TAG = 0x04  # a global item: bType 1, bTag 0


class HidPortOptions(UsbMatchOptions):
    """A HID port (``hid://``, ``hidraw://``, ``usbhid://``): device matching and the
    access ``hid://`` uses."""

    hid_access = Option(choice("auto", "hidraw", "libusb"), "auto",
                        help="how hid:// (port = auto) reaches the unit: auto (hidraw on "
                             "Linux when a HID Power Device node matches, else libusb), "
                             "hidraw or libusb")


def declares_power_page(descriptor: bytes) -> bool:
    """Whether a report descriptor sets the Power Device or Battery System usage page
    (walking its items; a truncated descriptor answers from what it holds)."""
    at = 0
    while at < len(descriptor):
        prefix = descriptor[at]
        if prefix == 0xFE:  # a long item: size in the next byte
            if at + 1 >= len(descriptor):
                return False
            at += 3 + descriptor[at + 1]
            continue
        size = (0, 1, 2, 4)[prefix & 0x03]
        if prefix & 0xFC == _USAGE_PAGE_TAG and size:
            value = int.from_bytes(descriptor[at + 1:at + 1 + size], "little")
            if value in POWER_PAGES:
                return True
        at += 1 + size
    return False


def power_node(options: Mapping[str, Any], *, sysfs: str = "/sys",
               dev_dir: str = "/dev") -> Any:
    """The first hidraw node the match options accept whose descriptor (read from
    ``/sys``) declares a power page, or None."""
    from upskit.transport.hidraw import find_nodes

    matcher = RegexMatcher.from_options(options)
    for node in find_nodes(sysfs, dev_dir):
        if not matcher.matches(node.identity):
            continue
        entry = Path(sysfs) / "class" / "hidraw" / Path(node.path).name / "device"
        try:
            descriptor = (entry / "report_descriptor").read_bytes()
        except OSError:
            continue
        if declares_power_page(descriptor):
            return node
    return None


def _given(url: str, options: Mapping[str, Any]) -> dict[str, Any]:
    merged = {k: v for k, v in options.items() if k != "hid_access"}
    merged.update(parse_usb_url(url))  # the URL's ids are exact
    return merged


def make_hidraw(url: str, options: Mapping[str, Any], *, sysfs: str = "/sys",
                dev_dir: str = "/dev") -> HidPort:
    """Port factory for ``hidraw://`` URLs."""
    from upskit.transport.hidraw import HidrawPort

    return HidrawPort(url, {k: v for k, v in options.items() if k != "hid_access"},
                      sysfs=sysfs, dev_dir=dev_dir)


def make_usbhid(url: str, options: Mapping[str, Any]) -> HidPort:
    """Port factory for ``usbhid://`` URLs."""
    from upskit.transport.usb.hid import UsbHidPort

    return UsbHidPort(url, _given(url, options))


def make_hid(url: str, options: Mapping[str, Any], *, sysfs: str = "/sys",
             dev_dir: str = "/dev") -> HidPort:
    """Port factory for ``hid://`` URLs: hidraw or libusb, as ``hid_access`` says."""
    access = str(options.get("hid_access") or "auto")
    rest = url.split("://", 1)[1] if "://" in url else ""
    given = _given(url, options)
    if access == "hidraw":
        return make_hidraw(f"hidraw://{rest}", given, sysfs=sysfs, dev_dir=dev_dir)
    if access == "auto" and sys.platform.startswith("linux"):
        node = power_node(given, sysfs=sysfs, dev_dir=dev_dir)
        if node is not None:
            ident = node.identity
            given.update(vendorid=f"{ident.vendorid:04x}", productid=f"{ident.productid:04x}")
            port = make_hidraw(f"hidraw://{rest}", given, sysfs=sysfs, dev_dir=dev_dir)
            port.url = url
            return port
    port = make_usbhid(f"usbhid://{rest}", given)
    port.url = url
    return port


#: ``hidraw://``: Linux hidraw.
HIDRAW_SCHEME = PortScheme(make_hidraw, HidPortOptions)
#: ``usbhid://``: libusb through pyusb.
USBHID_SCHEME = PortScheme(make_usbhid, HidPortOptions)
#: ``hid://``: a HID Power Device by hidraw or libusb (``port = auto`` of usbhid-ups).
HID_SCHEME = PortScheme(make_hid, HidPortOptions)
