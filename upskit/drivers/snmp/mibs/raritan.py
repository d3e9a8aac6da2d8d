"""``raritan``: Raritan Dominion PX PDUs (the first PDU-MIB, 1.3.6.1.4.1.13742.1).

Unit readings are in milli-units (mA, mV); each outlet has a state that clients switch
by writing it (0 off, 1 on, 2 cycle).
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

RARITAN = "1.3.6.1.4.1.13742"
BOARD = f"{RARITAN}.1.1"        # board: firmware, serial, MAC, model, name
OUTLET = f"{RARITAN}.1.2.2.1"   # outletEntry
UNIT = f"{RARITAN}.1.3.1"       # unitReadings

_identity = (
    Var("device.mfr", "", default="Raritan"),
    Var("ups.mfr", "", default="Raritan"),
    Var("ups.model", f"{BOARD}.12.0", string=True, poll=Poll.STATIC,
        default="Generic SNMP PDU"),
    Var("ups.id", f"{BOARD}.13.0", string=True, poll=Poll.STATIC, default="unknown"),
    Var("ups.serial", f"{BOARD}.2.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{BOARD}.1.0", string=True, poll=Poll.STATIC),
    Var("ups.macaddr", f"{BOARD}.6.0", string=True, poll=Poll.STATIC),
    Var("ups.temperature", f"{UNIT}.5.0"),
)

_outlets = (
    Var("outlet.id", "", default="0"),
    Var("outlet.desc", "", default="All outlets"),
    Var("outlet.count", f"{RARITAN}.1.2.1.0", poll=Poll.STATIC, default="0"),
    Var("outlet.current", f"{UNIT}.1.0", scale=0.001),
    Var("outlet.voltage", f"{UNIT}.2.0", scale=0.001),
    Var("outlet.realpower", f"{UNIT}.3.0"),
    Var("outlet.power", f"{UNIT}.4.0"),
    Var("outlet.%i.id", f"{OUTLET}.1.%i", poll=Poll.STATIC, each=(OUTLETS,)),
    # the outlet table has a row for every outlet: each can be switched
    Var("outlet.%i.switchable", f"{OUTLET}.1.%i", poll=Poll.STATIC, each=(OUTLETS,),
        enum=enum_of(other="yes")),
    Var("outlet.%i.desc", f"{OUTLET}.2.%i", string=True, each=(OUTLETS,),
        writable=Writable(SetType.STRING, 31)),
    Var("outlet.%i.status", f"{OUTLET}.3.%i", poll=Poll.STATUS, each=(OUTLETS,),
        enum=enum_of((-1, "error"), (0, "off"), (1, "on"), (2, "cycling"))),
    Var("outlet.%i.current", f"{OUTLET}.4.%i", scale=0.001, each=(OUTLETS,)),
    Var("outlet.%i.current.maximum", f"{OUTLET}.5.%i", scale=0.001, each=(OUTLETS,)),
    Var("outlet.%i.voltage", f"{OUTLET}.6.%i", scale=0.001, each=(OUTLETS,)),
    Var("outlet.%i.realpower", f"{OUTLET}.7.%i", each=(OUTLETS,)),
    Var("outlet.%i.power", f"{OUTLET}.8.%i", each=(OUTLETS,)),
    Var("outlet.%i.powerfactor", f"{OUTLET}.9.%i", scale=0.01, each=(OUTLETS,)),
)

COMMANDS = (
    Command("outlet.%i.load.off", f"{OUTLET}.3.%i", 0, each=(OUTLETS,)),
    Command("outlet.%i.load.on", f"{OUTLET}.3.%i", 1, each=(OUTLETS,)),
    Command("outlet.%i.load.cycle", f"{OUTLET}.3.%i", 2, each=(OUTLETS,)),
)

MIB = Mib(
    name="raritan",
    version="0.4",
    description="Raritan PDU-MIB",
    device_type="pdu",
    sysoids=(RARITAN,),
    model_oid=f"{BOARD}.12.0",
    variables=_identity + _outlets,
    commands=COMMANDS,
)
