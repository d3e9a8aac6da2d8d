"""The ups.conf options of a USB bridge port (``auto``, ``usb://VID:PID``).

Only these keys reach a USB port, parsed once when the UPS is set up; this module loads
no other USB code (the bridge names are looked up when a ``subdriver`` is checked).
"""

from __future__ import annotations

from upskit.options import (
    BadValue,
    Option,
    OptionSet,
    choice,
    flag,
    parse_bool,
    pattern,
    show,
    whole,
)


def subdriver(value: str) -> str:
    """A USB bridge name (``cypress``, ``krauler``...), in lower case."""
    from upskit.plugins import UnknownPlugin
    from upskit.transport.usb.bridges import BRIDGES

    if value.lower() not in BRIDGES:
        known = BRIDGES.names()
        hint = UnknownPlugin("subdriver", value, known).suggestion
        raise BadValue(f"needs a known USB subdriver, got {show(value)} (an unknown "
                       f"subdriver; known: {', '.join(known)})"
                       + (f'; did you mean "{hint}"?' if hint else ""))
    return value.lower()


def langid(value: str) -> int:
    """A USB language id in hex (``0x409``, ``0x4095``)."""
    digits = value.strip().lower().removeprefix("0x")
    try:
        return int(digits, 16)
    except ValueError:
        raise BadValue(f"needs a hex number like 0x409, got {show(value)}") from None


_YES_NO = choice("yes", "no", "on", "off", "true", "false", "1", "0")


def yes_no(value: str) -> bool:
    """``yes``/``no`` (or on/off, true/false, 1/0)."""
    return parse_bool(_YES_NO(value)) is True


class UsbMatchOptions(OptionSet):
    """Which USB unit a port takes (NUT's ``nut_usb_addvars``): case-insensitive
    regular expressions that must match the whole value; shared by the bridge port and
    the HID ports."""

    vendor = Option(pattern, None, help="regex for the vendor string")
    product = Option(pattern, None, help="regex for the product string")
    serial = Option(pattern, None, help="regex for the serial number")
    vendorid = Option(pattern, None, help="regex for the vendor id (hex)")
    productid = Option(pattern, None, help="regex for the product id (hex)")
    bus = Option(pattern, None, help="regex for the bus number")
    device = Option(pattern, None, help="regex for the device number on the bus")
    busport = Option(pattern, None, help="regex for the port on the bus")


class UsbOptions(UsbMatchOptions):
    """A USB bridge port (``auto``, ``usb://VID:PID``): device matching, bridge quirks.

    ``usb_*`` and ``allow_duplicates`` are NUT's and accepted for its configurations.
    """

    subdriver = Option(subdriver, None, help="the bridge chip, when it cannot be told "
                                              "by its ids (needs vendorid and productid)")
    langid_fix = Option(langid, None, help="language id to read strings with (hex)")
    noscanlangid = flag(help="read strings without asking for the languages first")
    novendor = flag(help="do not ask the device for its vendor string")
    drain = Option(yes_no, None, help="read and drop stale replies before each command")
    usb_set_altinterface = Option(whole(0), None)
    usb_config_index = Option(whole(0), None)
    usb_hid_rep_index = Option(whole(0), None)
    usb_hid_desc_index = Option(whole(0), None)
    usb_hid_ep_in = Option(whole(0), None)
    usb_hid_ep_out = Option(whole(0), None)
    allow_duplicates = flag()
