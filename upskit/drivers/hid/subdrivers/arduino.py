"""Arduino boards running a HID Power Device sketch (NUT's arduino-hid subdriver;
Leonardo, Leonardo ETH and Pro Micro on VIDs 0x2341 and 0x2a03).

Facts from NUT's documentation: NUT maps only the PowerSummary timers and the
two-step shutdown for these boards; everything else such a sketch reports is left to
explore mode. (NUT also reads these boards on interrupt endpoint 4 with report
index 2, a detail of the USB access, not of this table.)
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, Subdriver
from upskit.drivers.hid.subdrivers import generic

ARDUINO_VENDOR, ARDUINO_VENDOR2 = 0x2341, 0x2A03

_SUMMARY = "UPS.PowerSummary."

VARIABLES: tuple[HidVar, ...] = (
    *generic.delay_rows(_SUMMARY),
    HidVar("ups.timer.start", _SUMMARY + "DelayBeforeStartup", Poll.QUICK),
    HidVar("ups.timer.shutdown", _SUMMARY + "DelayBeforeShutdown", Poll.QUICK),
    HidVar("ups.timer.reboot", _SUMMARY + "DelayBeforeReboot", Poll.QUICK),
)

COMMANDS: tuple[HidCommand, ...] = (
    HidCommand("load.off.delay", _SUMMARY + "DelayBeforeShutdown", "ups.delay.shutdown"),
    HidCommand("load.on.delay", _SUMMARY + "DelayBeforeStartup", "ups.delay.start"),
    HidCommand("shutdown.stop", _SUMMARY + "DelayBeforeShutdown", "-1"),
    HidCommand("shutdown.reboot", _SUMMARY + "DelayBeforeReboot", "10"),
)

ARDUINO = Subdriver(
    name="arduino", version="0.1", label="Arduino HID 0.1", variables=VARIABLES,
    commands=COMMANDS,
    supported=((ARDUINO_VENDOR, 0x0036), (ARDUINO_VENDOR, 0x8036),
               (ARDUINO_VENDOR2, 0x0036), (ARDUINO_VENDOR2, 0x8036),
               (ARDUINO_VENDOR2, 0x0040), (ARDUINO_VENDOR2, 0x8040)),
    possibly=((ARDUINO_VENDOR, None), (ARDUINO_VENDOR2, None)),
)
