"""Delta UPS (NUT's delta_ups-hid subdriver; VID 0x05dd, the Amplon R series).

Facts from NUT's documentation and device dumps: vendor usages on page 0xffff under a
``DeltaCustom.[1]`` collection (sensitivity, UPS type, auto restart) and the outlet
(output source, power-restore delay); timers under ``UPS.OutletSystem.Outlet``. NUT
claims only the listed product, never the vendor's other ones.
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic
from upskit.drivers.hid.usages import make_table
from upskit.model.mapping import Lookup

DELTA_VENDOR = 0x05DD

USAGES = make_table(0xFFFF, """
10 DeltaCustom 57 DeltaConfigTransferLowMax 58 DeltaConfigTransferLowMin
59 DeltaConfigTransferHighMax 5a DeltaConfigTransferHighMin
81 DeltaConfigStartPowerRestoreDelay 91 DeltaOutputSource 75 DeltaModelName
7c DeltaUPSType 9b DeltaConfigSensitivity 9c DeltaConfigStartPowerRestore
61 DeltaConfigExternalBatteryPack
""")

SENSITIVITY = Lookup({0: "normal", 1: "reduced", 2: "low"}, name="Delta sensitivity")
OUTPUT_SOURCE = Lookup({0: "normal", 1: "battery", 2: "bypass/reserve", 3: "reducing",
                        4: "boosting", 5: "manual bypass", 6: "other", 7: "no output",
                        8: "on eco"}, name="Delta output source")
YES_NO = Lookup({0: "no", 1: "yes"}, name="yes/no")
_TYPES = ("online", "offline", "line-interactive", "3-phase", "split-phase")


def ups_type(value: float) -> str | None:
    """The low nibble of DeltaUPSType: 0-2 as they are, 3-5 the same as 1-3, 6 split-phase."""
    code = int(value) & 0x0F
    if code == 6:
        code = 4
    elif 2 < code <= 5:
        code -= 2
    return _TYPES[code] if code <= 4 else None


_CUSTOM, _SUMMARY = "UPS.DeltaCustom.[1].", "UPS.PowerSummary."
_OUT, _OUTLET = "UPS.PowerConverter.Output.", "UPS.OutletSystem.Outlet."
_BATT, _CONV = "UPS.BatterySystem.", "UPS.PowerConverter.PresentStatus."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("input.sensitivity", _CUSTOM + "DeltaConfigSensitivity", lookup=SENSITIVITY,
           flags=generic.RW_STRING),
    HidVar("input.voltage", _SUMMARY + "Input.Voltage", Poll.QUICK, "%.1f"),
    HidVar("input.transfer.low", _OUT + "LowVoltageTransfer", flags=generic.RW_NUMBER),
    HidVar("input.transfer.high", _OUT + "HighVoltageTransfer", flags=generic.RW_NUMBER),
    HidVar("input.transfer.low.min", _OUT + "DeltaConfigTransferLowMin", Poll.STATIC),
    HidVar("input.transfer.low.max", _OUT + "DeltaConfigTransferLowMax", Poll.STATIC),
    HidVar("input.transfer.high.min", _OUT + "DeltaConfigTransferHighMin", Poll.STATIC),
    HidVar("input.transfer.high.max", _OUT + "DeltaConfigTransferHighMax", Poll.STATIC),
    HidVar("input.source", _OUTLET + "DeltaOutputSource", lookup=OUTPUT_SOURCE),
    HidVar("input.frequency", "UPS.PowerConverter.Input.Frequency", fmt="%.1f"),
    HidVar("battery.voltage.nominal", _BATT + "Battery.ConfigVoltage", Poll.STATIC),
    HidVar("battery.voltage", _BATT + "Battery.Voltage", fmt="%.1f"),
    HidVar("battery.charge", _BATT + "Battery.RemainingCapacity", Poll.QUICK, "%.1f"),
    HidVar("battery.charge.low", _SUMMARY + "RemainingCapacityLimit",
           flags=generic.RW_STRING, aux=5),
    HidVar("battery.charge.warning", _SUMMARY + "WarningCapacityLimit"),
    HidVar("battery.temperature", _BATT + "Temperature", convert=generic.kelvin_to_celsius),
    HidVar("battery.runtime", _SUMMARY + "RunTimeToEmpty", Poll.QUICK),
    HidVar("battery.capacity", _SUMMARY + "FullChargeCapacity"),
    HidVar("output.voltage.nominal", "UPS.Flow.ConfigVoltage", Poll.STATIC),
    HidVar("output.frequency.nominal", "UPS.Flow.ConfigFrequency", Poll.STATIC),
    HidVar("output.voltage", _OUT + "Voltage", fmt="%.1f"),
    HidVar("output.frequency", _OUT + "Frequency", fmt="%.1f"),
    HidVar("output.current", _OUT + "Current", fmt="%.1f"),
    HidVar("ups.beeper.status", _SUMMARY + "AudibleAlarmControl", lookup=generic.BEEPER),
    HidVar("ups.test.result", _BATT + "Test", lookup=generic.TEST_RESULT),
    HidVar("ups.type", _CUSTOM + "DeltaUPSType", Poll.STATIC, convert=ups_type),
    HidVar("ups.start.auto", _CUSTOM + "DeltaConfigStartPowerRestore", lookup=YES_NO,
           flags=generic.RW_STRING),
    HidVar("ups.power.nominal", "UPS.Flow.ConfigApparentPower", Poll.STATIC),
    HidVar("ups.realpower", _OUT + "ActivePower", fmt="%.1f"),
    HidVar("ups.load", _OUTLET + "PercentLoad", fmt="%.1f"),
    HidVar("ups.delay.start", _OUTLET + "DeltaConfigStartPowerRestoreDelay",
           flags=generic.RW_NUMBER),
    HidVar("ups.timer.start", _OUTLET + "DelayBeforeStartup", Poll.QUICK),
    HidVar("ups.timer.shutdown", _OUTLET + "DelayBeforeShutdown", Poll.QUICK),
    HidVar("ups.timer.reboot", _OUTLET + "DelayBeforeReboot", Poll.QUICK),
)

_ALARM = _SUMMARY + "AudibleAlarmControl"
COMMANDS: tuple[HidCommand, ...] = (
    HidCommand("beeper.on", _ALARM, "2"),
    HidCommand("beeper.off", _ALARM, "3"),
    HidCommand("beeper.enable", _ALARM, "2"),
    HidCommand("beeper.disable", _ALARM, "1"),
    HidCommand("beeper.mute", _ALARM, "3"),
    # quick: ten seconds; deep: until the battery is low
    *generic.battery_test_commands(_BATT + "Test"),
    # NUT writes its default delays here, not ups.delay.* (which this unit has not)
    HidCommand("load.on.delay", _OUTLET + "DelayBeforeStartup", "30"),
    HidCommand("load.off.delay", _OUTLET + "DelayBeforeShutdown", "20"),
    HidCommand("shutdown.stop", _OUTLET + "DelayBeforeShutdown", "-1"),
    HidCommand("shutdown.reboot", _OUTLET + "DelayBeforeReboot", "10"),
)

_PRESENT = _SUMMARY + "PresentStatus."
STATUS: tuple[StatusRule, ...] = (
    StatusRule(_PRESENT + "Good", "off", when=0),
    StatusRule(_PRESENT + "InternalFailure", "commfault"),
    StatusRule(_PRESENT + "ShutdownImminent", "shutdownimm"),
    StatusRule(_PRESENT + "ACPresent", "online"),
    StatusRule(_PRESENT + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_PRESENT + "FullyCharged", "fullycharged"),
    StatusRule(_PRESENT + "Charging", "charging"),
    StatusRule(_PRESENT + "Discharging", "discharging"),
    StatusRule(_PRESENT + "FullyDischarged", "depleted"),
    StatusRule(_PRESENT + "NeedReplacement", "replacebatt"),
    StatusRule(_CONV + "VoltageOutOfRange", "vrange"),
    StatusRule(_CONV + "Buck", "trim"),
    StatusRule(_CONV + "Boost", "boost"),
    StatusRule(_CONV + "Overload", "overload"),
    StatusRule(_CONV + "Used", "nobattery"),
    StatusRule(_CONV + "OverTemperature", "overheat"),
    StatusRule(_CONV + "InternalFailure", "commfault"),
    StatusRule(_CONV + "AwaitingPower", "awaitingpower"),
)

DELTA_UPS = Subdriver(
    name="delta_ups", version="0.1", label="Delta UPS HID 0.1", usages=USAGES,
    variables=VARIABLES, commands=COMMANDS, status=STATUS,
    supported=((DELTA_VENDOR, 0x041B),),
)
