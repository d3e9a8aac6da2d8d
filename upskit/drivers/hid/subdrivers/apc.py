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

SENSITIVITY = Lookup({0: "low", 1: "medium", 2: "high"}, name="APC sensitivity")
VARIABLES: tuple[HidVar, ...] = (
    HidVar("input.sensitivity", "UPS.Input.APCSensitivity", lookup=SENSITIVITY,
           flags=generic.RW_STRING),
    HidVar("ups.timer.reboot", "UPS.APCGeneralCollection.APCForceShutdown", Poll.QUICK),
    HidVar("ups.mfr.date", "UPS.PowerSummary.ManufacturerDate", Poll.STATIC,
           convert=generic.hid_date),
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
)
