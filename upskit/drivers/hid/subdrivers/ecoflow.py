"""EcoFlow portable power stations (NUT's ecoflow-hid subdriver; 3746:ffff, River 3+ and
Delta 3+).

Facts from NUT's documentation and its notes on these units: PowerSummary paths; the
runtime comes in minutes (published in seconds, negative readings left out); the
outlet timers are read but no command works on these firmwares, so none is offered.
(NUT's auxiliary CDC channel of these units is not part of this table.)
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.subdrivers import generic

ECOFLOW_VENDOR = 0x3746


def minutes_to_seconds(value: float) -> str | None:
    """A runtime in minutes as seconds (a negative one is not published)."""
    return f"{value * 60:.0f}" if value >= 0 else None


_S, _P = "UPS.PowerSummary.", "UPS.PowerSummary.PresentStatus."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("ups.beeper.status", _S + "AudibleAlarmControl", Poll.QUICK,
           lookup=generic.BEEPER),
    HidVar("ups.power.nominal", "UPS.Flow.[4].ConfigActivePower", Poll.STATIC),
    HidVar("battery.voltage.nominal", _S + "ConfigVoltage", fmt="%.1f"),
    HidVar("ups.timer.reboot", "UPS.OutletSystem.Outlet.DelayBeforeReboot", Poll.QUICK),
    HidVar("ups.timer.shutdown", "UPS.OutletSystem.Outlet.DelayBeforeShutdown", Poll.QUICK),
    HidVar("battery.capacity.nominal", _S + "DesignCapacity"),
    HidVar("battery.capacity", _S + "FullChargeCapacity"),
    HidVar("ups.mfr.date", _S + "ManufacturerDate", convert=generic.hid_date),
    HidVar("experimental.ups.powersummary.presentstatus.shutdownrequested",
           _P + "ShutdownRequested"),
    HidVar("experimental.ups.powersummary.presentstatus.voltagenotregulated",
           _P + "VoltageNotRegulated"),
    HidVar("experimental.ups.powersummary.rechargeable", _S + "Rechargeable"),
    HidVar("battery.charge", _S + "RemainingCapacity", Poll.QUICK),
    HidVar("battery.charge.low", _S + "RemainingCapacityLimit", flags=generic.RW_STRING,
           aux=5),
    HidVar("battery.runtime.low", _S + "RemainingTimeLimit"),
    HidVar("battery.runtime", _S + "RunTimeToEmpty", Poll.QUICK, convert=minutes_to_seconds),
    HidVar("battery.voltage", _S + "Voltage", Poll.QUICK, "%.1f"),
    HidVar("battery.charge.warning", _S + "WarningCapacityLimit"),
)

STATUS: tuple[StatusRule, ...] = (
    StatusRule(_P + "ACPresent", "online"),
    StatusRule(_P + "BatteryPresent", "nobattery", when=0),
    StatusRule(_P + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_P + "CommunicationLost", "commfault"),
    StatusRule(_P + "Charging", "charging"),
    StatusRule(_P + "Discharging", "discharging"),
    StatusRule(_P + "FullyCharged", "fullycharged"),
    StatusRule(_P + "FullyDischarged", "depleted"),
    StatusRule(_P + "NeedReplacement", "replacebatt"),
    StatusRule(_P + "Overload", "overload"),
    StatusRule(_P + "RemainingTimeLimitExpired", "timelimitexp"),
    StatusRule(_P + "ShutdownImminent", "shutdownimm"),
)

ECOFLOW = Subdriver(
    name="ecoflow", version="0.02", label="EcoFlow HID 0.02", variables=VARIABLES,
    status=STATUS, supported=((ECOFLOW_VENDOR, 0xFFFF),), possibly=((ECOFLOW_VENDOR, None),),
)
