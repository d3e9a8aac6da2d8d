"""Salicru (NUT's salicru-hid subdriver; VID 0x2e66, the SPS Home series).

Facts from NUT's documentation and device dumps: standard PowerSummary paths, with the
load, test, boost and overload under ``UPS.Output`` and read-only transfer limits under
``UPS.PowerConverter.Output``. NUT lists the instant commands as untested and does not
offer them, so neither does this table.
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic

SALICRU_VENDOR = 0x2E66

_SUMMARY, _PRESENT = "UPS.PowerSummary.", "UPS.PowerSummary.PresentStatus."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("battery.charge", _SUMMARY + "RemainingCapacity", Poll.QUICK),
    HidVar("battery.charge.warning", _SUMMARY + "WarningCapacityLimit"),
    HidVar("battery.charge.low", _SUMMARY + "RemainingCapacityLimit",
           flags=generic.RW_STRING, aux=10),
    HidVar("battery.runtime", _SUMMARY + "RunTimeToEmpty", Poll.QUICK),
    HidVar("battery.runtime.low", _SUMMARY + "RemainingTimeLimit",
           flags=generic.RW_STRING, aux=10),
    HidVar("battery.voltage.nominal", _SUMMARY + "ConfigVoltage", Poll.STATIC),
    HidVar("battery.voltage", _SUMMARY + "Voltage", fmt="%.2f"),
    HidVar("ups.load", "UPS.Output.PercentLoad"),
    HidVar("ups.beeper.status", _SUMMARY + "AudibleAlarmControl", lookup=generic.BEEPER),
    HidVar("ups.test.result", "UPS.Output.Test", lookup=generic.TEST_RESULT),
    HidVar("ups.realpower.nominal", "UPS.Output.ConfigActivePower", Poll.STATIC),
    HidVar("input.frequency", "UPS.Input.Frequency", fmt="%.1f"),
    HidVar("input.voltage.nominal", "UPS.Input.ConfigVoltage", Poll.STATIC),
    HidVar("input.voltage", "UPS.Input.Voltage", fmt="%.1f"),
    HidVar("input.transfer.high", "UPS.PowerConverter.Output.HighVoltageTransfer",
           Poll.STATIC),
    HidVar("input.transfer.low", "UPS.PowerConverter.Output.LowVoltageTransfer",
           Poll.STATIC),
    HidVar("output.frequency", "UPS.Output.Frequency", fmt="%.1f"),
    HidVar("output.voltage", "UPS.Output.Voltage", fmt="%.1f"),
    HidVar("output.voltage.nominal", "UPS.Output.ConfigVoltage", Poll.STATIC),
)

STATUS: tuple[StatusRule, ...] = (
    StatusRule(_PRESENT + "ACPresent", "online"),
    StatusRule(_PRESENT + "Charging", "charging"),
    StatusRule(_PRESENT + "Discharging", "discharging"),
    StatusRule(_PRESENT + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_PRESENT + "FullyCharged", "fullycharged"),
    StatusRule(_PRESENT + "RemainingTimeLimitExpired", "timelimitexp"),
    StatusRule("UPS.Output.CommunicationLost", "commfault"),
    StatusRule("UPS.Output.Boost", "boost"),
    StatusRule("UPS.Output.Overload", "overload"),
)

SALICRU = Subdriver(
    name="salicru", version="0.1", label="Salicru HID 0.1", variables=VARIABLES,
    status=STATUS, supported=((SALICRU_VENDOR, 0x0300),),
    possibly=((SALICRU_VENDOR, None),),
)
