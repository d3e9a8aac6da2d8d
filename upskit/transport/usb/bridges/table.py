"""The USB device table of Q* bridges: which chip a device carries.

Order matters: the first row whose ids *and* required strings match wins.  A
device whose vendor id is known but whose product id is not is only "possibly
supported" and is not accepted.  ``udev-rules`` and ``scan`` read this table
too, so it is the one list of supported USB ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

from upskit.transport.usb.match import UsbIdentity


class Support(IntEnum):
    """How well the table knows a device (NUT's three levels)."""

    NOT_SUPPORTED = 0
    POSSIBLY_SUPPORTED = 1
    SUPPORTED = 2


@dataclass(frozen=True)
class TableEntry:
    """One row: ids, optional required strings (exact, case-insensitive), bridge."""

    vendorid: int
    productid: int
    bridge: str | None
    example: str
    vendor: str | None = None
    product: str | None = None

    def matches(self, ident: UsbIdentity) -> bool:
        if (ident.vendorid, ident.productid) != (self.vendorid, self.productid):
            return False
        if self.vendor is not None and ident.vendor.lower() != self.vendor.lower():
            return False
        return self.product is None or ident.product.lower() == self.product.lower()


_E = TableEntry
#: The table (first full match wins).  ``bridge=None`` rows are known but never
#: auto-selected (plain serial chips with a kernel tty driver).
QX_USB_TABLE: tuple[TableEntry, ...] = (
    _E(0x05B8, 0x0000, "cypress", "Agiler UPS (Sysgration)"),
    _E(0xFFFF, 0x0000, "ablerex", "Ablerex 625L"),
    _E(0x1CB0, 0x0035, "krauler", "Legrand Daker DK / DK Plus"),
    _E(0x0665, 0x5161, "cypress", "Belkin F6C1200-UNV, Voltronic Power"),
    _E(0x06DA, 0x0002, "phoenixtec", "Masterguard A series",
       vendor="Phoenixtec Power", product="USB Cable (V2.00)"),
    _E(0x06DA, 0x0002, "cypress", "Online Yunto YQ450"),
    _E(0x06DA, 0x0003, "ippon", "Ippon BackPro, Mustek Powermust"),
    _E(0x06DA, 0x0004, "cypress", "Phoenixtec Innova 3/1 T"),
    _E(0x06DA, 0x0005, "cypress", "Phoenixtec Innova RT"),
    _E(0x06DA, 0x0201, "cypress", "Phoenixtec Innova T"),
    _E(0x06DA, 0x0601, "phoenix", "Online Zinto A"),
    _E(0x0F03, 0x0001, "energizer", "Energizer ER-OF800, ER-HM450, ER-HMOF600",
       product="USB To RS232 Interface (V1.0) BaudRate 2400bps"),
    _E(0x0F03, 0x0001, "cypress", "Unitek Alpha 1200Sx"),
    _E(0x14F0, 0x00C9, "phoenix", "GE EP series"),
    _E(0x1A86, 0x7523, None, "QinHeng CH340 (Ippon Innova TAE): a plain serial tty"),
    _E(0x0483, 0x0035, "sgs", "TS Shara"),
    _E(0x0590, 0x00B7, "omron", "OMRON BN150T"),
    _E(0x0001, 0x0000, "fabula", "Fideltronik/MEC LUPUS 500", vendor="MEC", product="MEC0003"),
    _E(0x0001, 0x0000, "hunnox", "Hunnox HNX 850, Powercool", product="MEC0003"),
    _E(0x0001, 0x0000, "fuji", "Fuji UPSes, 2E PS1000L",
       vendor="ATCL FOR UPS", product="ATCL FOR UPS"),
    _E(0x0001, 0x0000, "krauler", "Krauler UP-M500VA"),
    _E(0x0001, 0x0000, "snr", "SNR-UPS-LID (shadowed: force subdriver=snr)", product="MEC0003"),
    _E(0x0925, 0x1234, "armac", "Armac R/2000I/PSW, R/3000I/PF1, Vultech V2000 (Richcomm)"),
)

#: The failure message when no device qualifies.
NOT_FOUND_MESSAGE = (
    "No supported devices found. Please check your device availability with 'lsusb' "
    "and make sure you have an up-to-date version of upskit. If this does not help, "
    "try running the driver with at least 'subdriver', 'vendorid' and 'productid' "
    "options specified."
)


def support_of(ident: UsbIdentity) -> tuple[Support, TableEntry | None]:
    """How the table knows ``ident``, and the first fully matching row."""
    vendor_known = False
    for entry in QX_USB_TABLE:
        if entry.vendorid != ident.vendorid:
            continue
        vendor_known = True
        if entry.matches(ident):
            return Support.SUPPORTED, entry
    return (Support.POSSIBLY_SUPPORTED if vendor_known else Support.NOT_SUPPORTED), None


def bridge_for(ident: UsbIdentity) -> str | None:
    """The bridge the table picks for ``ident`` (None: not accepted)."""
    level, entry = support_of(ident)
    if level is Support.SUPPORTED and entry is not None:
        return entry.bridge
    return None


def usb_ids() -> Iterator[tuple[int, int, str]]:
    """Every distinct VID:PID of the table with a comment (for udev rules)."""
    seen: dict[tuple[int, int], list[str]] = {}
    for entry in QX_USB_TABLE:
        if entry.bridge is None:
            continue
        seen.setdefault((entry.vendorid, entry.productid), []).append(entry.example)
    for (vid, pid), examples in seen.items():
        yield vid, pid, "; ".join(examples)
