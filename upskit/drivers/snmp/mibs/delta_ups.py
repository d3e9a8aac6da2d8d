"""``delta_ups``: DeltaUPS-MIB (1.3.6.1.4.1.2254.2.4), Delta and Minuteman cards."""

from __future__ import annotations

from upskit.drivers.snmp.table import Mib, Poll, Status, Var, enum_of

DELTA = "1.3.6.1.4.1.2254.2.4"
ID = f"{DELTA}.1"
MODEL = f"{ID}.2.0"     # dupsIdentModel

_rows = (
    Var("ups.mfr", f"{ID}.1.0", string=True, poll=Poll.STATIC),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    Var("ups.firmware.aux", f"{ID}.3.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{ID}.4.0", string=True, poll=Poll.STATIC),
    Var("ups.power", f"{ID}.7.0"),
    Var("output.voltage.nominal", f"{ID}.8.0", poll=Poll.STATIC),
    Var("output.frequency.nominal", f"{ID}.9.0", scale=0.1, poll=Poll.STATIC),
    Var("input.voltage.nominal", f"{ID}.10.0", poll=Poll.STATIC),
    Var("input.frequency.nominal", f"{ID}.11.0", scale=0.1, poll=Poll.STATIC),
    Var("input.frequency", f"{DELTA}.4.2.0", scale=0.1),
    Var("input.voltage", f"{DELTA}.4.3.0"),
    # dupsOutputSource
    Var("ups.status", f"{DELTA}.5.1.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((0, "OL"), (1, "OB"), (2, "OL BYPASS"), (3, "OFF"), (4, "OL"),
                     (5, "OL BOOST"), (6, "OL TRIM"))),
    Var("output.voltage", f"{DELTA}.5.4.0"),
    Var("output.current", f"{DELTA}.5.5.0", scale=0.1),
    Var("ups.load", f"{DELTA}.5.7.0"),
)

MIB = Mib(
    name="delta_ups",
    version="0.5",
    description="DeltaUPS-MIB",
    sysoids=(DELTA, f"{DELTA}."),
    model_oid=MODEL,
    variables=_rows,
)
