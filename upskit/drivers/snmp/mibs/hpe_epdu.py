"""``hpe_epdu``: HPE ePDUs (CPQPOWER-MIB ``pdu2``, 1.3.6.1.4.1.232.165.7).

Objects are indexed by the unit (0 = the master of a daisy chain), then phase, group or
outlet; chained units are published as NUT's ``device.N.*``.  Readings in mV, mA and
thousandths for power factors.  Outlets are switched by writing 0 ("now") to the
off, on and reboot command objects.
"""

from __future__ import annotations

from upskit.drivers.snmp.mibs.daisychain import Chain, rows
from upskit.drivers.snmp.table import (
    OUTLET_GROUPS,
    OUTLETS,
    Index,
    Mib,
    Poll,
    Var,
    enum_of,
)

BASE = "1.3.6.1.4.1.232.165.7"
IDENT = f"{BASE}.1.2.1"         # pdu2IdentEntry
INPUT = f"{BASE}.2.1.1"         # pdu2InputEntry
PHASE = f"{BASE}.2.2.1"         # pdu2InputPhaseEntry
GROUP = f"{BASE}.3.1.1"         # pdu2GroupEntry
OUTLET = f"{BASE}.5.1.1"        # pdu2OutletEntry
CONTROL = f"{BASE}.5.2.1"       # pdu2OutletControlEntry

CHAIN = Chain(master=0, first=0)
unit = CHAIN.var
PHASES = Index("input.phases", at_least=2)

_THRESHOLD = enum_of((1, "good"), (2, "warning-low"), (3, "critical-low"),
                     (4, "warning-high"), (5, "critical-high"))
_OUTLET_TYPE = enum_of((0, "unknown"), (1, "iecC13"), (2, "iecC19"), (10, "uk"),
                       (11, "french"), (12, "schuko"), (20, "nema515"), (21, "nema51520"),
                       (22, "nema520"), (23, "nemaL520"), (24, "nemaL530"), (25, "nema615"),
                       (26, "nema620"), (27, "nemaL620"), (28, "nemaL630"),
                       (29, "nemaL715"), (30, "rf203p277"))

_identity = rows(
    (Var("device.mfr", "", default="HPE"), Var("ups.mfr", "", default="HPE")),
    (Var("device.count", f"{BASE}.1.1.0", poll=Poll.STATIC, default="1"),),  # pdu2NumberPDU
    unit("ups.model", f"{IDENT}.3.{{u}}", string=True, poll=Poll.STATIC, default="HPE ePDU"),
    unit("device.model", f"{IDENT}.3.{{u}}", string=True, poll=Poll.STATIC),
    unit("ups.serial", f"{IDENT}.7.{{u}}", string=True, poll=Poll.STATIC),
    unit("device.serial", f"{IDENT}.7.{{u}}", string=True, poll=Poll.STATIC),
    unit("device.part", f"{IDENT}.6.{{u}}", string=True, poll=Poll.STATIC),
    unit("ups.firmware", f"{IDENT}.5.{{u}}", string=True),
    (Var("device.macaddr", "1.3.6.1.2.1.2.2.1.6.2", convert="mac", poll=Poll.STATIC),),
)

_input = rows(
    unit("input.phases", f"{INPUT}.1.{{u}}", poll=Poll.STATIC,
         enum=enum_of((1, "1"), (2, "2"), (3, "3"), (4, "3"))),
    unit("input.frequency", f"{INPUT}.2.{{u}}", scale=0.1),
    unit("input.frequency.status", f"{INPUT}.3.{{u}}",
         enum=enum_of((1, "good"), (2, "out-of-range"))),
    unit("input.voltage", f"{PHASE}.3.{{u}}.1", scale=0.001),
    unit("input.voltage.status", f"{PHASE}.4.{{u}}.1", enum=_THRESHOLD),
    unit("input.L%i.voltage", f"{PHASE}.3.{{u}}.%i", scale=0.001, each=(PHASES,)),
    unit("input.L%i.load", f"{PHASE}.18.{{u}}.%i", neg_invalid=True, each=(PHASES,)),
)

_outlets = rows(
    (Var("outlet.id", "", default="0"), Var("outlet.desc", "", default="All outlets")),
    unit("outlet.count", f"{IDENT}.12.{{u}}", poll=Poll.STATIC, default="0"),
    unit("outlet.%i.desc", f"{OUTLET}.2.{{u}}.%i", string=True, poll=Poll.STATIC,
         each=(OUTLETS,)),
    unit("outlet.%i.type", f"{OUTLET}.3.{{u}}.%i", poll=Poll.STATIC, enum=_OUTLET_TYPE,
         each=(OUTLETS,)),
    unit("outlet.%i.current", f"{OUTLET}.5.{{u}}.%i", scale=0.001, each=(OUTLETS,)),
    unit("outlet.%i.current.status", f"{OUTLET}.6.{{u}}.%i", enum=_THRESHOLD,
         each=(OUTLETS,)),
    unit("outlet.%i.power", f"{OUTLET}.13.{{u}}.%i", each=(OUTLETS,)),
    unit("outlet.%i.realpower", f"{OUTLET}.14.{{u}}.%i", neg_invalid=True, each=(OUTLETS,)),
    unit("outlet.%i.powerfactor", f"{OUTLET}.17.{{u}}.%i", scale=0.001, each=(OUTLETS,)),
    unit("outlet.%i.status", f"{CONTROL}.1.{{u}}.%i", poll=Poll.STATUS, each=(OUTLETS,),
         enum=enum_of((1, "off"), (2, "on"), (3, "pendingOff"), (4, "pendingOn"))),
    unit("outlet.%i.switchable", f"{CONTROL}.8.{{u}}.%i", poll=Poll.STATIC, default="no",
         enum=enum_of((1, "yes"), (2, "no")), each=(OUTLETS,)),
)

_groups = rows(
    unit("outlet.group.count", f"{IDENT}.11.{{u}}", poll=Poll.STATIC, default="0"),
    unit("outlet.group.%i.id", f"{GROUP}.1.{{u}}.%i", poll=Poll.STATIC,
         each=(OUTLET_GROUPS,)),
    unit("outlet.group.%i.name", f"{GROUP}.2.{{u}}.%i", string=True, poll=Poll.STATIC,
         each=(OUTLET_GROUPS,)),
    unit("outlet.group.%i.type", f"{GROUP}.3.{{u}}.%i", poll=Poll.STATIC,
         each=(OUTLET_GROUPS,),
         enum=enum_of((0, "unknown"), (1, "unknown"), (2, "breaker1pole"),
                      (3, "breaker2pole"), (4, "breaker3pole"), (5, "outlet-section"))),
    unit("outlet.group.%i.phase", f"{GROUP}.4.{{u}}.%i", poll=Poll.STATIC,
         each=(OUTLET_GROUPS,),
         enum=enum_of((1, "L1"), (2, "L1"), (3, "L2"), (4, "L3"), (5, "L1"), (6, "L2"),
                      (7, "L3"))),
    unit("outlet.group.%i.voltage", f"{GROUP}.5.{{u}}.%i", scale=0.001,
         each=(OUTLET_GROUPS,)),
    unit("outlet.group.%i.current.nominal", f"{GROUP}.11.{{u}}.%i", scale=0.001,
         poll=Poll.STATIC, each=(OUTLET_GROUPS,)),
    unit("outlet.group.%i.current", f"{GROUP}.12.{{u}}.%i", scale=0.001,
         each=(OUTLET_GROUPS,)),
    unit("outlet.group.%i.load", f"{GROUP}.19.{{u}}.%i", neg_invalid=True,
         each=(OUTLET_GROUPS,)),
    unit("outlet.group.%i.power", f"{GROUP}.20.{{u}}.%i", neg_invalid=True,
         each=(OUTLET_GROUPS,)),
    unit("outlet.group.%i.realpower", f"{GROUP}.21.{{u}}.%i", neg_invalid=True,
         each=(OUTLET_GROUPS,)),
    unit("outlet.group.%i.count", f"{GROUP}.26.{{u}}.%i", poll=Poll.STATIC,
         each=(OUTLET_GROUPS,)),
    # pdu2groupBreakerStatus: notApplicable(1) for outlet sections
    unit("outlet.group.%i.status", f"{GROUP}.27.{{u}}.%i", poll=Poll.STATUS,
         each=(OUTLET_GROUPS,), enum=enum_of((2, "on"), (3, "off"))),
)

#: pdu2OutletControlOffCmd / OnCmd / RebootCmd: 0 = at once
COMMANDS = (
    *CHAIN.command("outlet.%i.load.off", f"{CONTROL}.2.{{u}}.%i", 0, OUTLETS),
    *CHAIN.command("outlet.%i.load.on", f"{CONTROL}.3.{{u}}.%i", 0, OUTLETS),
    *CHAIN.command("outlet.%i.load.cycle", f"{CONTROL}.4.{{u}}.%i", 0, OUTLETS),
)

MIB = Mib(
    name="hpe_epdu",
    version="0.31",
    description="CPQPOWER-MIB pdu2 (HPE ePDU)",
    device_type="pdu",
    sysoids=(BASE,),
    model_oid=f"{IDENT}.3.0",
    variables=_identity + _input + _outlets + _groups,
    commands=COMMANDS,
)
