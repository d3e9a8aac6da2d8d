"""Eaton ATS16 (EATON-ATS2-MIB, 1.3.6.1.4.1.534.10.2): the rows the ``eaton_ats16_nmc``
(legacy NMC card, sysObjectID 1.3.6.1.4.1.705.1; NUT 2.8.0 calls it ``eaton_ats16``)
and ``eaton_ats16_nm2`` (Network-M2) tables share.  Not a table itself.

``input.source`` is the operation mode: ``1`` or ``2`` while a source powers the load,
else ``init``, ``diagnosis``, ``off``, ``safe`` or ``fault``.  ``ups.status`` is ``OL``
while the output is powered, ``OFF`` when not.
"""

from __future__ import annotations

from upskit.drivers.snmp.table import Mib, Poll, SetType, Status, Var, Writable, enum_of

ATS2 = "1.3.6.1.4.1.534.10.2"
IDENT = f"{ATS2}.1"
MEASURE = f"{ATS2}.2"
STATUS = f"{ATS2}.3"
CONFIG = f"{ATS2}.4"
ENV = f"{ATS2}.5"

_VOLTAGE_STATUS = enum_of((1, "good"), (2, "derated-range"), (3, "out-of-range"),
                          (4, "unknown"))
_FREQUENCY_STATUS = enum_of((1, "good"), (2, "out-of-range"))


def _source(n: int) -> tuple[Var, ...]:
    return (
        Var(f"input.{n}.id", f"{MEASURE}.2.1.1.{n}", poll=Poll.STATIC),
        Var(f"input.{n}.voltage", f"{MEASURE}.2.1.2.{n}", scale=0.1),
        Var(f"input.{n}.voltage.status", f"{STATUS}.2.1.5.{n}", enum=_VOLTAGE_STATUS),
        Var(f"input.{n}.frequency", f"{MEASURE}.2.1.3.{n}", scale=0.1),
        Var(f"input.{n}.frequency.status", f"{STATUS}.2.1.2.{n}", enum=_FREQUENCY_STATUS),
    )


ROWS = (
    Var("device.mfr", f"{IDENT}.1.0", string=True, poll=Poll.STATIC, default="Eaton"),
    Var("ups.model", f"{IDENT}.2.0", string=True, poll=Poll.STATIC, default="ATS"),
    Var("ups.firmware", f"{IDENT}.3.0", string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{IDENT}.5.0", string=True, poll=Poll.STATIC),
    Var("device.part", f"{IDENT}.6.0", string=True, poll=Poll.STATIC),
    *_source(1), *_source(2),
    Var("input.sensitivity", f"{CONFIG}.6.0", writable=Writable(SetType.INTEGER),
        enum=enum_of((1, "normal"), (2, "high"), (3, "low"))),
    Var("input.source", f"{MEASURE}.4.0", poll=Poll.STATUS,
        enum=enum_of((1, "init"), (2, "diagnosis"), (3, "off"), (4, "1"), (5, "2"),
                     (6, "safe"), (7, "fault"))),
    Var("input.source.preferred", f"{CONFIG}.5.0", writable=Writable(low=1, high=2)),
    Var("input.phase.shift", f"{MEASURE}.1.1.0"),
    Var("output.voltage", f"{MEASURE}.3.1.0", scale=0.1),
    Var("output.voltage.nominal", f"{CONFIG}.4.0", writable=Writable(low=0, high=300)),
    Var("output.current", f"{MEASURE}.3.2.0", scale=0.1),
    Var("ups.test.result", f"{CONFIG}.8.0",
        enum=enum_of((1, "done and passed"), (2, "done and warning"), (3, "done and error"),
                     (4, "aborted"), (5, "in progress"), (6, "no test initiated"))),
    # ats2StatusOutput: outputNotPowered(1), outputPowered(2)
    Var("ups.status", f"{STATUS}.3.2.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, "OFF"), (2, "OL"))),
    Var("ambient.temperature", f"{ENV}.1.0", scale=0.1),
    Var("ambient.temperature.low", f"{ENV}.5.0", writable=Writable(low=-50, high=100)),
    Var("ambient.temperature.high", f"{ENV}.6.0", writable=Writable(low=-50, high=100)),
    Var("ambient.humidity", f"{ENV}.2.0", scale=0.1),
    Var("ambient.humidity.low", f"{ENV}.7.0", writable=Writable(low=0, high=100)),
    Var("ambient.humidity.high", f"{ENV}.8.0", writable=Writable(low=0, high=100)),
)


def table(name: str, version: str, sysoid: str, firmware_aux: str,
          extra: tuple[Var, ...] = ()) -> Mib:
    """An ATS16 table: ``firmware_aux`` is the OID of ``ups.firmware.aux``."""
    return Mib(
        name=name,
        version=version,
        description="EATON-ATS2-MIB",
        device_type="ats",
        sysoids=(sysoid,),
        model_oid=f"{IDENT}.2.0",
        variables=(*ROWS, Var("ups.firmware.aux", firmware_aux, string=True,
                              poll=Poll.STATIC), *extra),
    )
