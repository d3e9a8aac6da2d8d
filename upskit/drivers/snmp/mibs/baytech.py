"""``baytech``: BayTech RPC power controllers (BayTech MIB, 1.3.6.1.4.1.4779).

No sysObjectID is listed: detection probes the model of the first module.  Outlets are
switched by writing their state (0 off, 1 on).
"""

from __future__ import annotations

from upskit.drivers.snmp.table import (
    OUTLETS,
    Command,
    Mib,
    Poll,
    SetType,
    Var,
    Writable,
    enum_of,
)

BAYTECH = "1.3.6.1.4.1.4779"
MODULE = f"{BAYTECH}.1.3.5.2.1"     # the first module's entry: model, outlet count
OUTLET = f"{BAYTECH}.1.3.5.3.1"     # outlet entries of module 1
READING = f"{BAYTECH}.1.3.5.5.1"    # the module's readings (tenths)

_identity = (
    Var("device.mfr", "", default="BayTech"),
    Var("ups.mfr", "", default="Baytech"),
    Var("ups.model", f"{MODULE}.24.1", string=True, poll=Poll.STATIC,
        default="Generic SNMP PDU"),
    Var("ups.id", f"{BAYTECH}.1.1.3.0", string=True, poll=Poll.STATIC, default="unknown"),
    Var("ups.serial", f"{BAYTECH}.1.1.2.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{BAYTECH}.1.1.1.0", string=True, poll=Poll.STATIC),
    Var("device.macaddr", "1.3.6.1.2.1.2.2.1.6.2", convert="mac", poll=Poll.STATIC),
    Var("ups.temperature", f"{READING}.10.2.1", scale=0.1),
)

_outlets = (
    Var("outlet.id", "", default="0"),
    Var("outlet.desc", "", default="All outlets"),
    Var("outlet.count", f"{MODULE}.15.1", poll=Poll.STATIC, default="0"),
    Var("outlet.current", f"{READING}.6.2.1", scale=0.1),
    Var("outlet.voltage", f"{READING}.8.2.1", scale=0.1),
    Var("outlet.%i.id", f"{OUTLET}.1.1.%i", poll=Poll.STATIC, each=(OUTLETS,)),
    Var("outlet.%i.switchable", f"{OUTLET}.1.1.%i", poll=Poll.STATIC, each=(OUTLETS,),
        enum=enum_of(other="yes")),
    Var("outlet.%i.status", f"{OUTLET}.3.1.%i", poll=Poll.STATUS, each=(OUTLETS,),
        enum=enum_of((-1, "error"), (0, "off"), (1, "on"), (2, "cycling"))),
    Var("outlet.%i.desc", f"{OUTLET}.4.1.%i", string=True, each=(OUTLETS,),
        writable=Writable(SetType.STRING, 31)),
)

COMMANDS = (
    Command("outlet.%i.load.off", f"{OUTLET}.3.1.%i", 0, each=(OUTLETS,)),
    Command("outlet.%i.load.on", f"{OUTLET}.3.1.%i", 1, each=(OUTLETS,)),
)

MIB = Mib(
    name="baytech",
    version="4032",
    description="BayTech RPC MIB",
    device_type="pdu",
    model_oid=f"{MODULE}.24.1",
    variables=_identity + _outlets,
    commands=COMMANDS,
)
