"""``bestpower``: Best Power (Eaton Ferrups) BESTPOWER-MIB (1.3.6.1.4.1.2947) on early
ConnectUPS cards.  The cards have no known ``sysObjectID``: found by probing only."""

from __future__ import annotations

from upskit.drivers.snmp.table import Mib, Poll, Status, Var, enum_of

BEST = "1.3.6.1.4.1.2947.1"
MODEL = f"{BEST}.1.2.0"     # upsIdentModel

_rows = (
    Var("ups.mfr", "", default="EATON"),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{BEST}.1.5.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{BEST}.1.7.0", string=True, poll=Poll.STATIC),
    Var("ups.mfr.date", f"{BEST}.1.8.0", string=True, poll=Poll.STATIC),
    Var("ups.power", f"{BEST}.1.3.0"),
    # upsBatteryStatus: 1 on line, 2 on battery (NUT 2.8.0 publishes the word as a plain
    # variable, not as a status source)
    Var("ups.status", f"{BEST}.2.1.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, "OL"), (2, "OB"))),
    Var("battery.runtime", f"{BEST}.2.3.0", scale=60, poll=Poll.STATUS, neg_invalid=True),
    Var("battery.runtime.elapsed", f"{BEST}.2.2.0"),
    Var("battery.voltage", f"{BEST}.2.4.0", scale=0.1),
    Var("battery.current", f"{BEST}.2.5.0", scale=0.1),
)

MIB = Mib(
    name="bestpower",
    version="0.4",
    description="Best Power BESTPOWER-MIB (Ferrups)",
    model_oid=MODEL,
    variables=_rows,
)
