"""``apc_ats``: APC rack automatic transfer switches (PowerNet-MIB ``ats`` group).

AP44xx/AP77xx: two inputs (A and B), one output made of banks published as outlet
groups.  ``ups.status`` is ``OL`` while the output voltage is good and ``OFF`` when it
fails; a bank in overload adds ``OVER`` to its group status.
"""

from __future__ import annotations

from upskit.drivers.snmp.table import (
    OUTLET_GROUPS,
    Mib,
    Poll,
    SetType,
    Status,
    Var,
    Writable,
    enum_of,
)

APC = "1.3.6.1.4.1.318"
ATS = f"{APC}.1.1.8"
IDENT = f"{ATS}.1"          # atsIdent
CONFIG = f"{ATS}.4"         # atsConfig
STATUS = f"{ATS}.5"         # atsStatus
INPUT = f"{STATUS}.3"       # atsStatusInput
OUTPUT = f"{STATUS}.4"      # atsStatusOutput
BANK = f"{OUTPUT}.5.1"      # atsOutputBankEntry

_identity = (
    Var("device.mfr", "", default="APC"),
    Var("ups.mfr", "", default="APC"),
    Var("ups.model", f"{IDENT}.5.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{IDENT}.1.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware.aux", f"{IDENT}.2.0", string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{IDENT}.6.0", string=True, poll=Poll.STATIC),
    Var("ups.mfr.date", f"{IDENT}.4.0", string=True, poll=Poll.STATIC),
    Var("ups.id", f"{CONFIG}.1.0", string=True, writable=Writable(SetType.STRING, 20)),
)

_input = (
    Var("input.voltage.nominal", f"{IDENT}.7.0", poll=Poll.STATIC),
    Var("input.frequency.nominal", f"{IDENT}.8.0", poll=Poll.STATIC),
    # atsStatusSelectedSource / atsConfigPreferredSource: 1 = A, 2 = B (numbers, as NUT)
    Var("input.source", f"{STATUS}.1.2.0", poll=Poll.STATUS),
    Var("input.source.preferred", f"{CONFIG}.2.0", writable=Writable(low=1, high=2)),
    Var("input.count", f"{INPUT}.1.0", poll=Poll.STATIC),
    Var("input.1.voltage", f"{INPUT}.3.1.3.1.1.1"),
    Var("input.2.voltage", f"{INPUT}.3.1.3.2.1.1"),
    Var("input.1.frequency", f"{INPUT}.2.1.4.1"),
    Var("input.2.frequency", f"{INPUT}.2.1.4.2"),
    Var("input.sensitivity", f"{CONFIG}.4.0", enum=enum_of((1, "high"), (2, "low")),
        writable=Writable(SetType.INTEGER)),
)

_output = (
    Var("output.frequency", f"{OUTPUT}.2.1.4.1"),
    Var("output.voltage", f"{BANK}.6.1"),
    Var("output.current", f"{BANK}.4.1", scale=0.1),
    # atsStatusVoltageOutStatus: fail(1), ok(2)
    Var("ups.status", f"{STATUS}.1.15.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, "OFF"), (2, "OL"))),
)

_banks = (
    Var("outlet.group.count", f"{OUTPUT}.4.0", poll=Poll.STATIC),
    Var("outlet.group.%i.id", f"{BANK}.1.%i", poll=Poll.STATIC, each=(OUTLET_GROUPS,)),
    Var("outlet.group.%i.name", f"{BANK}.3.%i", poll=Poll.STATIC, each=(OUTLET_GROUPS,),
        enum=enum_of((1, "total"), (2, "bank1"), (3, "bank2"))),
    Var("outlet.group.%i.current", f"{BANK}.4.%i", scale=0.1, each=(OUTLET_GROUPS,)),
    # atsOutputBankState: normal(1), lowload(2), nearoverload(3), overload(4)
    Var("outlet.group.%i.status", f"{BANK}.5.%i", poll=Poll.STATUS, each=(OUTLET_GROUPS,),
        enum=enum_of((1, "OL"), (2, ""), (3, ""), (4, "OVER"))),
    Var("outlet.group.%i.voltage", f"{BANK}.6.%i", each=(OUTLET_GROUPS,)),
    Var("outlet.group.%i.realpower", f"{BANK}.15.%i", neg_invalid=True,
        each=(OUTLET_GROUPS,)),
)

MIB = Mib(
    name="apc_ats",
    version="0.60",
    description="PowerNet-MIB (automatic transfer switch)",
    device_type="ats",
    sysoids=(f"{APC}.1.3.11",),
    model_oid=f"{IDENT}.5.0",
    variables=_identity + _input + _output + _banks,
)
