"""The HID subdrivers' claims in udev rules and for ``upskit scan``."""

from __future__ import annotations

from upskit.cli import udev_rules
from upskit.drivers.hid.claims import claim_of, usb_ids
from upskit.drivers.hid.subdrivers import SUBDRIVERS


def test_every_named_product_of_a_subdriver_gets_a_rule() -> None:
    rows = {(vid, pid): comment for vid, pid, comment in usb_ids()}
    assert rows[(0x051D, 0x0002)] == "usbhid-ups apc (supported)"
    named = {(vid, pid) for sub in SUBDRIVERS for vid, pid in (*sub.supported, *sub.possibly)
             if pid is not None}
    assert set(rows) == named
    text = udev_rules.rules("nut", "0664")
    assert "# usbhid-ups apc (supported)\n" \
           'ATTR{idVendor}=="051d", ATTR{idProduct}=="0002", MODE="0664", GROUP="nut"' in text
    assert "usb:v051Dp0002*" in udev_rules.hwdb()


def test_which_subdriver_claims_a_unit() -> None:
    assert claim_of(0x051D, 0x0002) == "apc"
    assert claim_of(0x051D, 0x7777) == "apc (possibly supported)"  # APC's whole vendor id
    assert claim_of(0x1234, 0x5678) is None
