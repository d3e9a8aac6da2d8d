"""Belkin, and Liebert units on VID 0x10af (NUT's belkin-hid subdriver, "Belkin/Liebert
HID").

Facts from NUT's documentation and device dumps: Belkin firmware puts most of its data
on page 0x86 (reserved for the Power Device class, so named ``BELKIN...`` here, as NUT
does), in tenths of volts and hertz, with two bit-field status words: the power status
(bit 0 AC failure, 4 overload, 6 overheat, 7 UPS fault, 13 awaiting power) and the
battery status (bit 2 low battery, 6 empty, 7 replace battery). Liebert PSA/GXT units
use the standard paths, some with a broken unit exponent that shrinks voltages by
1e-7: a line or battery voltage below 1 V is scaled back by 1e7, and a nominal voltage
of exactly 1e-7 by 1e8 (NUT applies the same factors, learnt from the readings).
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic
from upskit.drivers.hid.usages import make_table
from upskit.model.mapping import Lookup

BELKIN_VENDOR, LIEBERT_VENDOR = 0x050D, 0x10AF

USAGES = make_table(0x86, """
26 BELKINConfig 40 BELKINConfigVoltage 42 BELKINConfigFrequency
43 BELKINConfigApparentPower 44 BELKINConfigBatteryVoltage 45 BELKINConfigOverloadTransfer
53 BELKINLowVoltageTransfer 54 BELKINHighVoltageTransfer 5b BELKINLowVoltageTransferMax
5c BELKINLowVoltageTransferMin 5d BELKINHighVoltageTransferMax
5e BELKINHighVoltageTransferMin 27 BELKINControls 50 BELKINLoadOn 51 BELKINLoadOff
52 BELKINLoadToggle 55 BELKINDelayBeforeReboot 56 BELKINDelayBeforeStartup
57 BELKINDelayBeforeShutdown 58 BELKINTest 5a BELKINAudibleAlarmControl 29 BELKINDevice
74 BELKINVoltageSensitivity 75 BELKINModelString 76 BELKINModelStringOffset
7c BELKINUPSType 2a BELKINPowerState 1a BELKINInput 1c BELKINOutput
10 BELKINBatterySystem 30 BELKINVoltage 32 BELKINFrequency 34 BELKINPower
35 BELKINPercentLoad 36 BELKINTemperature 39 BELKINCharge 6c BELKINRunTimeToEmpty
28 BELKINStatus 22 BELKINBatteryStatus 21 BELKINPowerStatus
""")

TEST_RESULT = Lookup({0: "No test initiated", 1: "Done and passed", 2: "Done and warning",
                      3: "Done and error", 4: "Aborted", 5: "In progress"},
                     name="Belkin test result")
_UPS_TYPES = {1: "offline", 2: "line-interactive", 3: "simple online", 4: "simple offline",
              5: "simple line-interactive"}


def sensitivity(value: float) -> str:
    """Belkin's voltage sensitivity (anything unknown reads as normal)."""
    return {1: "reduced", 2: "low"}.get(int(value), "normal")


def ups_type(value: float) -> str:
    """The low nibble of BELKINUPSType."""
    return _UPS_TYPES.get(int(value) & 0x0F, "online")


def tenths(value: float) -> str:
    """A reading in tenths."""
    return f"{value / 10:.1f}"


def liebert_line_voltage(value: float) -> str:
    """A Liebert line or battery voltage: below 1 V it carries the broken exponent."""
    return f"{value * 1e7 if 0 < value < 1 else value:.1f}"


def liebert_config_voltage(value: float) -> str:
    """A Liebert nominal voltage: 1e-7 is the broken encoding NUT corrects by 1e8."""
    return f"{value * 1e8 if abs(value - 1e-7) < 1e-9 else value:.1f}"


_BS, _CONFIG = "UPS.BELKINBatterySystem.", "UPS.BELKINConfig."
_IN, _OUT = "UPS.BELKINPowerState.BELKINInput.", "UPS.BELKINPowerState.BELKINOutput."
_CTRL, _DEV = "UPS.BELKINControls.", "UPS.BELKINDevice."
_SUMMARY = "UPS.PowerSummary."
_RW = generic.RW_STRING

VARIABLES: tuple[HidVar, ...] = (
    HidVar("battery.charge", _BS + "BELKINCharge", Poll.QUICK),
    HidVar("battery.charge.low", _SUMMARY + "RemainingCapacityLimit"),
    HidVar("battery.charge.warning", _SUMMARY + "WarningCapacityLimit"),
    HidVar("battery.runtime", _SUMMARY + "RunTimeToEmpty", Poll.QUICK),
    HidVar("battery.voltage", _BS + "BELKINVoltage", convert=tenths),
    HidVar("battery.voltage.nominal", _CONFIG + "BELKINConfigBatteryVoltage", Poll.STATIC),
    HidVar("input.frequency", _IN + "BELKINFrequency", convert=tenths),
    HidVar("input.frequency.nominal", _CONFIG + "BELKINConfigFrequency", Poll.STATIC),
    HidVar("input.sensitivity", _DEV + "BELKINVoltageSensitivity", convert=sensitivity),
    HidVar("input.transfer.high", _CONFIG + "BELKINHighVoltageTransfer", flags=_RW,
           aux=10),
    HidVar("input.transfer.high.max", _CONFIG + "BELKINHighVoltageTransferMax"),
    HidVar("input.transfer.high.min", _CONFIG + "BELKINHighVoltageTransferMin"),
    HidVar("input.transfer.low", _CONFIG + "BELKINLowVoltageTransfer", flags=_RW, aux=10),
    HidVar("input.transfer.low.max", _CONFIG + "BELKINLowVoltageTransferMax"),
    HidVar("input.transfer.low.min", _CONFIG + "BELKINLowVoltageTransferMin"),
    HidVar("input.voltage", _IN + "BELKINVoltage", convert=tenths),
    HidVar("input.voltage.nominal", _CONFIG + "BELKINConfigVoltage", Poll.STATIC),
    HidVar("output.frequency", _OUT + "BELKINFrequency", convert=tenths),
    HidVar("output.voltage", _OUT + "BELKINVoltage", convert=tenths),
    HidVar("ups.beeper.status", _CTRL + "BELKINAudibleAlarmControl",
           lookup=generic.BEEPER),
    *generic.delay_rows(_CTRL + "BELKIN"),
    HidVar("ups.timer.start", _CTRL + "BELKINDelayBeforeStartup", Poll.QUICK),
    HidVar("ups.timer.shutdown", _CTRL + "BELKINDelayBeforeShutdown", Poll.QUICK),
    HidVar("ups.timer.reboot", _CTRL + "BELKINDelayBeforeReboot", Poll.QUICK),
    HidVar("ups.firmware", _DEV + "BELKINUPSType", convert=lambda v: str(int(v) >> 4)),
    HidVar("ups.load", _OUT + "BELKINPercentLoad"),
    HidVar("ups.load.high", _CONFIG + "BELKINConfigOverloadTransfer"),
    HidVar("ups.mfr.date", _SUMMARY + "ManufacturerDate", Poll.STATIC,
           convert=generic.hid_date),
    HidVar("ups.power.nominal", _CONFIG + "BELKINConfigApparentPower", Poll.STATIC),
    HidVar("ups.test.result", _CTRL + "BELKINTest", lookup=TEST_RESULT),
    HidVar("ups.type", _DEV + "BELKINUPSType", convert=ups_type),
    # Liebert PSA
    HidVar("battery.charge", _SUMMARY + "RemainingCapacity", Poll.QUICK),
    HidVar("input.frequency", "UPS.Input.Frequency", convert=tenths),
    HidVar("input.voltage", "UPS.Input.Voltage", convert=liebert_line_voltage),
    HidVar("output.voltage", "UPS.Output.Voltage", convert=liebert_line_voltage),
    HidVar("battery.voltage", _SUMMARY + "Voltage", convert=liebert_line_voltage),
    HidVar("battery.voltage.nominal", _SUMMARY + "ConfigVoltage", Poll.STATIC,
           convert=liebert_config_voltage),
    HidVar("ups.load", "UPS.Output.PercentLoad"),
)

_ALARM, _TEST = _CTRL + "BELKINAudibleAlarmControl", _CTRL + "BELKINTest"
COMMANDS: tuple[HidCommand, ...] = (
    *generic.battery_test_commands(_TEST),
    HidCommand("beeper.on", _ALARM, "2"),
    HidCommand("beeper.off", _ALARM, "3"),
    HidCommand("beeper.disable", _ALARM, "1"),
    HidCommand("beeper.enable", _ALARM, "2"),
    HidCommand("beeper.mute", _ALARM, "3"),
    HidCommand("load.off.delay", _CTRL + "BELKINDelayBeforeShutdown", "ups.delay.shutdown"),
    HidCommand("load.on.delay", _CTRL + "BELKINDelayBeforeStartup", "ups.delay.start"),
    HidCommand("shutdown.stop", _CTRL + "BELKINDelayBeforeShutdown", "-1"),
    HidCommand("shutdown.reboot", _CTRL + "BELKINDelayBeforeReboot", "10"),
)

_POWER, _BATTERY = "UPS.BELKINStatus.BELKINPowerStatus", "UPS.BELKINStatus.BELKINBatteryStatus"
STATUS: tuple[StatusRule, ...] = (
    *(StatusRule(prefix + name, bit)
      for prefix in (_SUMMARY, _SUMMARY + "PresentStatus.")
      for name, bit in (("Discharging", "discharging"), ("Charging", "charging"),
                        ("ShutdownImminent", "shutdownimm"), ("ACPresent", "online"))),
    StatusRule(_SUMMARY + "PresentStatus.NeedReplacement", "replacebatt"),
    StatusRule(_SUMMARY + "PresentStatus.BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_POWER, "overload", when=0x0010, mask=0x0010),
    StatusRule(_POWER, "overheat", when=0x0040, mask=0x0040),
    StatusRule(_POWER, "commfault", when=0x0080, mask=0x0080),
    StatusRule(_POWER, "awaitingpower", when=0x2000, mask=0x2000),
    StatusRule(_POWER, "online", when=0, mask=0x0001),
    StatusRule(_BATTERY, "depleted", when=0x40, mask=0x40),
    StatusRule(_BATTERY, "replacebatt", when=0x80, mask=0x80),
    StatusRule(_BATTERY, "lowbatt", when=0x04, mask=0x04),
)

BELKIN = Subdriver(
    name="belkin", version="0.17", label="Belkin/Liebert HID 0.17", usages=USAGES,
    variables=VARIABLES, commands=COMMANDS, status=STATUS,
    supported=(*((BELKIN_VENDOR, pid) for pid in (0x0980, 0x0900, 0x0910, 0x0912, 0x0551,
                                                  0x0750, 0x0751, 0x0375, 0x0F51, 0x1100)),
               *((LIEBERT_VENDOR, pid) for pid in (0x0001, 0x0004, 0x0008))),
    possibly=((BELKIN_VENDOR, None), (LIEBERT_VENDOR, None)),
)
