"""``cyberpower``: CyberPower CPS-MIB (1.3.6.1.4.1.3808.1.1.1), RMCARD 2xx/3xx cards.

The cards' ``sysObjectID`` varies (``3808.1.1.1``, ``3808.1.1.3`` ...), and some
other vendors' cards (PowerWalker) reuse CyberPower's while speaking RFC 1628 only:
the table is chosen by sysObjectID only when its model OID answers as well.
"""

from __future__ import annotations

from upskit.drivers.snmp.table import Command, Mib, Poll, Status, Var, Writable, enum_of

CPS = "1.3.6.1.4.1.3808.1.1.1"
ID = f"{CPS}.1"
BAT = f"{CPS}.2"
IN = f"{CPS}.3"
OUT = f"{CPS}.4"
CONF = f"{CPS}.5"
CTRL = f"{CPS}.6"
TEST = f"{CPS}.7"
MODEL = f"{ID}.1.1.0"   # upsBaseIdentModel

_ident = (
    Var("ups.mfr", "", default="CYBERPOWER"),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{ID}.2.3.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{ID}.2.1.0", string=True, poll=Poll.STATIC),
    Var("ups.mfr.date", f"{ID}.2.2.0", string=True, poll=Poll.STATIC),
)

_status = (
    # upsBaseOutputStatus
    Var("ups.status", f"{OUT}.1.1.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, ""), (2, "OL"), (3, "OB"), (4, "OL BOOST"), (5, "OFF"),
                     (6, "OFF"), (7, ""), (8, "OL BYPASS"))),
    # upsBaseBatteryStatus
    Var("ups.status", f"{BAT}.1.1.0", poll=Poll.STATUS, status=Status.BATTERY,
        enum=enum_of((1, ""), (2, ""), (3, "LB"))),
    # upsAdvanceTestCalibrationResults
    Var("ups.status", f"{TEST}.2.7.0", poll=Poll.STATUS, status=Status.CALIBRATION,
        enum=enum_of((1, ""), (2, ""), (3, "CAL"))),
    # upsAdvanceBatteryReplaceIndicator
    Var("ups.status", f"{BAT}.2.5.0", poll=Poll.STATUS, status=Status.REPLACE_BATTERY,
        enum=enum_of((1, ""), (2, "RB"))),
)

_values = (
    Var("battery.charge", f"{BAT}.2.1.0", poll=Poll.STATUS),
    # upsAdvanceBatteryRunTimeRemaining: TimeTicks
    Var("battery.runtime", f"{BAT}.2.4.0", convert="ticks", poll=Poll.STATUS),
    Var("battery.runtime.elapsed", f"{BAT}.1.2.0", convert="ticks"),
    Var("battery.voltage", f"{BAT}.2.2.0", scale=0.1),
    Var("battery.voltage.nominal", f"{BAT}.2.8.0", poll=Poll.STATIC),
    Var("battery.current", f"{BAT}.2.7.0", scale=0.1),
    Var("battery.temperature", f"{BAT}.2.3.0"),
    Var("input.voltage", f"{IN}.2.1.0", scale=0.1),
    Var("input.frequency", f"{IN}.2.4.0", scale=0.1),
    Var("output.voltage", f"{OUT}.2.1.0", scale=0.1),
    Var("output.frequency", f"{OUT}.2.2.0", scale=0.1),
    Var("output.current", f"{OUT}.2.4.0", scale=0.1),
    Var("ups.load", f"{OUT}.2.3.0"),
    # upsAdvanceConfigReturnDelay / ShutdownDelay: seconds
    Var("ups.delay.start", f"{CONF}.2.9.0", writable=Writable(low=0, high=3600)),
    Var("ups.delay.shutdown", f"{CONF}.2.11.0", writable=Writable(low=0, high=3600)),
)

COMMANDS = (
    Command("load.off", f"{CTRL}.2.1.0", 2),            # upsAdvanceControlUpsOff
    Command("shutdown.stayoff", f"{CTRL}.2.1.0", 2),
    Command("load.on", f"{CTRL}.2.6.0", 2),             # upsAdvanceControlTurnOnUPS
    Command("shutdown.return", f"{CTRL}.1.1.0", 2),     # upsBaseControlConserveBattery
    Command("test.failure.start", f"{CTRL}.2.4.0", 2),  # upsAdvanceControlSimulatePowerFail
    Command("test.panel.start", f"{TEST}.2.5.0", 2),    # upsAdvanceTestIndicators
    Command("test.battery.start", f"{TEST}.2.2.0", 2),  # upsAdvanceTestDiagnostics
    Command("calibrate.start", f"{TEST}.2.6.0", 2),     # upsAdvanceTestRuntimeCalibration
    Command("calibrate.stop", f"{TEST}.2.6.0", 3),
)

MIB = Mib(
    name="cyberpower",
    version="0.51",
    description="CyberPower CPS-MIB",
    sysoids=("1.3.6.1.4.1.3808.1.1.1", "1.3.6.1.4.1.3808.1.1."),
    model_oid=MODEL,
    variables=_ident + _status + _values,
    commands=COMMANDS,
)
