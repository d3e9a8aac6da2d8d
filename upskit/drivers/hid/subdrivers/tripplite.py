"""Tripp Lite, and the HP units built on them (NUT's tripplite-hid subdriver; VID
0x09ae and 0x03f0).

Facts from NUT's documentation and device dumps: the timers live under
``UPS.OutletSystem.Outlet``; some OMNI1000LCD firmware puts four status usages on
page 0x84 instead of 0x85 (named ``TL...`` here, as NUT names them); the battery
voltage of the AVR, ECO and OMNI families is reported ten times too high, and the
newer Smart1500LCD (09ae:3016) scales its battery and line voltages by 10^-5 and its
frequency and current by 100. Those scales depend on the product id, so each scale
family is its own subdriver value, all called ``tripplite``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic
from upskit.drivers.hid.usages import make_table

TRIPPLITE_VENDOR, HP_VENDOR = 0x09AE, 0x03F0

USAGES = {
    **make_table(0xFFFF, """
10 TLCustom 56 TLDelayBeforeStartup 57 TLLowVoltageTransferMax 58 TLLowVoltageTransferMin
59 TLHighVoltageTransferMax 5a TLHighVoltageTransferMin 7a OutletState 7b OutletCount
7c UPSFirmwareVersion 7d CommunicationProtocolVersion 7e CommunicationVersion
7f iUPSPartNumber 80 AutoOnDelay 92 TLWatchdog 95 TLOutletsAvailableMask
96 TLOutletsStatusMask
"""),
    # status usages some firmware declares on the Power Device page
    **make_table(0x84, "44 TLCharging 45 TLDischarging 4b TLNeedReplacement d0 TLACPresent"),
}


@dataclasses.dataclass(frozen=True, slots=True)
class Scales:
    """The factors a family's firmware needs on its readings."""

    battery: float = 1.0
    volts: float = 1.0
    hertz: float = 1.0
    amps: float = 1.0


def _scaled(factor: float) -> Callable[[float], str]:
    return lambda value: f"{factor * value:.1f}"


_SUMMARY, _PRESENT = "UPS.PowerSummary.", "UPS.PowerSummary.PresentStatus."
_OUTLET, _CONV = "UPS.OutletSystem.Outlet.", "UPS.PowerConverter."
_RW = generic.RW_STRING


def variables(scales: Scales) -> tuple[HidVar, ...]:
    """The rows, with a family's scales."""
    volts, hertz = _scaled(scales.volts), _scaled(scales.hertz)
    return (
        HidVar("battery.charge", _SUMMARY + "RemainingCapacity", Poll.QUICK),
        HidVar("battery.charge", "UPS.BatterySystem.Battery.RemainingCapacity", Poll.QUICK),
        HidVar("battery.charge.low", _SUMMARY + "RemainingCapacityLimit", flags=_RW, aux=5),
        HidVar("battery.charge.warning", _SUMMARY + "WarningCapacityLimit"),
        HidVar("battery.runtime", _SUMMARY + "RunTimeToEmpty", Poll.QUICK),
        HidVar("battery.voltage.nominal", "UPS.BatterySystem.Battery.ConfigVoltage",
               Poll.STATIC, "%.1f"),
        HidVar("battery.voltage", "UPS.BatterySystem.Battery.Voltage",
               convert=_scaled(scales.battery)),
        HidVar("battery.temperature", "UPS.BatterySystem.Temperature",
               convert=generic.kelvin_to_celsius),
        HidVar("ups.delay.start", _OUTLET + "DelayBeforeStartup", flags=_RW, aux=10,
               default="30", setting=True),
        HidVar("ups.delay.start", _OUTLET + "TLDelayBeforeStartup", flags=_RW, aux=10,
               default="30", setting=True),
        HidVar("ups.delay.shutdown", _OUTLET + "DelayBeforeShutdown", flags=_RW, aux=10,
               default="20", setting=True),
        HidVar("ups.timer.start", _OUTLET + "DelayBeforeStartup", Poll.QUICK),
        HidVar("ups.timer.start", _OUTLET + "TLDelayBeforeStartup", Poll.QUICK),
        HidVar("ups.timer.shutdown", _OUTLET + "DelayBeforeShutdown", Poll.QUICK),
        HidVar("ups.timer.reboot", _OUTLET + "DelayBeforeReboot", Poll.QUICK),
        HidVar("ups.test.result", "UPS.BatterySystem.Test", lookup=generic.TEST_RESULT),
        HidVar("ups.beeper.status", _SUMMARY + "AudibleAlarmControl",
               lookup=generic.BEEPER),
        HidVar("ups.power.nominal", "UPS.Flow.ConfigApparentPower", Poll.STATIC),
        HidVar("ups.power", _OUTLET + "ActivePower", fmt="%.1f"),
        HidVar("ups.power", _CONV + "Output.ActivePower", fmt="%.1f"),
        HidVar("ups.load", _OUTLET + "PercentLoad"),
        HidVar("ups.firmware", "UPS.TLCustom.[1].UPSFirmwareVersion", Poll.STATIC),
        HidVar("ups.watchdog.status", _OUTLET + "TLWatchdog"),
        HidVar("input.voltage.nominal", _SUMMARY + "Input.ConfigVoltage", Poll.STATIC),
        HidVar("input.voltage", _SUMMARY + "Input.Voltage", convert=volts),
        HidVar("input.voltage", _CONV + "Input.Voltage", convert=volts),
        HidVar("input.frequency", _CONV + "Input.Frequency", convert=hertz),
        HidVar("input.transfer.low", _CONV + "Output.LowVoltageTransfer", fmt="%.1f",
               flags=_RW, aux=5),
        HidVar("input.transfer.low.max", _CONV + "Output.TLLowVoltageTransferMax",
               Poll.STATIC),
        HidVar("input.transfer.low.min", _CONV + "Output.TLLowVoltageTransferMin",
               Poll.STATIC),
        HidVar("input.transfer.high", _CONV + "Output.HighVoltageTransfer", fmt="%.1f",
               flags=_RW, aux=5),
        HidVar("input.transfer.high.max", _CONV + "Output.TLHighVoltageTransferMax",
               Poll.STATIC),
        HidVar("input.transfer.high.min", _CONV + "Output.TLHighVoltageTransferMin",
               Poll.STATIC),
        HidVar("output.voltage.nominal", "UPS.Flow.ConfigVoltage", Poll.STATIC),
        HidVar("output.voltage", _CONV + "Output.Voltage", convert=volts),
        HidVar("output.voltage", _SUMMARY + "Voltage", convert=volts),
        HidVar("output.current", _CONV + "Output.Current", convert=_scaled(scales.amps)),
        HidVar("output.frequency.nominal", "UPS.Flow.ConfigFrequency", Poll.STATIC),
        HidVar("output.frequency", _CONV + "Output.Frequency", convert=hertz),
    )


_ALARM = _SUMMARY + "AudibleAlarmControl"
COMMANDS: tuple[HidCommand, ...] = (
    *generic.battery_test_commands("UPS.BatterySystem.Test"),
    HidCommand("load.off.delay", _OUTLET + "DelayBeforeShutdown", "ups.delay.shutdown"),
    HidCommand("load.on.delay", _OUTLET + "DelayBeforeStartup", "ups.delay.start"),
    HidCommand("load.on.delay", _OUTLET + "TLDelayBeforeStartup", "ups.delay.start"),
    HidCommand("shutdown.stop", _OUTLET + "DelayBeforeShutdown", "-1"),
    HidCommand("shutdown.reboot", _OUTLET + "DelayBeforeReboot", "10"),
    # the ECO550UPS has no startup delay: its watchdog reboots it
    HidCommand("shutdown.reboot", _OUTLET + "TLWatchdog", "10"),
    HidCommand("reset.watchdog", _OUTLET + "TLWatchdog", "60"),
    HidCommand("beeper.on", _ALARM, "2"),
    HidCommand("beeper.off", _ALARM, "3"),
    HidCommand("beeper.disable", _ALARM, "1"),
    HidCommand("beeper.enable", _ALARM, "2"),
    HidCommand("beeper.mute", _ALARM, "3"),
)

STATUS: tuple[StatusRule, ...] = (
    StatusRule(_PRESENT + "InternalFailure", "commfault"),
    StatusRule(_PRESENT + "ShutdownImminent", "shutdownimm"),
    StatusRule(_PRESENT + "ACPresent", "online"),
    StatusRule(_PRESENT + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_PRESENT + "FullyCharged", "fullycharged"),
    StatusRule(_PRESENT + "Charging", "charging"),
    StatusRule(_PRESENT + "Discharging", "discharging"),
    StatusRule(_PRESENT + "FullyDischarged", "depleted"),
    StatusRule(_PRESENT + "NeedReplacement", "replacebatt"),
    StatusRule(_PRESENT + "TLACPresent", "online"),
    StatusRule(_PRESENT + "TLDischarging", "discharging"),
    StatusRule(_PRESENT + "TLCharging", "charging"),
    StatusRule(_PRESENT + "TLNeedReplacement", "replacebatt"),
    StatusRule(_CONV + "PresentStatus.VoltageOutOfRange", "vrange"),
    StatusRule(_CONV + "PresentStatus.Buck", "trim"),
    StatusRule(_CONV + "PresentStatus.Boost", "boost"),
    StatusRule(_CONV + "PresentStatus.Overload", "overload"),
    StatusRule(_CONV + "PresentStatus.OverTemperature", "overheat"),
    StatusRule(_CONV + "PresentStatus.InternalFailure", "commfault"),
    StatusRule(_CONV + "PresentStatus.AwaitingPower", "awaitingpower"),
)

#: Product ids whose battery voltage reads ten times too high (AVR, ECO, OMNI, Smart LCD).
TENTH_BATTERY = (0x1003, 0x1007, 0x1008, 0x1009, 0x1010, 0x2005, 0x2007, 0x2008, 0x2009,
                 0x2010, 0x2011, 0x2012, 0x2013, 0x2014)
UNSCALED = (0x1330, *range(0x3008, 0x3016), *range(0x4001, 0x4009))
HP_UNSCALED = (0x0001, 0x1FE0, 0x1FE1, 0x1FE2, 0x1FE3, 0x1F06, 0x1F08, 0x1F09, 0x1F0A)
SMART1500LCDT = 0x3016


def _subdriver(scales: Scales, supported: tuple[tuple[int, int | None], ...],
               possibly: tuple[tuple[int, int | None], ...] = ()) -> Subdriver:
    return Subdriver(name="tripplite", version="0.82", label="TrippLite HID 0.82",
                     usages=USAGES, variables=variables(scales), commands=COMMANDS,
                     status=STATUS, supported=supported, possibly=possibly)


TRIPPLITE = _subdriver(
    Scales(), tuple((TRIPPLITE_VENDOR, pid) for pid in UNSCALED)
    + tuple((HP_VENDOR, pid) for pid in HP_UNSCALED),
    possibly=((TRIPPLITE_VENDOR, None),))
TRIPPLITE_TENTH = _subdriver(Scales(battery=0.1),
                             tuple((TRIPPLITE_VENDOR, pid) for pid in TENTH_BATTERY))
TRIPPLITE_LCDT = _subdriver(Scales(battery=1e5, volts=1e5, hertz=0.01, amps=0.01),
                            ((TRIPPLITE_VENDOR, SMART1500LCDT),))
#: Every family, the unscaled one first (the one ``subdriver = tripplite`` names).
FAMILIES = (TRIPPLITE, TRIPPLITE_TENTH, TRIPPLITE_LCDT)
