"""``cpqpower``: HP/Compaq CPQPOWER-MIB UPS branch (1.3.6.1.4.1.232.165.3), the
XUPS-like MIB of HP UPS Network Modules (NUT's ``compaq`` table, ``mibs=cpqpower``)."""

from __future__ import annotations

from upskit.drivers.snmp.table import (
    OUTLETS,
    Command,
    Index,
    Mib,
    Poll,
    Status,
    Var,
    Writable,
    enum_of,
)

CPQ = "1.3.6.1.4.1.232.165.3"
ID = f"{CPQ}.1"
BAT = f"{CPQ}.2"
IN = f"{CPQ}.3"
OUT = f"{CPQ}.4"
ENV = f"{CPQ}.6"
TEST = f"{CPQ}.7"
CTRL = f"{CPQ}.8"
CONF = f"{CPQ}.9"
RECEP = f"{CPQ}.10"
MODEL = f"{ID}.2.0"     # upsIdentModel

IN_PHASES = Index("input.phases", at_least=2)
OUT_PHASES = Index("output.phases", at_least=2)

_ident = (
    Var("ups.mfr", f"{ID}.1.0", string=True, poll=Poll.STATIC),
    Var("ups.mfr", "", default="HP/Compaq"),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    Var("ups.serial", "1.3.6.1.4.1.232.165.1.2.7.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{ID}.3.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware.aux", "1.3.6.1.2.1.33.1.1.4.0", string=True, poll=Poll.STATIC),
)

_status = (
    # upsOutputSource
    Var("ups.status", f"{OUT}.5.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, ""), (2, "OFF"), (3, "OL"), (4, "OL BYPASS"), (5, "OB"),
                     (6, "OL BOOST"), (7, "OL TRIM"), (8, "OL"), (9, "OL"), (10, "OL"))),
    # upsBatteryAbmStatus
    Var("ups.status", f"{BAT}.5.0", poll=Poll.STATUS, status=Status.BATTERY,
        enum=enum_of((1, "CHRG"), (2, "DISCHRG"), (3, ""), (4, ""), (5, ""))),
    Var("ups.type", f"{OUT}.5.0", enum=enum_of(
        (3, "normal"), (8, "parallel capacity"), (9, "parallel redundancy"),
        (10, "high efficiency"))),
)

_values = (
    Var("battery.charge", f"{BAT}.4.0", poll=Poll.STATUS),
    # upsEstimatedMinutesRemaining holds seconds on these modules (NUT reads it so)
    Var("battery.runtime", f"{BAT}.1.0", poll=Poll.STATUS),
    Var("battery.voltage", f"{BAT}.2.0", scale=0.1),
    Var("battery.current", f"{BAT}.3.0", scale=0.1),
    Var("input.phases", f"{IN}.3.0", poll=Poll.STATIC, default="1"),
    Var("input.frequency", f"{IN}.1.0", scale=0.1),
    Var("input.quality", f"{IN}.2.0"),
    Var("input.voltage", f"{IN}.4.1.2.1"),
    Var("input.current", f"{IN}.4.1.3.1", scale=0.1),
    Var("input.realpower", f"{IN}.4.1.4.1", scale=0.1),
    Var("input.L%i-N.voltage", f"{IN}.4.1.2.%i", each=(IN_PHASES,)),
    Var("input.L%i.current", f"{IN}.4.1.3.%i", scale=0.1, each=(IN_PHASES,)),
    Var("input.L%i.realpower", f"{IN}.4.1.4.%i", scale=0.1, each=(IN_PHASES,)),
    Var("input.voltage.nominal", f"{CONF}.2.0", poll=Poll.STATIC),
    Var("output.phases", f"{OUT}.3.0", poll=Poll.STATIC),
    Var("output.frequency", f"{OUT}.2.0", scale=0.1),
    Var("output.frequency.nominal", f"{CONF}.4.0", scale=0.1, poll=Poll.STATIC),
    Var("output.voltage", f"{OUT}.4.1.2.1"),
    Var("output.current", f"{OUT}.4.1.3.1", scale=0.1),
    Var("output.voltage.nominal", f"{CONF}.1.0", poll=Poll.STATIC),
    Var("output.L%i-N.voltage", f"{OUT}.4.1.2.%i", each=(OUT_PHASES,)),
    Var("output.L%i.current", f"{OUT}.4.1.3.%i", scale=0.1, each=(OUT_PHASES,)),
    Var("ups.load", f"{OUT}.1.0"),
    Var("ups.realpower", f"{OUT}.4.1.4.1"),
    Var("ups.realpower", f"{CONF}.3.0"),
    Var("ambient.temperature", f"{ENV}.1.0"),
    Var("ambient.temperature.low", f"{ENV}.2.0"),
    Var("ambient.temperature.high", f"{ENV}.3.0"),
    Var("ups.test.result", f"{TEST}.2.0",
        enum=enum_of((1, "Unknown"), (2, "Done and passed"), (3, "Done and error"),
                     (4, "In progress"), (5, "Not supported"), (6, "Inhibited"),
                     (7, "Scheduled"))),
    # upsControlOutputOffDelay / OnDelay: a countdown when running, the delay to use
    Var("ups.timer.shutdown", f"{CTRL}.1.0"),
    Var("ups.timer.start", f"{CTRL}.2.0"),
    Var("ups.delay.shutdown", "", default="20", writable=Writable(low=0, high=7200)),
    Var("ups.delay.start", "", default="30", writable=Writable(low=0, high=7200)),
    Var("outlet.id", "", default="0"),     # the whole output, NUT's "outlet 0"
    Var("outlet.desc", "", default="All outlets"),
    Var("outlet.count", f"{RECEP}.1.0", poll=Poll.STATIC, default="0"),
    Var("outlet.%i.status", f"{RECEP}.2.1.2.%i", each=(OUTLETS,), enum=enum_of(
        (1, "on"), (2, "off"), (3, "pendingOff"), (4, "pendingOn"), (5, "unknown"))),
)

COMMANDS = (
    # 0 cancels a countdown: "off now" is one second
    Command("load.off", f"{CTRL}.1.0", 1),
    Command("load.on", f"{CTRL}.2.0", 1),
    Command("shutdown.stop", f"{CTRL}.1.0", 0),
    Command("load.off.delay", f"{CTRL}.1.0", 20, value_from="ups.delay.shutdown"),
    Command("load.on.delay", f"{CTRL}.2.0", 30, value_from="ups.delay.start"),
    Command("shutdown.reboot", f"{CTRL}.6.0", 0),          # upsControlOutputOffAsDelay
    Command("test.battery.start", f"{TEST}.1.0", 1),       # upsTestBattery: startTest
    Command("outlet.%i.load.off", f"{RECEP}.2.1.3.%i", 0, each=(OUTLETS,)),
    Command("outlet.%i.load.on", f"{RECEP}.2.1.4.%i", 0, each=(OUTLETS,)),
    Command("outlet.%i.load.cycle", f"{RECEP}.2.1.7.%i", 0, each=(OUTLETS,)),
)

MIB = Mib(
    name="cpqpower",
    version="1.66",
    description="HP/Compaq CPQPOWER-MIB (UPS)",
    sysoids=(CPQ,),
    model_oid=MODEL,
    variables=_ident + _status + _values,
    commands=COMMANDS,
)
