"""``raritan-px2``: Raritan PX2/PX3 PDUs (PDU2-MIB, 1.3.6.1.4.1.13742.6).

Objects are indexed by the PDU (1 here: a standalone unit), then inlet or outlet, then
the sensor type (``rmsCurrent`` 1, ``rmsVoltage`` 4, ``activePower`` 5,
``apparentPower`` 6, ``powerFactor`` 7).  Outlets are switched by writing
``switchingOperation`` (off 0, on 1, cycle 2); their state is the ``onOff`` sensor's
(on 7, off 8 among the sensor states).
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

PX2 = "1.3.6.1.4.1.13742.6"
NAMEPLATE = f"{PX2}.3.2.1.1"        # nameplateEntry: mfr, model, serial
UNIT = f"{PX2}.3.2.2.1"             # unitConfigurationEntry
OUTLET_CONF = f"{PX2}.3.5.3.1"      # outletConfigurationEntry
INLET = f"{PX2}.5.2.3.1.4.1.1"      # measurementsInletSensorValue.<pdu 1>.<inlet 1>
OUTLET = f"{PX2}.5.4.3.1.4.1"       # measurementsOutletSensorValue.<pdu 1>
SWITCHING = f"{PX2}.4.1.2.1"        # outletSwitchControlEntry

#: sensor states (PDU2-MIB SensorStateEnumeration)
_STATE = enum_of((-1, "unavailable"), (0, "open"), (1, "closed"), (2, "belowLowerCritical"),
                 (3, "belowLowerWarning"), (4, "normal"), (5, "aboveUpperWarning"),
                 (6, "aboveUpperCritical"), (7, "on"), (8, "off"), (9, "detected"),
                 (10, "notDetected"), (11, "alarmed"), (12, "ok"), (13, "marginal"),
                 (14, "fail"), (15, "yes"), (16, "no"), (17, "standby"), (18, "one"),
                 (19, "two"), (20, "inSync"), (21, "outOfSync"))

_identity = (
    Var("device.mfr", f"{NAMEPLATE}.2.1", string=True, poll=Poll.STATIC, default="Raritan"),
    Var("ups.mfr", f"{NAMEPLATE}.2.1", string=True, poll=Poll.STATIC, default="Raritan"),
    Var("ups.model", f"{NAMEPLATE}.3.1", string=True, poll=Poll.STATIC,
        default="Raritan PX2 SNMP PDU device"),
    Var("ups.serial", f"{NAMEPLATE}.4.1", string=True, poll=Poll.STATIC),
    Var("device.macaddr", f"{UNIT}.11.1", string=True, poll=Poll.STATIC),
    Var("device.revision", f"{PX2}.3.2.3.1.4.1.1.1", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{PX2}.3.2.3.1.6.1.1.1", string=True, poll=Poll.STATIC),
    Var("ups.id", f"{UNIT}.13.1", string=True, poll=Poll.STATIC),
)

_input = (
    Var("input.current", f"{INLET}.1", scale=0.1),
    Var("input.voltage", f"{INLET}.4"),
    Var("input.realpower", f"{INLET}.5"),
    Var("input.power", f"{INLET}.6"),
    Var("input.powerfactor", f"{INLET}.7", scale=0.01),
)

_outlets = (
    Var("outlet.count", f"{UNIT}.4.1", poll=Poll.STATIC, default="0"),
    Var("outlet.%i.id", f"{OUTLET_CONF}.2.1.%i", string=True, poll=Poll.STATIC,
        each=(OUTLETS,)),
    Var("outlet.%i.desc", f"{OUTLET_CONF}.3.1.%i", string=True, each=(OUTLETS,),
        writable=Writable(SetType.STRING, 63)),
    Var("outlet.%i.status", f"{SWITCHING}.3.1.%i", poll=Poll.STATUS, enum=_STATE,
        each=(OUTLETS,)),
    Var("outlet.%i.switchable", f"{OUTLET_CONF}.28.1.%i", poll=Poll.STATIC, default="no",
        enum=enum_of((-1, "yes"), (1, "yes"), (2, "no")), each=(OUTLETS,)),
    Var("outlet.%i.current", f"{OUTLET}.%i.1", scale=0.1, each=(OUTLETS,)),
    Var("outlet.%i.voltage", f"{OUTLET}.%i.4", each=(OUTLETS,)),
    Var("outlet.%i.realpower", f"{OUTLET}.%i.5", each=(OUTLETS,)),
    Var("outlet.%i.power", f"{OUTLET}.%i.6", each=(OUTLETS,)),
    Var("outlet.%i.powerfactor", f"{OUTLET}.%i.7", scale=0.01, each=(OUTLETS,)),
)

COMMANDS = (
    Command("outlet.%i.load.off", f"{SWITCHING}.2.1.%i", 0, each=(OUTLETS,)),
    Command("outlet.%i.load.on", f"{SWITCHING}.2.1.%i", 1, each=(OUTLETS,)),
    Command("outlet.%i.load.cycle", f"{SWITCHING}.2.1.%i", 2, each=(OUTLETS,)),
)

MIB = Mib(
    name="raritan-px2",
    version="0.1",
    description="Raritan PDU2-MIB",
    device_type="pdu",
    sysoids=(PX2,),
    model_oid=f"{NAMEPLATE}.3.1",
    variables=_identity + _input + _outlets,
    commands=COMMANDS,
)
