"""``ietf``: RFC 1628 UPS-MIB (1.3.6.1.2.1.33), the standard every UPS card may speak.

The generic table, tried last by detection; vendor tables built on the same MIB
(Tripp Lite) claim an agent only when their own subtree answers as well.
"""

from __future__ import annotations

from upskit.drivers.snmp.table import (
    Alarm,
    AlarmColumn,
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

UPS = "1.3.6.1.2.1.33"
ID = f"{UPS}.1.1"       # upsIdent
BAT = f"{UPS}.1.2"      # upsBattery
IN = f"{UPS}.1.3"       # upsInput
OUT = f"{UPS}.1.4"      # upsOutput
BYP = f"{UPS}.1.5"      # upsBypass
ALARM = f"{UPS}.1.6"    # upsAlarm
TEST = f"{UPS}.1.7"     # upsTest
CTRL = f"{UPS}.1.8"     # upsControl
CONF = f"{UPS}.1.9"     # upsConfig
WELL_KNOWN_ALARM = f"{ALARM}.3"
WELL_KNOWN_TEST = f"{TEST}.7"

IN_PHASES = Index("input.phases", at_least=2)
OUT_PHASES = Index("output.phases", at_least=2)
BYP_PHASES = Index("input.bypass.phases", at_least=2)

_ident = (
    Var("ups.mfr", f"{ID}.1.0", string=True, poll=Poll.STATIC),
    Var("ups.model", f"{ID}.2.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{ID}.3.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware.aux", f"{ID}.4.0", string=True, poll=Poll.STATIC),
    Var("ups.id", f"{ID}.5.0", string=True, writable=Writable(SetType.STRING, 63)),
)

_battery = (
    Var("ups.status", f"{BAT}.1.0", poll=Poll.STATUS, status=Status.BATTERY,
        enum=enum_of((1, ""), (2, ""), (3, "LB"), (4, "LB"))),
    Var("battery.runtime", f"{BAT}.3.0", scale=60, poll=Poll.STATUS, neg_invalid=True),
    Var("battery.charge", f"{BAT}.4.0", poll=Poll.STATUS, neg_invalid=True),
    Var("battery.voltage", f"{BAT}.5.0", scale=0.1),
    Var("battery.current", f"{BAT}.6.0", scale=0.1),
    Var("battery.temperature", f"{BAT}.7.0"),
)

_input = (
    Var("input.phases", f"{IN}.2.0", poll=Poll.STATIC, default="1"),
    Var("input.frequency", f"{IN}.3.1.2.1", scale=0.1, single_only="input.phases"),
    Var("input.voltage", f"{IN}.3.1.3.1", single_only="input.phases"),
    Var("input.current", f"{IN}.3.1.4.1", scale=0.1, single_only="input.phases"),
    Var("input.realpower", f"{IN}.3.1.5.1", single_only="input.phases"),
    Var("input.L%i.frequency", f"{IN}.3.1.2.%i", scale=0.1, each=(IN_PHASES,)),
    Var("input.L%i-N.voltage", f"{IN}.3.1.3.%i", each=(IN_PHASES,)),
    Var("input.L%i.current", f"{IN}.3.1.4.%i", scale=0.1, each=(IN_PHASES,)),
    Var("input.L%i.realpower", f"{IN}.3.1.5.%i", each=(IN_PHASES,)),
)

_output = (
    Var("ups.status", f"{OUT}.1.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, ""), (2, "OFF"), (3, "OL"), (4, "OL BYPASS"), (5, "OB"),
                     (6, "OL BOOST"), (7, "OL TRIM"))),
    Var("output.frequency", f"{OUT}.2.0", scale=0.1),
    Var("output.phases", f"{OUT}.3.0", poll=Poll.STATIC, default="1"),
    Var("output.voltage", f"{OUT}.4.1.2.1", single_only="output.phases"),
    Var("output.current", f"{OUT}.4.1.3.1", scale=0.1, single_only="output.phases"),
    Var("output.realpower", f"{OUT}.4.1.4.1", single_only="output.phases"),
    Var("ups.load", f"{OUT}.4.1.5.1", single_only="output.phases"),
    Var("output.L%i-N.voltage", f"{OUT}.4.1.2.%i", each=(OUT_PHASES,)),
    Var("output.L%i.current", f"{OUT}.4.1.3.%i", scale=0.1, each=(OUT_PHASES,)),
    Var("output.L%i.realpower", f"{OUT}.4.1.4.%i", each=(OUT_PHASES,)),
    Var("output.L%i.power.percent", f"{OUT}.4.1.5.%i", each=(OUT_PHASES,)),
)

_bypass = (
    Var("input.bypass.frequency", f"{BYP}.1.0", scale=0.1),
    Var("input.bypass.phases", f"{BYP}.2.0", poll=Poll.STATIC, default="1"),
    Var("input.bypass.voltage", f"{BYP}.3.1.2.1"),
    Var("input.bypass.current", f"{BYP}.3.1.3.1", scale=0.1),
    Var("input.bypass.realpower", f"{BYP}.3.1.4.1"),
    Var("input.bypass.L%i-N.voltage", f"{BYP}.3.1.2.%i", each=(BYP_PHASES,)),
)

_test_and_control = (
    Var("ups.test.result", f"{TEST}.3.0",
        enum=enum_of((1, "done and passed"), (2, "done and warning"), (3, "done and error"),
                     (4, "aborted"), (5, "in progress"), (6, "no test initiated"))),
    Var("ups.status", f"{TEST}.1.0", poll=Poll.STATUS, status=Status.CALIBRATION,
        enum=enum_of((f"{WELL_KNOWN_TEST}.5", "CAL"), other="")),
    Var("ups.delay.shutdown", "", default="20",
        writable=Writable(SetType.INTEGER, low=0, high=8640000)),
    Var("ups.delay.start", "", default="30",
        writable=Writable(SetType.INTEGER, low=0, high=8640000)),
    # the agent's own countdowns (-1 or 0 when none runs), as NUT shows them
    Var("ups.timer.shutdown", f"{CTRL}.2.0"),
    Var("ups.timer.start", f"{CTRL}.3.0"),
    Var("ups.timer.reboot", f"{CTRL}.4.0"),
    Var("ups.start.auto", f"{CTRL}.5.0", enum=enum_of((1, "yes"), (2, "no")),
        writable=Writable(SetType.INTEGER)),
)

_config = (
    Var("input.voltage.nominal", f"{CONF}.1.0", poll=Poll.STATIC),
    Var("input.frequency.nominal", f"{CONF}.2.0", scale=0.1, poll=Poll.STATIC),
    Var("output.voltage.nominal", f"{CONF}.3.0", poll=Poll.STATIC),
    Var("output.frequency.nominal", f"{CONF}.4.0", scale=0.1, poll=Poll.STATIC),
    Var("output.power.nominal", f"{CONF}.5.0", poll=Poll.STATIC),
    Var("output.realpower.nominal", f"{CONF}.6.0", poll=Poll.STATIC),
    Var("battery.runtime.low", f"{CONF}.7.0", scale=60,
        writable=Writable(SetType.INTEGER, low=0, high=3600)),
    Var("ups.beeper.status", f"{CONF}.8.0",
        enum=enum_of((1, "disabled"), (2, "enabled"), (3, "muted")),
        writable=Writable(SetType.INTEGER)),
    Var("input.transfer.low", f"{CONF}.9.0", writable=Writable(SetType.INTEGER, low=0, high=500)),
    Var("input.transfer.high", f"{CONF}.10.0",
        writable=Writable(SetType.INTEGER, low=0, high=500)),
)


def _alarm(number: int, text: str, status: str = "") -> Alarm:
    return Alarm(f"{WELL_KNOWN_ALARM}.{number}", text, status)


#: upsAlarmDescr: each row of the alarm table names one of the well-known alarms.  States
#: that are status words (on battery, low battery, on bypass, off) give the word only;
#: faults give ``ups.alarm`` text.
ALARMS = AlarmColumn(f"{ALARM}.2.1.2", (
    _alarm(1, "Battery bad", "RB"),
    _alarm(2, ""),
    _alarm(3, "", "LB"),
    _alarm(4, "Battery depleted", "LB"),
    _alarm(5, "Temperature out of range"),
    _alarm(6, "Input out of tolerance"),
    _alarm(7, "Output out of tolerance"),
    _alarm(8, "Output overload", "OVER"),
    _alarm(9, "", "BYPASS"),
    _alarm(10, "Bypass out of tolerance"),
    _alarm(11, "", "OFF"),
    _alarm(12, "", "OFF"),
    _alarm(13, "Charger failed"),
    _alarm(14, "UPS output off", "OFF"),
    _alarm(15, "UPS system off", "OFF"),
    _alarm(16, "Fan failure"),
    _alarm(17, "Fuse failure"),
    _alarm(18, "General fault"),
    _alarm(19, "Diagnostic test failed"),
    _alarm(20, "Communications lost"),
    _alarm(21, "Awaiting power"),
    _alarm(22, "Shutdown pending"),
    _alarm(23, "Shutdown imminent"),
    _alarm(24, ""),
), count_oid=f"{ALARM}.1.0")

COMMANDS = (
    Command("test.battery.start", f"{TEST}.1.0", f"{WELL_KNOWN_TEST}.3", SetType.OID),
    Command("test.battery.start.quick", f"{TEST}.1.0", f"{WELL_KNOWN_TEST}.4", SetType.OID),
    Command("test.battery.start.deep", f"{TEST}.1.0", f"{WELL_KNOWN_TEST}.5", SetType.OID),
    Command("test.battery.stop", f"{TEST}.1.0", f"{WELL_KNOWN_TEST}.2", SetType.OID),
    Command("load.off", f"{CTRL}.2.0", 0),
    Command("load.on", f"{CTRL}.3.0", 0),
    Command("shutdown.stop", f"{CTRL}.2.0", -1),
    Command("load.off.delay", f"{CTRL}.2.0", 20, value_from="ups.delay.shutdown"),
    Command("load.on.delay", f"{CTRL}.3.0", 30, value_from="ups.delay.start"),
    # upsShutdownAfterDelay: the load returns with the mains when ups.start.auto is yes
    Command("shutdown.return", f"{CTRL}.2.0", 20, value_from="ups.delay.shutdown"),
    # upsRebootWithDuration: off for ups.delay.start seconds, then on again
    Command("shutdown.reboot", f"{CTRL}.4.0", 30, value_from="ups.delay.start"),
    Command("beeper.disable", f"{CONF}.8.0", 1),
    Command("beeper.enable", f"{CONF}.8.0", 2),
    Command("beeper.mute", f"{CONF}.8.0", 3),
)

MIB = Mib(
    name="ietf",
    version="1.0",
    description="RFC 1628 UPS-MIB",
    sysoids=(UPS, f"{UPS}."),
    model_oid=f"{ID}.2.0",  # upsIdentModel: some cards leave the manufacturer out
    variables=_ident + _battery + _input + _output + _bypass + _test_and_control + _config,
    commands=COMMANDS,
    alarms=(ALARMS,),
)
