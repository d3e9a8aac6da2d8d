"""``apcc``: APC PowerNet-MIB UPS branch (1.3.6.1.4.1.318.1.1.1), Network Management Cards.

Most values exist twice: a "basic"/"adv" whole-unit OID and a "high precision"
(tenths) OID on newer cards; the precise one is listed first, so it wins when the
card has it.  The card's own ``sysObjectID`` names the card (``318.1.3.N``), not the
UPS, so the APC prefix selects this table only when the UPS model OID answers too
(the PDU and ATS tables of the same vendor have their own model OIDs).
"""

from __future__ import annotations

from upskit.drivers.snmp.table import (
    Command,
    Index,
    Mib,
    Poll,
    SetType,
    Status,
    Var,
    Writable,
    enum_of,
)

APC = "1.3.6.1.4.1.318"
UPS = f"{APC}.1.1.1"
ID = f"{UPS}.1"         # upsIdent
BAT = f"{UPS}.2"        # upsBattery
IN = f"{UPS}.3"         # upsInput
OUT = f"{UPS}.4"        # upsOutput
CONF = f"{UPS}.5"       # upsConfig
CTRL = f"{UPS}.6"       # upsControl
TEST = f"{UPS}.7"       # upsTest
PHASE = f"{UPS}.9"      # upsPhase (three-phase Symmetra)
MODEL = f"{ID}.1.1.0"   # upsBasicIdentModel

#: phase rows: the index runs 1..3 in the OID's last position
_LINES = Index(3)
_PAIRS = ("L1-L2", "L2-L3", "L3-L1")

_ident = (
    Var("ups.mfr", "", default="APC"),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{ID}.2.3.0", string=True, poll=Poll.STATIC),
    Var("ups.mfr.date", f"{ID}.2.2.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{ID}.2.1.0", string=True, poll=Poll.STATIC),
    Var("ups.id", f"{ID}.1.2.0", string=True, poll=Poll.STATIC,
        writable=Writable(SetType.STRING, 8)),
)

_status = (
    # upsBasicOutputStatus
    Var("ups.status", f"{OUT}.1.1.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, ""), (2, "OL"), (3, "OB"), (4, "OL BOOST"), (5, "OFF"),
                     (6, "OFF"), (7, "OFF"), (8, ""), (9, "OL BYPASS"), (10, "OL BYPASS"),
                     (11, "OFF"), (12, "OL TRIM"), (13, "OL"), (14, "OL"), (15, "OB"))),
    # upsBasicBatteryStatus
    Var("ups.status", f"{BAT}.1.1.0", poll=Poll.STATUS, status=Status.BATTERY,
        enum=enum_of((1, ""), (2, ""), (3, "LB"), (4, ""))),
    # upsAdvTestCalibrationResults: 3 = in progress
    Var("ups.status", f"{TEST}.2.6.0", poll=Poll.STATUS, status=Status.CALIBRATION,
        enum=enum_of((1, ""), (2, ""), (3, "CAL"))),
    # upsAdvBatteryReplaceIndicator
    Var("ups.status", f"{BAT}.2.4.0", poll=Poll.STATUS, status=Status.REPLACE_BATTERY,
        enum=enum_of((1, ""), (2, "RB"))),
)

_battery = (
    Var("battery.charge", f"{BAT}.3.1.0", scale=0.1, poll=Poll.STATUS, neg_invalid=True),
    Var("battery.charge", f"{BAT}.2.1.0", poll=Poll.STATUS),
    # upsAdvBatteryRunTimeRemaining: TimeTicks
    Var("battery.runtime", f"{BAT}.2.3.0", convert="ticks", poll=Poll.STATUS),
    Var("battery.voltage", f"{BAT}.3.4.0", scale=0.1, neg_invalid=True),
    Var("battery.voltage", f"{BAT}.2.8.0"),
    Var("battery.voltage.nominal", f"{BAT}.2.7.0", poll=Poll.STATIC),
    Var("battery.current", f"{BAT}.3.5.0", scale=0.1),
    Var("battery.current", f"{BAT}.2.9.0"),
    Var("battery.current.total", f"{BAT}.3.6.0", scale=0.1),
    Var("battery.packs", f"{BAT}.2.5.0"),
    Var("battery.packs.bad", f"{BAT}.2.6.0"),
    Var("battery.date", f"{BAT}.1.3.0", string=True, poll=Poll.STATIC,
        writable=Writable(SetType.STRING, 8)),
    Var("battery.charge.restart", f"{CONF}.2.6.0", writable=Writable(low=0, high=100)),
    # upsAdvConfigLowBatteryRunTime: TimeTicks (hundredths), written back as TimeTicks
    Var("battery.runtime.low", f"{CONF}.2.8.0", scale=0.01, digits=0,
        writable=Writable(SetType.TIMETICKS, low=0, high=7200)),
    Var("ups.temperature", f"{BAT}.3.2.0", scale=0.1),
    Var("ups.temperature", f"{BAT}.2.2.0"),
)

_input = (
    Var("input.voltage", f"{IN}.3.1.0", scale=0.1, neg_invalid=True),
    Var("input.voltage", f"{IN}.2.1.0"),
    Var("input.voltage.maximum", f"{IN}.3.2.0", scale=0.1, neg_invalid=True),
    Var("input.voltage.maximum", f"{IN}.2.2.0"),
    Var("input.voltage.minimum", f"{IN}.3.3.0", scale=0.1, neg_invalid=True),
    Var("input.voltage.minimum", f"{IN}.2.3.0"),
    Var("input.frequency", f"{PHASE}.2.2.1.4.1", scale=0.1, neg_invalid=True),
    Var("input.frequency", f"{IN}.3.4.0", scale=0.1, neg_invalid=True),
    Var("input.frequency", f"{IN}.2.4.0"),
    Var("input.phases", f"{PHASE}.2.2.1.2.1", poll=Poll.STATIC),
    Var("input.transfer.low", f"{CONF}.2.3.0", writable=Writable(low=0, high=300)),
    Var("input.transfer.high", f"{CONF}.2.2.0", writable=Writable(low=0, high=300)),
    Var("input.transfer.reason", f"{IN}.2.5.0",
        enum=enum_of((1, "noTransfer"), (2, "highLineVoltage"), (3, "brownout"),
                     (4, "blackout"), (5, "smallMomentarySag"), (6, "deepMomentarySag"),
                     (7, "smallMomentarySpike"), (8, "largeMomentarySpike"),
                     (9, "selfTest"), (10, "rateOfVoltageChange"))),
    Var("input.sensitivity", f"{CONF}.2.7.0",
        enum=enum_of((1, "auto"), (2, "low"), (3, "medium"), (4, "high")),
        writable=Writable(SetType.INTEGER)),
    # upsPhaseInputTable, first input: line-to-line voltages and line currents
    *(Var(f"input.{pair}.voltage{suffix}", f"{PHASE}.2.3.1.{column}.1.1.{n}",
          neg_invalid=True)
      for n, pair in enumerate(_PAIRS, 1)
      for column, suffix in ((3, ""), (4, ".maximum"), (5, ".minimum"))),
    Var("input.L%i.current", f"{PHASE}.2.3.1.6.1.1.%i", scale=0.1, neg_invalid=True,
        each=(_LINES,)),
)

_output = (
    Var("output.voltage", f"{OUT}.3.1.0", scale=0.1),
    Var("output.voltage", f"{OUT}.2.1.0"),
    Var("output.frequency", f"{PHASE}.3.2.1.4.1", scale=0.1, neg_invalid=True),
    Var("output.frequency", f"{OUT}.3.2.0", scale=0.1, neg_invalid=True),
    Var("output.frequency", f"{OUT}.2.2.0"),
    Var("output.current", f"{OUT}.3.4.0", scale=0.1, neg_invalid=True),
    Var("output.current", f"{OUT}.2.4.0"),
    Var("output.phases", f"{PHASE}.3.2.1.2.1", poll=Poll.STATIC),
    Var("output.voltage.nominal", f"{CONF}.2.1.0", writable=Writable(low=0, high=300)),
    Var("ups.load", f"{OUT}.3.3.0", scale=0.1, neg_invalid=True),
    Var("ups.load", f"{OUT}.2.3.0"),
    Var("ups.realpower", f"{OUT}.2.8.0"),
    Var("ups.power", f"{OUT}.2.9.0"),
    *(Var(f"output.{pair}.voltage", f"{PHASE}.3.3.1.3.1.1.{n}", neg_invalid=True)
      for n, pair in enumerate(_PAIRS, 1)),
    Var("output.L%i.current", f"{PHASE}.3.3.1.4.1.1.%i", scale=0.1, neg_invalid=True,
        each=(_LINES,)),
    Var("output.L%i.power", f"{PHASE}.3.3.1.7.1.1.%i", neg_invalid=True, each=(_LINES,)),
    Var("output.L%i.power.percent", f"{PHASE}.3.3.1.10.1.1.%i", neg_invalid=True,
        each=(_LINES,)),
)

_settings_and_tests = (
    # upsAdvConfigShutoffDelay / ReturnDelay: TimeTicks on the wire
    Var("ups.delay.shutdown", f"{CONF}.2.10.0", scale=0.01, digits=0,
        writable=Writable(SetType.TIMETICKS, low=0, high=7200)),
    Var("ups.delay.start", f"{CONF}.2.9.0", scale=0.01, digits=0,
        writable=Writable(SetType.TIMETICKS, low=0, high=7200)),
    # upsAdvConfigAlarm: timed(1), atLowBattery(2), never(3), mute(4)
    Var("ups.beeper.status", f"{CONF}.2.4.0",
        enum=enum_of((1, "enabled"), (2, "enabled"), (3, "disabled"), (4, "muted")),
        writable=Writable(SetType.INTEGER)),
    Var("ups.test.result", f"{TEST}.2.3.0",
        enum=enum_of((1, "Ok"), (2, "Failed"), (3, "InvalidTest"), (4, "TestInProgress"))),
    Var("ups.test.date", f"{TEST}.2.4.0", string=True, poll=Poll.STATIC),
)

_ambient = (
    # upsIntegratedEnvironmentMonitor probe 1, then the Measure-UPS
    Var("ambient.temperature", f"{APC}.1.1.10.2.3.2.1.4.1", digits=1),
    Var("ambient.temperature", f"{APC}.1.1.2.1.1.0"),
    Var("ambient.humidity", f"{APC}.1.1.10.2.3.2.1.6.1"),
    Var("ambient.humidity", f"{APC}.1.1.2.1.2.0"),
)

COMMANDS = (
    Command("load.off", f"{CTRL}.2.1.0", 2),             # upsAdvControlUpsOff: turnUpsOff
    Command("shutdown.stayoff", f"{CTRL}.2.1.0", 3),     # ... turnUpsOffGracefully
    Command("load.on", f"{CTRL}.2.6.0", 2),              # upsAdvControlTurnOnUPS
    # upsBasicControlConserveBattery: off now, back on when the mains return
    Command("shutdown.return", f"{CTRL}.1.1.0", 2),
    Command("shutdown.reboot", f"{CTRL}.2.2.0", 2),      # upsAdvControlRebootShutdownUps
    Command("shutdown.reboot.graceful", f"{CTRL}.2.2.0", 3),
    Command("test.failure.start", f"{CTRL}.2.4.0", 2),   # upsAdvControlSimulatePowerFail
    Command("test.panel.start", f"{CTRL}.2.5.0", 2),     # upsAdvControlFlashAndBeep
    Command("bypass.start", f"{CTRL}.2.7.0", 2),         # upsAdvControlBypassSwitch
    Command("bypass.stop", f"{CTRL}.2.7.0", 3),
    Command("test.battery.start", f"{TEST}.2.2.0", 2),   # upsAdvTestDiagnostics
    Command("calibrate.start", f"{TEST}.2.5.0", 2),      # upsAdvTestRuntimeCalibration
    Command("calibrate.stop", f"{TEST}.2.5.0", 3),
    Command("beeper.enable", f"{CONF}.2.4.0", 1),        # upsAdvConfigAlarm: timed
    Command("beeper.disable", f"{CONF}.2.4.0", 3),       # ... never
    Command("beeper.mute", f"{CONF}.2.4.0", 4),          # ... mute
)

MIB = Mib(
    name="apcc",
    version="1.6",
    description="APC PowerNet-MIB (UPS)",
    sysoids=(f"{APC}.1.3.",),
    model_oid=MODEL,
    variables=_ident + _status + _battery + _input + _output + _settings_and_tests + _ambient,
    commands=COMMANDS,
)
