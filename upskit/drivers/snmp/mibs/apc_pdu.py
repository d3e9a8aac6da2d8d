"""``apc_pdu``: APC rack PDUs (PowerNet-MIB ``sPDU`` and ``rPDU`` groups).

Switched and metered rack PDUs (AP79xx, AP86xx, AP89xx).  The older ``sPDU`` group
(1.3.6.1.4.1.318.1.1.4) names and switches the outlets; the ``rPDU`` group
(1.3.6.1.4.1.318.1.1.12) of later firmware measures the load and answers for the outlets
where ``sPDU`` is absent.  Outlet commands write ``sPDUOutletCtl`` (immediateOn 1,
immediateOff 2, immediateReboot 3), else ``rPDUOutletControlOutletCommand``.
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

APC = "1.3.6.1.4.1.318"
SPDU = f"{APC}.1.1.4"           # sPDU
IDENT = f"{SPDU}.1"             # sPDUIdent
CTL = f"{SPDU}.4.2.1"           # sPDUOutletControlEntry
RPDU = f"{APC}.1.1.12"          # rPDU
R_IDENT = f"{RPDU}.1"           # rPDUIdent
R_CTL = f"{RPDU}.3.3.1.1"       # rPDUOutletControlEntry
R_STATUS = f"{RPDU}.3.5.1.1"    # rPDUOutletStatusEntry

#: sPDUOutletCtl / rPDUOutletStatusOutletState as read
_OUTLET_STATE = enum_of((1, "on"), (2, "off"))
#: a row that answers means the outlet can be switched
_SWITCHABLE = enum_of((1, "yes"), (2, "yes"), (3, "yes"), (4, "yes"), other="yes")

_identity = (
    Var("device.mfr", "", default="APC"),
    Var("ups.mfr", "", default="APC"),
    Var("ups.model", f"{IDENT}.4.0", string=True, poll=Poll.STATIC),
    Var("ups.model", f"{R_IDENT}.5.0", string=True, poll=Poll.STATIC),
    Var("device.part", f"{IDENT}.4.0", string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{IDENT}.5.0", string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{R_IDENT}.6.0", string=True, poll=Poll.STATIC),
    Var("device.version", f"{IDENT}.1.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{IDENT}.2.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{R_IDENT}.3.0", string=True, poll=Poll.STATIC),
    Var("ups.date", f"{IDENT}.3.0", string=True, poll=Poll.STATIC),
    Var("ups.id", f"{R_IDENT}.1.0", string=True, poll=Poll.STATIC),
    Var("device.uptime", "1.3.6.1.2.1.1.3.0", convert="ticks"),
)

_input = (
    # rPDUIdentDevicePowerWatts, rPDULoadStatusLoad.1 (tenths of amps)
    Var("input.realpower", f"{R_IDENT}.16.0", neg_invalid=True),
    Var("input.current", f"{RPDU}.2.3.1.1.2.1", scale=0.1),
    Var("input.voltage.nominal", f"{R_IDENT}.15.0", poll=Poll.STATIC, neg_invalid=True),
    Var("input.current.nominal", f"{R_IDENT}.9.0", poll=Poll.STATIC, neg_invalid=True),
)

_outlets = (
    Var("outlet.count", f"{SPDU}.4.1.0", poll=Poll.STATIC),         # sPDUOutletControlTableSize
    Var("outlet.count", f"{R_IDENT}.8.0", poll=Poll.STATIC),        # rPDUIdentDeviceNumOutlets
    Var("outlet.%i.id", f"{CTL}.1.%i", poll=Poll.STATIC, each=(OUTLETS,)),
    Var("outlet.%i.id", f"{R_STATUS}.1.%i", poll=Poll.STATIC, each=(OUTLETS,)),
    Var("outlet.%i.desc", f"{CTL}.4.%i", string=True, each=(OUTLETS,),
        writable=Writable(SetType.STRING, 20)),
    Var("outlet.%i.desc", f"{R_STATUS}.2.%i", string=True, each=(OUTLETS,)),
    Var("outlet.%i.status", f"{CTL}.3.%i", poll=Poll.STATUS, enum=_OUTLET_STATE,
        each=(OUTLETS,)),
    Var("outlet.%i.status", f"{R_STATUS}.4.%i", poll=Poll.STATUS, enum=_OUTLET_STATE,
        each=(OUTLETS,)),
    Var("outlet.%i.switchable", f"{CTL}.3.%i", enum=_SWITCHABLE, poll=Poll.STATIC,
        each=(OUTLETS,)),
    Var("outlet.%i.switchable", f"{R_CTL}.4.%i", enum=_SWITCHABLE, poll=Poll.STATIC,
        each=(OUTLETS,)),
    # rPDUOutletStatusLoad (tenths of amps) on PDUs metered by outlet
    Var("outlet.%i.current", f"{R_STATUS}.7.%i", scale=0.1, each=(OUTLETS,)),
)

COMMANDS = (
    Command("outlet.%i.load.on", f"{CTL}.3.%i", 1, each=(OUTLETS,)),
    Command("outlet.%i.load.off", f"{CTL}.3.%i", 2, each=(OUTLETS,)),
    Command("outlet.%i.load.cycle", f"{CTL}.3.%i", 3, each=(OUTLETS,)),
    Command("outlet.%i.load.on", f"{R_CTL}.4.%i", 1, each=(OUTLETS,)),
    Command("outlet.%i.load.off", f"{R_CTL}.4.%i", 2, each=(OUTLETS,)),
    Command("outlet.%i.load.cycle", f"{R_CTL}.4.%i", 3, each=(OUTLETS,)),
)

MIB = Mib(
    name="apc_pdu",
    version="0.3",
    description="PowerNet-MIB (rack PDU)",
    device_type="pdu",
    sysoids=(f"{APC}.1.3.4.4", f"{APC}.1.3.4.5", f"{APC}.1.3.4.6"),
    model_oid=f"{IDENT}.4.0",
    variables=_identity + _input + _outlets,
    commands=COMMANDS,
)
