"""The device table: NUT's first-full-match rule, string conditions, VID-only rejection."""

from __future__ import annotations

import pytest

from upskit.transport.usb.bridges import BRIDGES, bridge_class
from upskit.transport.usb.bridges.table import QX_USB_TABLE, Support, bridge_for, support_of
from upskit.transport.usb.match import UsbIdentity, parse_usb_url


@pytest.mark.parametrize(("vid", "pid", "vendor", "product", "bridge"), [
    (0x0665, 0x5161, "", "", "cypress"),
    (0x06DA, 0x0002, "Phoenixtec Power", "USB Cable (V2.00)", "phoenixtec"),
    (0x06DA, 0x0002, "PHOENIXTEC POWER", "usb cable (v2.00)", "phoenixtec"),
    (0x06DA, 0x0002, "Other", "USB Cable (V2.00)", "cypress"),
    (0x06DA, 0x0003, "", "", "ippon"),
    (0x0001, 0x0000, "MEC", "MEC0003", "fabula"),
    (0x0001, 0x0000, "Fry's Electronics", "MEC0003", "hunnox"),
    (0x0001, 0x0000, "ATCL FOR UPS", "ATCL FOR UPS", "fuji"),
    (0x0001, 0x0000, "Krauler", "UP-M500VA", "krauler"),
    (0x0F03, 0x0001, "Ver 1.0", "USB To RS232 Interface (V1.0) BaudRate 2400bps", "energizer"),
    (0x0F03, 0x0001, "Unitek", "Alpha 1200Sx", "cypress"),
    (0x0925, 0x1234, "", "", "armac"),
    (0xFFFF, 0x0000, "", "", "ablerex"),
    (0x1A86, 0x7523, "", "", None),
])
def test_first_full_match(vid: int, pid: int, vendor: str, product: str,
                          bridge: str | None) -> None:
    assert bridge_for(UsbIdentity(vid, pid, vendor, product)) == bridge


def test_snr_is_shadowed_and_vendor_only_is_not_enough() -> None:
    assert "snr" not in {bridge_for(UsbIdentity(0x0001, 0, v, "MEC0003")) for v in ("", "SNR", "X")}
    assert support_of(UsbIdentity(0x0665, 0x9999))[0] is Support.POSSIBLY_SUPPORTED
    assert support_of(UsbIdentity(0x1234, 0x5678))[0] is Support.NOT_SUPPORTED
    assert bridge_for(UsbIdentity(0x0665, 0x9999)) is None


def test_every_table_bridge_exists_and_every_bridge_is_selectable() -> None:
    for entry in QX_USB_TABLE:
        if entry.bridge is not None:
            assert bridge_class(entry.bridge).name == entry.bridge
    for name in ("cypress", "phoenixtec", "phoenix", "ippon", "omron", "krauler", "fabula",
                 "hunnox", "fuji", "sgs", "snr", "ablerex", "armac", "gtec"):
        assert name in BRIDGES


def test_usb_url_parsing() -> None:
    assert parse_usb_url("usb://665:5161") == {"vendorid": "0665", "productid": "5161"}
    assert parse_usb_url("auto") == {}
    assert parse_usb_url("usb://0925:1234?subdriver=armac") == {
        "vendorid": "0925", "productid": "1234", "subdriver": "armac"}
    with pytest.raises(ValueError):
        parse_usb_url("usb://zz:1")
