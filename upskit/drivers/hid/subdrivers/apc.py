"""APC Back-UPS and Smart-UPS (NUT's apc-hid subdriver; VID 0x051d).

Facts from NUT's documentation and device dumps: APC units keep their status under
``UPS.PowerSummary.PresentStatus`` (Smart-UPS), ``UPS.PowerSummary`` (older Back-UPS)
or ``UPS.PresentStatus`` (newer Back-UPS), and use vendor page 0xff86 for the input
sensitivity and the front-panel test.
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, Subdriver
from upskit.drivers.hid.subdrivers import generic
from upskit.drivers.hid.usages import make_table
from upskit.model.mapping import Lookup

APC_VENDOR = 0x051D

USAGES = make_table(0xFF86, """
05 APCGeneralCollection 16 APCBattReplaceDate 19 APCBattCapBeforeStartup
42 APC_UPS_FirmwareRevision 52 APCLineFailCause 60 APCStatusFlag 61 APCSensitivity
72 APCPanelTest 7c APCForceShutdown 7d APCDelayBeforeShutdown 7e APCDelayBeforeStartup
""")

def product_firmware(product: str) -> str | None:
    """The UPS firmware an APC product string names after ``FW:`` (``"Back-UPS 500
    FW: 6.5.I USB FW: c1"`` -> ``"6.5.I"``, ``"Smart-UPS X 750  FW:COM 03.8 / UPS
    03.8"`` -> ``"COM 03.8 / UPS 03.8"``)."""
    head, sep, tail = product.partition("FW:")
    if not sep or head.endswith("USB "):
        return None
    return tail.partition("USB FW:")[0].strip() or None


def product_model(product: str) -> str:
    """The model an APC product string names before ``FW:`` (``"Back-UPS 500 FW: 6.5.I
    USB FW: c1"`` -> ``"Back-UPS 500"``); the whole string when it names no firmware."""
    head, sep, _tail = product.partition("FW:")
    return head.strip() if sep and head.strip() else product


def product_usb_firmware(product: str) -> str | None:
    """The USB firmware an APC product string names after ``USB FW:`` (``"c1"``)."""
    _head, sep, tail = product.partition("USB FW:")
    return (tail.strip() or None) if sep else None


SENSITIVITY = Lookup({0: "low", 1: "medium", 2: "high"}, name="APC sensitivity")
VARIABLES: tuple[HidVar, ...] = (
    HidVar("input.sensitivity", "UPS.Input.APCSensitivity", lookup=SENSITIVITY,
           flags=generic.RW_STRING),
    HidVar("ups.timer.reboot", "UPS.APCGeneralCollection.APCForceShutdown", Poll.QUICK),
    HidVar("ups.mfr.date", "UPS.PowerSummary.ManufacturerDate", Poll.STATIC,
           convert=generic.hid_date),
    # the product string names the firmware (Back-UPS CS, Smart-UPS); BK units
    # point at it from their own field instead
    HidVar("ups.firmware", "UPS.PowerSummary.iProduct", Poll.STATIC, string=True,
           text=product_firmware),
    HidVar("ups.firmware", "UPS.APC_UPS_FirmwareRevision", Poll.STATIC, string=True),
    HidVar("ups.firmware.aux", "UPS.PowerSummary.iProduct", Poll.STATIC, string=True,
           text=product_usb_firmware),
    *generic.VARIABLES,
)

COMMANDS: tuple[HidCommand, ...] = (
    HidCommand("test.panel.start", "UPS.APCPanelTest", "1"),
    HidCommand("test.panel.start", "UPS.PowerSummary.APCPanelTest", "1"),
    *generic.COMMANDS,
)

APC = Subdriver(
    name="apc", version="0.100", label="APC HID 0.100", usages=USAGES,
    variables=VARIABLES, commands=COMMANDS, status=generic.STATUS,
    supported=tuple((APC_VENDOR, pid) for pid in (0x0002, 0x0003, 0x0004, 0x0005)),
    possibly=((APC_VENDOR, None),),
    format_model=product_model,
)
