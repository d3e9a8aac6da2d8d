"""``eaton_ats30``: Eaton ATS30 (1.3.6.1.4.1.534.10.1).

``ups.status`` comes from the failure bitmap ``atsFailureIndicator``: bit 1 (value 2) no
output -> ``OFF`` (else ``OL``), bit 2 (value 4) output over-current -> ``OVER``; the
switch-fault and over-temperature bits say nothing of the power path.
"""

from __future__ import annotations

from upskit.drivers.snmp.table import Mib, Poll, Status, Var, enum_of

ATS = "1.3.6.1.4.1.534.10.1"
MEASURE = f"{ATS}.3"


def _status(bits: int) -> str:
    power = "OFF" if bits & 2 else "OL"
    return f"{power} OVER" if bits & 4 else power


ROWS = (
    Var("device.mfr", f"{ATS}.1.1.0", string=True, poll=Poll.STATIC, default="Eaton"),
    Var("ups.model", f"{ATS}.2.1.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{ATS}.2.2.0", string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{ATS}.2.4.0", string=True, poll=Poll.STATIC),
    *(row for n in (1, 2) for row in (
        Var(f"input.{n}.id", f"{MEASURE}.1.1.1.{n}", poll=Poll.STATIC),
        Var(f"input.{n}.voltage", f"{MEASURE}.1.1.2.{n}", scale=0.1),
        Var(f"input.{n}.frequency", f"{MEASURE}.1.1.3.{n}", scale=0.1),
    )),
    Var("output.voltage", f"{MEASURE}.2.1.0", scale=0.1),
    Var("output.current", f"{MEASURE}.2.2.0", scale=0.1),
    Var("ups.temperature", f"{MEASURE}.3.0"),
    Var("device.uptime", f"{MEASURE}.5.0"),
    Var("input.source", f"{MEASURE}.7.0", poll=Poll.STATUS,
        enum=enum_of((1, "init"), (2, "diagnosis"), (3, "off"), (4, "1"), (5, "2"),
                     (6, "safe"), (7, "fault"))),
    Var("ups.status", f"{ATS}.4.5.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of(*((bits, _status(bits)) for bits in range(16)))),
)

MIB = Mib(
    name="eaton_ats30",
    version="0.01",
    description="Eaton ATS30 MIB",
    device_type="ats",
    sysoids=(ATS,),
    model_oid=f"{ATS}.2.1.0",
    variables=ROWS,
)
