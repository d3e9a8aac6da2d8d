"""Legrand Keor (NUT's legrand-hid subdriver; 1cb0:0038 Keor PDU, 1cb0:0032 Keor SP).

Facts from NUT's documentation and device dumps: two dialects, one with the plain
``UPS.Input``/``UPS.Output`` paths and one with ``UPS.PowerConverter`` paths whose
unit exponents are off (input voltage x1e6, output voltage x1e7, high transfer x10,
battery voltage x1e5, PowerSummary battery voltages /10). NUT also turns the
interrupt pipe off for these units (the ``pollonly`` option). NUT's runtime row names
``RuntimeToEmpty``, a spelling no unit has, so NUT publishes no ``battery.runtime``
for them; this table keeps that row as NUT has it.
"""

from __future__ import annotations

from collections.abc import Callable

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic

LEGRAND_VENDOR = 0x1CB0


def _times(factor: float) -> Callable[[float], str]:
    return lambda value: f"{value * factor:.1f}"


_S, _OUTLET, _CONV = "UPS.PowerSummary.", "UPS.OutletSystem.Outlet.", "UPS.PowerConverter."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("input.voltage", "UPS.Input.Voltage"),
    HidVar("input.voltage", _CONV + "Input.Voltage", convert=_times(1e6)),
    HidVar("input.transfer.high", "UPS.Input.HighVoltageTransfer", Poll.STATIC),
    HidVar("input.transfer.high", _CONV + "Output.HighVoltageTransfer", Poll.STATIC,
           convert=_times(10)),
    HidVar("input.transfer.low", "UPS.Input.LowVoltageTransfer", Poll.STATIC),
    HidVar("input.transfer.low", _CONV + "Output.LowVoltageTransfer", Poll.STATIC),
    HidVar("input.voltage.nominal", "UPS.Input.ConfigVoltage", Poll.STATIC),
    HidVar("input.voltage.nominal", "UPS.Flow.ConfigVoltage", Poll.STATIC),
    HidVar("battery.voltage.nominal", _S + "ConfigVoltage", Poll.STATIC,
           convert=_times(0.1)),
    HidVar("battery.voltage.nominal", "UPS.BatterySystem.Battery.ConfigVoltage",
           Poll.STATIC),
    HidVar("battery.voltage", _S + "Voltage", convert=_times(0.1)),
    HidVar("battery.voltage", "UPS.BatterySystem.Battery.Voltage", convert=_times(1e5)),
    HidVar("battery.charge", _S + "RemainingCapacity", Poll.QUICK),
    HidVar("battery.runtime", _S + "RuntimeToEmpty", Poll.QUICK),
    HidVar("battery.charge.warning", _S + "WarningCapacityLimit", Poll.STATIC),
    HidVar("battery.charge.low", _S + "RemainingCapacityLimit", Poll.STATIC),
    HidVar("output.voltage", "UPS.Output.Voltage"),
    HidVar("output.voltage", _CONV + "Output.Voltage", convert=_times(1e7)),
    HidVar("output.frequency", "UPS.Output.Frequency"),
    HidVar("ups.load", "UPS.Output.PercentLoad"),
    HidVar("ups.load", _OUTLET + "PercentLoad"),
    HidVar("ups.realpower.nominal", "UPS.Output.ConfigActivePower", Poll.STATIC),
    HidVar("ups.realpower.nominal", "UPS.Flow.ConfigApparentPower", Poll.STATIC),
    *generic.delay_rows(_OUTLET),
    *generic.delay_rows("UPS.Output."),
    HidVar("ups.beeper.status", _S + "AudibleAlarmControl", lookup=generic.BEEPER),
)

_ALARM = _S + "AudibleAlarmControl"
COMMANDS: tuple[HidCommand, ...] = (
    *(HidCommand(name, prefix + field, value)
      for prefix in (_OUTLET, "UPS.Output.")
      for name, field, value in (("load.off.delay", "DelayBeforeShutdown", "ups.delay.shutdown"),
                                 ("load.on.delay", "DelayBeforeStartup", "ups.delay.start"))),
    *generic.battery_test_commands("UPS.BatterySystem.Battery.Test"),
    *generic.battery_test_commands("UPS.Output.Test"),
    HidCommand("beeper.disable", _ALARM, "1"),
    HidCommand("beeper.enable", _ALARM, "2"),
    HidCommand("beeper.mute", _ALARM, "3"),
)

_P = _S + "PresentStatus."
STATUS: tuple[StatusRule, ...] = (
    StatusRule(_P + "ACPresent", "online"),
    StatusRule(_P + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_P + "Charging", "charging"),
    StatusRule(_P + "Discharging", "discharging"),
    StatusRule("UPS.Output.Overload", "overload"),
)

LEGRAND = Subdriver(
    name="legrand", version="0.4", label="Legrand HID 0.4", variables=VARIABLES,
    commands=COMMANDS, status=STATUS,
    supported=((LEGRAND_VENDOR, 0x0038), (LEGRAND_VENDOR, 0x0032)),
    possibly=((LEGRAND_VENDOR, None),),
)
