"""``emerson_avocent_pdu``: Emerson/Avocent PM PDUs (1.3.6.1.4.1.10418.17).

Outlet objects are indexed by the appliance (1), the PDU (1 = the first; further PDUs
chained on the same appliance are NUT's ``device.N.*``), then the outlet.  Outlets are
switched through ``pmPowerMgmtOutletsTablePowerControl``: powerOn 2, powerOff 3,
powerCycle 4.  Readings in tenths.
"""

from __future__ import annotations

from upskit.drivers.snmp.mibs.daisychain import Chain, rows
from upskit.drivers.snmp.table import OUTLETS, Mib, Poll, SetType, Var, Writable, enum_of

BASE = "1.3.6.1.4.1.10418.17.2"
PDU = f"{BASE}.5.3.1"               # pmPowerMgmtPDUTable entry
OUTLET = f"{BASE}.5.5.1"            # pmPowerMgmtOutletsTable entry

CHAIN = Chain(master=1, first=1)
unit = CHAIN.var

_identity = rows(
    (Var("device.mfr", "", default="Avocent"), Var("ups.mfr", "", default="Avocent")),
    (Var("device.count", f"{BASE}.5.2.1.4.1", poll=Poll.STATIC, default="1"),),
    (Var("ups.model", f"{BASE}.1.2.0", string=True, poll=Poll.STATIC,
         default="Avocent SNMP PDU"),),
    unit("device.model", f"{PDU}.5.1.{{u}}", string=True, poll=Poll.STATIC, na_invalid=True),
    (Var("ups.id", f"{BASE}.1.1.0", string=True, poll=Poll.STATIC, default="unknown"),
     Var("ups.serial", f"{BASE}.1.4.0", string=True, poll=Poll.STATIC),
     Var("ups.firmware", f"{BASE}.1.7.0", string=True, poll=Poll.STATIC),
     Var("ups.macaddr", "1.3.6.1.2.1.2.2.1.6.1", convert="mac", poll=Poll.STATIC)),
)

_outlets = rows(
    (Var("outlet.id", "", default="0"), Var("outlet.desc", "", default="All outlets")),
    unit("outlet.count", f"{PDU}.8.1.{{u}}", poll=Poll.STATIC, zero_invalid=True),
    unit("outlet.%i.id", f"{OUTLET}.3.1.{{u}}.%i", poll=Poll.STATIC, each=(OUTLETS,)),
    unit("outlet.%i.desc", f"{OUTLET}.4.1.{{u}}.%i", string=True, na_invalid=True,
         each=(OUTLETS,), writable=Writable(SetType.STRING, 31)),
    unit("outlet.%i.status", f"{OUTLET}.5.1.{{u}}.%i", poll=Poll.STATUS, each=(OUTLETS,),
         enum=enum_of((1, "off"), (2, "on"))),
    unit("outlet.%i.current", f"{OUTLET}.50.1.{{u}}.%i", scale=0.1, each=(OUTLETS,)),
    unit("outlet.%i.realpower", f"{OUTLET}.60.1.{{u}}.%i", scale=0.1, each=(OUTLETS,)),
    unit("outlet.%i.voltage", f"{OUTLET}.70.1.{{u}}.%i", each=(OUTLETS,)),
    unit("outlet.%i.current.high.critical", f"{OUTLET}.100.1.{{u}}.%i", scale=0.1,
         each=(OUTLETS,), writable=Writable(low=0, high=100)),
    unit("outlet.%i.current.high.warning", f"{OUTLET}.101.1.{{u}}.%i", scale=0.1,
         each=(OUTLETS,), writable=Writable(low=0, high=100)),
    unit("outlet.group.count", f"{BASE}.5.6.{{u}}", poll=Poll.STATIC, default="0"),
)

#: pmPowerMgmtOutletsTablePowerControl
COMMANDS = (
    *CHAIN.command("outlet.%i.load.on", f"{OUTLET}.6.1.{{u}}.%i", 2, OUTLETS),
    *CHAIN.command("outlet.%i.load.off", f"{OUTLET}.6.1.{{u}}.%i", 3, OUTLETS),
    *CHAIN.command("outlet.%i.load.cycle", f"{OUTLET}.6.1.{{u}}.%i", 4, OUTLETS),
)

MIB = Mib(
    name="emerson_avocent_pdu",
    version="1.30",
    description="Avocent PM MIB",
    device_type="pdu",
    sysoids=("1.3.6.1.4.1.10418.17.1.7",),
    model_oid=f"{BASE}.1.2.0",
    variables=_identity + _outlets,
    commands=COMMANDS,
)
