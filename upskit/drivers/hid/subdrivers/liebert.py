"""Phoenixtec-built units sold as Liebert and others (NUT's liebert-hid subdriver,
"Phoenixtec/Liebert HID"; VID 0x06da).

Facts from NUT's documentation and device dumps: the standard PowerSummary,
PowerConverter and ``Flow.[4]`` paths; the input transfer limits are two unnamed
usages of page 0xffff under ``UPS.PowerConverter.Output`` (0x57 low, 0x58 high; 0xf9
and 0xf8 for the frequency limits), which paths show as 8-digit hex nodes.
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic

PHOENIXTEC_VENDOR = 0x06DA

_SUMMARY, _PRESENT = "UPS.PowerSummary.", "UPS.PowerSummary.PresentStatus."
_OUT, _IN = "UPS.PowerConverter.Output.", "UPS.PowerConverter.Input.[1]."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("battery.voltage", _SUMMARY + "Voltage", fmt="%.2f"),
    HidVar("battery.charge", _SUMMARY + "RemainingCapacity", Poll.QUICK),
    HidVar("battery.charge.capacity.design", _SUMMARY + "DesignCapacity", Poll.STATIC),
    HidVar("battery.charge.capacity.remaining", _SUMMARY + "FullChargeCapacity"),
    HidVar("battery.runtime", _SUMMARY + "RunTimeToEmpty", Poll.QUICK),
    HidVar("ups.load", _SUMMARY + "PercentLoad"),
    HidVar("ups.power.nominal", "UPS.Flow.[4].ConfigApparentPower", Poll.STATIC),
    HidVar("ups.test.result", "UPS.BatterySystem.Battery.Test", lookup=generic.TEST_RESULT),
    HidVar("ups.beeper.status", _SUMMARY + "AudibleAlarmControl", lookup=generic.BEEPER),
    HidVar("output.voltage", _OUT + "Voltage", fmt="%.1f"),
    HidVar("output.voltage.nominal", "UPS.Flow.[4].ConfigVoltage", Poll.STATIC),
    HidVar("output.frequency", _OUT + "Frequency", fmt="%.2f"),
    HidVar("output.frequency.nominal", "UPS.Flow.[4].ConfigFrequency", Poll.STATIC),
    HidVar("output.transfer.high", _OUT + "HighVoltageTransfer", fmt="%.1f"),
    HidVar("output.transfer.low", _OUT + "LowVoltageTransfer", fmt="%.1f"),
    HidVar("input.voltage", _IN + "Voltage", fmt="%.1f"),
    HidVar("input.frequency", _IN + "Frequency", fmt="%.2f"),
    HidVar("input.transfer.low", _OUT + "ffff0057"),
    HidVar("input.transfer.high", _OUT + "ffff0058"),
    HidVar("input.frequency.transfer.low", _OUT + "ffff00f9"),
    HidVar("input.frequency.transfer.high", _OUT + "ffff00f8"),
    *generic.delay_rows(_SUMMARY),
)

COMMANDS: tuple[HidCommand, ...] = (
    HidCommand("test.battery.start", "UPS.BatterySystem.Battery.Test", "1"),
    HidCommand("load.off.delay", _SUMMARY + "DelayBeforeShutdown", "ups.delay.shutdown"),
    HidCommand("load.on.delay", _SUMMARY + "DelayBeforeStartup", "ups.delay.start"),
    HidCommand("shutdown.stop", _SUMMARY + "DelayBeforeShutdown", "-1"),
    HidCommand("beeper.toggle", _SUMMARY + "AudibleAlarmControl", "1"),
)

STATUS: tuple[StatusRule, ...] = (
    StatusRule(_PRESENT + "ACPresent", "online"),
    StatusRule(_PRESENT + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_PRESENT + "Charging", "charging"),
    StatusRule(_PRESENT + "Discharging", "discharging"),
    StatusRule(_PRESENT + "Overload", "overload"),
    StatusRule(_PRESENT + "Good", "off", when=0),
    StatusRule(_PRESENT + "InternalFailure", "commfault"),
    StatusRule(_PRESENT + "ShutdownImminent", "shutdownimm"),
    StatusRule(_IN + "PresentStatus.Buck", "trim"),
    StatusRule(_IN + "PresentStatus.Boost", "boost"),
)

LIEBERT = Subdriver(
    name="liebert", version="0.41", label="Phoenixtec/Liebert HID 0.41",
    variables=VARIABLES, commands=COMMANDS, status=STATUS,
    supported=((PHOENIXTEC_VENDOR, 0xFFFF),), possibly=((PHOENIXTEC_VENDOR, None),),
)
