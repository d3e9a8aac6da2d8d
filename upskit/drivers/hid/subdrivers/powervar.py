"""AMETEK Powervar (NUT's powervar-hid subdriver; 4234:0002).

Facts from NUT's documentation: PowerSummary paths only, with a vendor usage
``POWERVAR1`` (0xff000001); NUT reads these units at report index 1 (a detail of the
USB access). As in NUT's table the runtime row names ``RuntimeToEmpty``, a spelling
no unit has, and InternalFailure/Good carry no status.
"""

from __future__ import annotations

from upskit.drivers.hid.subdriver import HidVar, Poll, StatusRule, Subdriver
from upskit.drivers.hid.usages import make_table

POWERVAR_VENDOR = 0x4234

USAGES = make_table(0xFF00, "01 POWERVAR1")

_S, _P = "UPS.PowerSummary.", "UPS.PowerSummary.PresentStatus."

VARIABLES: tuple[HidVar, ...] = (
    HidVar("battery.charge", _S + "RemainingCapacity", Poll.QUICK),
    HidVar("battery.capacity", _S + "FullChargeCapacity"),
    HidVar("battery.runtime", _S + "RuntimeToEmpty", Poll.QUICK),
)

STATUS: tuple[StatusRule, ...] = (
    StatusRule(_P + "ACPresent", "online"),
    StatusRule(_P + "Discharging", "discharging"),
    StatusRule(_P + "Charging", "charging"),
    StatusRule(_P + "ShutdownImminent", "shutdownimm"),
    StatusRule(_P + "BelowRemainingCapacityLimit", "lowbatt"),
    StatusRule(_P + "Overload", "overload"),
    StatusRule(_P + "NeedReplacement", "replacebatt"),
    StatusRule(_P + "RemainingTimeLimitExpired", "timelimitexp"),
    StatusRule(_P + "OverTemperature", "overheat"),
    StatusRule(_P + "FullyCharged", "fullycharged"),
    StatusRule(_P + "FullyDischarged", "depleted"),
)

POWERVAR = Subdriver(
    name="powervar", version="0.19", label="Powervar HID 0.19", usages=USAGES,
    variables=VARIABLES, status=STATUS, supported=((POWERVAR_VENDOR, 0x0002),),
    possibly=((POWERVAR_VENDOR, None),),
)
