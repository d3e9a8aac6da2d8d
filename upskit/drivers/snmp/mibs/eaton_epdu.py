"""``eaton_epdu``: Eaton ePDUs G2/G3 (EATON-EPDU-MIB, 1.3.6.1.4.1.534.6.6.7).

Every object is indexed by the unit first (0 = the master of a daisy chain, then each
chained unit), then input, group or outlet.  Unprefixed variables are the master's;
when ``unitCount`` says two units or more, each unit N (from 1) is published again as
NUT's daisychain ``device.N.*`` (``device.2.outlet.3.status``).  Readings are in
milli-units (mV, mA).  Outlet and group commands write 0 ("now") to the off, on and
reboot command objects.
"""

from __future__ import annotations

from upskit.drivers.snmp.mibs.daisychain import Chain, rows
from upskit.drivers.snmp.table import (
    OUTLET_GROUPS,
    OUTLETS,
    Index,
    Mib,
    Poll,
    SetType,
    Var,
    Writable,
    enum_of,
)

BASE = "1.3.6.1.4.1.534.6.6.7"
UNIT = f"{BASE}.1.2.1"          # unitEntry
INPUT = f"{BASE}.3"             # inputs
GROUP = f"{BASE}.5"             # groups
OUTLET = f"{BASE}.6"            # outlets

#: the master is unit 0; chained units 0, 1 ... are device.1, device.2 ...
CHAIN = Chain(master=0, first=0)
per_unit = CHAIN.var
#: the input phases of a three-phase unit
PHASES = Index("input.phases", at_least=2)

_THRESHOLD = enum_of((0, "good"), (1, "warning-low"), (2, "critical-low"),
                     (3, "warning-high"), (4, "critical-high"))
_SWITCHABLE = enum_of((1, "yes"), (2, "no"))
_OUTLET_TYPE = enum_of((0, "unknown"), (1, "iecC13"), (2, "iecC19"), (10, "uk"),
                       (11, "french"), (12, "schuko"), (20, "nema515"), (21, "nema51520"),
                       (22, "nema520"), (23, "nemaL520"), (24, "nemaL530"), (25, "nema615"),
                       (26, "nema620"), (27, "nemaL620"), (28, "nemaL630"),
                       (29, "nemaL715"), (30, "rf203p277"))
_GROUP_TYPE = enum_of((0, "unknown"), (1, "breaker1pole"), (2, "breaker2pole"),
                      (3, "breaker3pole"), (4, "outlet-section"), (5, "user-defined"))


_identity = rows(
    (Var("device.mfr", "", default="EATON"), Var("ups.mfr", "", default="EATON")),
    # unitCount; a single unit without the object is one device
    (Var("device.count", f"{BASE}.1.1.0", poll=Poll.STATIC, default="1"),),
    per_unit("ups.model", f"{UNIT}.2.{{u}}", string=True, poll=Poll.STATIC,
             default="Eaton Powerware ePDU"),
    per_unit("device.model", f"{UNIT}.2.{{u}}", string=True, poll=Poll.STATIC),
    per_unit("ups.serial", f"{UNIT}.4.{{u}}", string=True, poll=Poll.STATIC),
    per_unit("device.serial", f"{UNIT}.4.{{u}}", string=True, poll=Poll.STATIC),
    per_unit("device.part", f"{UNIT}.3.{{u}}", string=True, poll=Poll.STATIC),
    per_unit("ups.firmware", f"{UNIT}.5.{{u}}", string=True),
    # one network interface for the whole chain
    (Var("device.macaddr", "1.3.6.1.2.1.2.2.1.6.2", convert="mac", poll=Poll.STATIC),),
)

_input = rows(
    per_unit("input.phases", f"{INPUT}.1.1.2.{{u}}.1", poll=Poll.STATIC,
             enum=enum_of((1, "1"), (2, "2"), (3, "3"), (4, "3"))),
    per_unit("input.frequency", f"{INPUT}.1.1.3.{{u}}.1", scale=0.1),
    per_unit("input.frequency.status", f"{INPUT}.1.1.4.{{u}}.1",
             enum=enum_of((0, "good"), (1, "out-of-range"))),
    per_unit("input.voltage", f"{INPUT}.2.1.3.{{u}}.1.1", scale=0.001),
    per_unit("input.voltage.status", f"{INPUT}.2.1.4.{{u}}.1.1", enum=_THRESHOLD),
    per_unit("input.current", f"{INPUT}.3.1.4.{{u}}.1.1", scale=0.001),
    per_unit("input.current.nominal", f"{INPUT}.3.1.3.{{u}}.1.1", scale=0.001,
             poll=Poll.STATIC),
    per_unit("input.current.status", f"{INPUT}.3.1.5.{{u}}.1.1", enum=_THRESHOLD),
    per_unit("input.load", f"{INPUT}.3.1.11.{{u}}.1.1", neg_invalid=True),
    per_unit("input.realpower", f"{INPUT}.5.1.4.{{u}}.1", neg_invalid=True),
    per_unit("input.power", f"{INPUT}.5.1.3.{{u}}.1", neg_invalid=True),
    per_unit("input.L%i.voltage", f"{INPUT}.2.1.3.{{u}}.1.%i", scale=0.001, each=(PHASES,)),
    per_unit("input.L%i.current", f"{INPUT}.3.1.4.{{u}}.1.%i", scale=0.001, each=(PHASES,)),
    per_unit("input.L%i.load", f"{INPUT}.3.1.11.{{u}}.1.%i", neg_invalid=True,
             each=(PHASES,)),
)

_outlets = rows(
    per_unit("outlet.count", f"{UNIT}.22.{{u}}", poll=Poll.STATIC, default="0"),
    per_unit("outlet.%i.desc", f"{OUTLET}.1.1.3.{{u}}.%i", string=True, each=(OUTLETS,),
             writable=Writable(SetType.STRING, 31)),
    per_unit("outlet.%i.name", f"{OUTLET}.1.1.6.{{u}}.%i", string=True, poll=Poll.STATIC,
             each=(OUTLETS,)),
    per_unit("outlet.%i.name", f"{OUTLET}.1.1.2.{{u}}.%i", string=True, poll=Poll.STATIC,
             each=(OUTLETS,)),
    per_unit("outlet.%i.type", f"{OUTLET}.1.1.5.{{u}}.%i", poll=Poll.STATIC,
             enum=_OUTLET_TYPE, each=(OUTLETS,)),
    per_unit("outlet.%i.status", f"{OUTLET}.6.1.2.{{u}}.%i", poll=Poll.STATUS, each=(OUTLETS,),
             enum=enum_of((0, "off"), (1, "on"), (2, "pendingOff"), (3, "pendingOn"))),
    per_unit("outlet.%i.id", f"{OUTLET}.6.1.7.{{u}}.%i", poll=Poll.STATIC, each=(OUTLETS,)),
    per_unit("outlet.%i.switchable", f"{OUTLET}.6.1.9.{{u}}.%i", poll=Poll.STATIC,
             enum=_SWITCHABLE, each=(OUTLETS,)),
    per_unit("outlet.%i.voltage", f"{OUTLET}.3.1.2.{{u}}.%i", scale=0.001, each=(OUTLETS,)),
    per_unit("outlet.%i.current", f"{OUTLET}.4.1.3.{{u}}.%i", scale=0.001, each=(OUTLETS,)),
    per_unit("outlet.%i.current.status", f"{OUTLET}.4.1.4.{{u}}.%i", enum=_THRESHOLD,
             each=(OUTLETS,)),
    per_unit("outlet.%i.power", f"{OUTLET}.5.1.2.{{u}}.%i", each=(OUTLETS,)),
    per_unit("outlet.%i.realpower", f"{OUTLET}.5.1.3.{{u}}.%i", each=(OUTLETS,)),
)

_groups = rows(
    per_unit("outlet.group.count", f"{UNIT}.21.{{u}}", poll=Poll.STATIC, default="0"),
    per_unit("outlet.group.%i.id", f"{GROUP}.1.1.2.{{u}}.%i", string=True, poll=Poll.STATIC,
             each=(OUTLET_GROUPS,)),
    per_unit("outlet.group.%i.desc", f"{GROUP}.1.1.3.{{u}}.%i", string=True,
             each=(OUTLET_GROUPS,), writable=Writable(SetType.STRING, 31)),
    per_unit("outlet.group.%i.type", f"{GROUP}.1.1.4.{{u}}.%i", poll=Poll.STATIC,
             enum=_GROUP_TYPE, each=(OUTLET_GROUPS,)),
    per_unit("outlet.group.%i.count", f"{GROUP}.1.1.6.{{u}}.%i", poll=Poll.STATIC,
             each=(OUTLET_GROUPS,)),
    per_unit("outlet.group.%i.name", f"{GROUP}.1.1.8.{{u}}.%i", string=True,
             poll=Poll.STATIC, each=(OUTLET_GROUPS,)),
    per_unit("outlet.group.%i.status", f"{GROUP}.6.1.2.{{u}}.%i", poll=Poll.STATUS,
             each=(OUTLET_GROUPS,),
             enum=enum_of((0, "off"), (1, "on"), (2, "rebooting"), (3, "mixed"))),
    per_unit("outlet.group.%i.voltage", f"{GROUP}.3.1.3.{{u}}.%i", scale=0.001,
             each=(OUTLET_GROUPS,)),
    per_unit("outlet.group.%i.current", f"{GROUP}.4.1.3.{{u}}.%i", scale=0.001,
             each=(OUTLET_GROUPS,)),
    per_unit("outlet.group.%i.current.nominal", f"{GROUP}.4.1.2.{{u}}.%i", scale=0.001,
             poll=Poll.STATIC, each=(OUTLET_GROUPS,)),
    per_unit("outlet.group.%i.load", f"{GROUP}.4.1.10.{{u}}.%i", neg_invalid=True,
             each=(OUTLET_GROUPS,)),
    per_unit("outlet.group.%i.power", f"{GROUP}.5.1.2.{{u}}.%i", neg_invalid=True,
             each=(OUTLET_GROUPS,)),
    per_unit("outlet.group.%i.realpower", f"{GROUP}.5.1.3.{{u}}.%i", neg_invalid=True,
             each=(OUTLET_GROUPS,)),
)


#: outletControlOffCmd / OnCmd / RebootCmd and the group equivalents: 0 = at once
COMMANDS = (
    *CHAIN.command("outlet.%i.load.off", f"{OUTLET}.6.1.3.{{u}}.%i", 0, OUTLETS),
    *CHAIN.command("outlet.%i.load.on", f"{OUTLET}.6.1.4.{{u}}.%i", 0, OUTLETS),
    *CHAIN.command("outlet.%i.load.cycle", f"{OUTLET}.6.1.5.{{u}}.%i", 0, OUTLETS),
    *CHAIN.command("outlet.group.%i.load.off", f"{GROUP}.6.1.3.{{u}}.%i", 0, OUTLET_GROUPS),
    *CHAIN.command("outlet.group.%i.load.on", f"{GROUP}.6.1.4.{{u}}.%i", 0, OUTLET_GROUPS),
    *CHAIN.command("outlet.group.%i.load.cycle", f"{GROUP}.6.1.5.{{u}}.%i", 0, OUTLET_GROUPS),
)

MIB = Mib(
    name="eaton_epdu",
    version="0.49",
    description="EATON-EPDU-MIB",
    device_type="pdu",
    sysoids=(BASE,),
    model_oid=f"{UNIT}.2.0",
    variables=_identity + _input + _outlets + _groups,
    commands=COMMANDS,
)
