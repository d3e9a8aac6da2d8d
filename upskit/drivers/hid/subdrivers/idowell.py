"""iDowell (NUT's idowell-hid subdriver; 075d:0300).

Facts from NUT's documentation and device dumps: standard PowerSummary paths plus
``PowerConverter.Output`` and ``Flow.[4]``; the design capacity comes in
ampere-seconds and is published in ampere-hours.
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidCommand, HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic

IDOWELL_VENDOR = 0x075D

_S, _P = "UPS.PowerSummary.", "UPS.PowerSummary.PresentStatus."
_OUT = "UPS.PowerConverter.Output."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("battery.capacity", _S + "DesignCapacity", Poll.STATIC,
           convert=lambda value: f"{value / 3600:.2f}"),
    HidVar("battery.charge", _S + "RemainingCapacity", Poll.QUICK),
    HidVar("battery.charge.low", _S + "RemainingCapacityLimit", Poll.STATIC),
    HidVar("battery.runtime", _S + "RunTimeToEmpty", Poll.QUICK),
    *generic.delay_rows(_S),
    HidVar("ups.timer.start", _S + "DelayBeforeStartup", Poll.QUICK),
    HidVar("ups.timer.shutdown", _S + "DelayBeforeShutdown", Poll.QUICK),
    HidVar("ups.load", _S + "PercentLoad"),
    HidVar("ups.power.nominal", "UPS.Flow.[4].ConfigApparentPower", Poll.STATIC),
    HidVar("input.transfer.high", _OUT + "HighVoltageTransfer", Poll.STATIC),
    HidVar("input.transfer.low", _OUT + "LowVoltageTransfer", Poll.STATIC),
    HidVar("output.voltage", _OUT + "Voltage", fmt="%.1f"),
    HidVar("output.voltage.nominal", "UPS.Flow.[4].ConfigVoltage", Poll.STATIC),
    HidVar("output.frequency.nominal", "UPS.Flow.[4].ConfigFrequency", Poll.STATIC),
)

COMMANDS: tuple[HidCommand, ...] = (
    HidCommand("load.off.delay", _S + "DelayBeforeShutdown", "ups.delay.shutdown"),
    HidCommand("load.on.delay", _S + "DelayBeforeStartup", "ups.delay.start"),
    HidCommand("shutdown.stop", _S + "DelayBeforeShutdown", "-1"),
)

STATUS: tuple[StatusRule, ...] = (
    StatusRule(_P + "ACPresent", "online"),
    StatusRule(_P + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_P + "Charging", "charging"),
    StatusRule(_P + "CommunicationLost", "commfault"),
    StatusRule(_P + "Discharging", "discharging"),
    StatusRule(_P + "Good", "off", when=0),
    StatusRule(_P + "InternalFailure", "commfault"),
    StatusRule(_P + "NeedReplacement", "replacebatt"),
    StatusRule(_P + "Overload", "overload"),
    StatusRule(_P + "ShutdownImminent", "shutdownimm"),
)

IDOWELL = Subdriver(
    name="idowell", version="0.1", label="iDowell HID 0.1", variables=VARIABLES,
    commands=COMMANDS, status=STATUS, supported=((IDOWELL_VENDOR, 0x0300),),
    possibly=((IDOWELL_VENDOR, None),),
)
