"""``xppc``: Phoenixtec XPPC-MIB (1.3.6.1.4.1.935.1.1.1), the PowerNet-like MIB of
Phoenixtec-built cards (Tripp Lite, Santak, many white-label UPSes)."""

from __future__ import annotations

from upskit.drivers.snmp.table import Command, Mib, Poll, Status, Var, enum_of

XPPC = "1.3.6.1.4.1.935.1.1.1"
ID = f"{XPPC}.1"
BAT = f"{XPPC}.2"
IN = f"{XPPC}.3"
OUT = f"{XPPC}.4"
CTRL = f"{XPPC}.6"
MODEL = f"{ID}.1.1.0"   # upsBaseIdentModel

_rows = (
    Var("ups.mfr", "", default="Tripp Lite / Phoenixtec"),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    # upsBaseBatteryStatus
    Var("ups.status", f"{BAT}.1.1.0", poll=Poll.STATUS, status=Status.BATTERY,
        enum=enum_of((1, ""), (2, ""), (3, "LB"))),
    # upsBaseOutputStatus
    Var("ups.status", f"{OUT}.1.1.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, ""), (2, "OL"), (3, "OB"), (4, "OL BOOST"), (5, "OFF"),
                     (6, "OL BYPASS"), (7, ""), (8, "OFF"), (9, "OL TRIM"))),
    Var("battery.charge", f"{BAT}.2.1.0", poll=Poll.STATUS),
    Var("ups.temperature", f"{BAT}.2.3.0", scale=0.1),
    Var("input.voltage", f"{IN}.2.1.0", scale=0.1),
    Var("output.voltage", f"{OUT}.2.1.0", scale=0.1),
    Var("output.frequency", f"{OUT}.2.2.0", scale=0.1),
    Var("ups.load", f"{OUT}.2.3.0"),
)

COMMANDS = (
    Command("shutdown.return", f"{CTRL}.1.1.0", 2),   # upsBaseControlConserveBattery
    Command("load.off", f"{CTRL}.2.1.0", 2),          # upsSmartControlUpsOff
)

MIB = Mib(
    name="xppc",
    version="0.4",
    description="Phoenixtec XPPC-MIB",
    sysoids=("1.3.6.1.4.1.935", "1.3.6.1.4.1.935."),
    model_oid=MODEL,
    variables=_rows,
    commands=COMMANDS,
)
