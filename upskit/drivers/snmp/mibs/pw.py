"""``pw``: Eaton/Powerware XUPS-MIB (1.3.6.1.4.1.534.1), ConnectUPS and Network-M2 cards.

The cards speak RFC 1628 as well; a few identity and configuration values NUT reads
from there (serial number, auxiliary firmware, nominal power, low-runtime setting,
auto-restart), and so does this table.  Alarms come from ``xupsAlarmTable``, whose
``xupsAlarmDescr`` column names one of the well-known alarms under ``xupsAlarms``.
"""

from __future__ import annotations

from upskit.drivers.snmp.table import (
    OUTLETS,
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

XUPS = "1.3.6.1.4.1.534.1"
ID = f"{XUPS}.1"
BAT = f"{XUPS}.2"
IN = f"{XUPS}.3"
OUT = f"{XUPS}.4"
BYP = f"{XUPS}.5"
ENV = f"{XUPS}.6"
ALARM = f"{XUPS}.7"
TEST = f"{XUPS}.8"
CTRL = f"{XUPS}.9"
CONF = f"{XUPS}.10"
RECEP = f"{XUPS}.12"
TOPO = f"{XUPS}.13"
IETF = "1.3.6.1.2.1.33.1"
MODEL = f"{ID}.2.0"     # xupsIdentModel

IN_PHASES = Index("input.phases", at_least=2)
#: the card's two dry contacts
_CONTACTS = Index(2)
OUT_PHASES = Index("output.phases", at_least=2)

_PHASE_WORDS = ("Single Phase", "Two Phase", "Three Phase")
_TOPOLOGIES: tuple[tuple[int | str, str], ...] = (
    (0x00, ""), (0x10, "Off-line switcher, Single Phase"),
    *((family + n, f"{kind}, {_PHASE_WORDS[n]}")
      for family, kind in ((0x20, "Line-Interactive UPS"),
                           (0x30, "Dual AC Input, On-Line UPS"),
                           (0x40, "On-Line UPS"),
                           (0x50, "Parallel Redundant On-Line UPS"),
                           (0x60, "Parallel for Capacity On-Line UPS"))
      for n in range(3)),
)

_ident = (
    Var("ups.mfr", f"{ID}.1.0", string=True, poll=Poll.STATIC),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{ID}.3.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware.aux", f"{IETF}.1.4.0", string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{IETF}.1.5.0", string=True, poll=Poll.STATIC),
    # xupsTopologyType: the BCM/XCP topology codes (hexadecimal families)
    Var("ups.type", f"{TOPO}.1.0", poll=Poll.STATIC, enum=enum_of(*_TOPOLOGIES)),
    Var("ups.realpower.nominal", f"{CONF}.3.0", poll=Poll.STATIC),
    Var("ups.power.nominal", f"{IETF}.9.5.0", poll=Poll.STATIC),
)

#: xupsBatteryAbmStatus as charger words and as status tokens
_ABM = ((1, "charging", "CHRG"), (2, "discharging", "DISCHRG"), (3, "floating", ""),
        (4, "resting", ""), (5, "unknown", ""), (6, "disconnected", ""),
        (7, "under test", ""), (8, "check battery", ""))

_status = (
    # xupsOutputSource
    Var("ups.status", f"{OUT}.5.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, ""), (2, "OFF"), (3, "OL"), (4, "OL BYPASS"), (5, "OB"),
                     (6, "OL BOOST"), (7, "OL TRIM"), (8, "OL"), (9, "OL"), (10, "OL"),
                     (11, "OL BYPASS"), (12, "OL"))),
    Var("ups.status", f"{BAT}.5.0", poll=Poll.STATUS, status=Status.BATTERY,
        enum=enum_of(*((n, token) for n, _, token in _ABM))),
)

_battery = (
    Var("battery.charge", f"{BAT}.4.0", poll=Poll.STATUS),
    Var("battery.runtime", f"{BAT}.1.0", poll=Poll.STATUS),
    Var("battery.voltage", f"{BAT}.2.0"),
    Var("battery.current", f"{BAT}.3.0"),
    Var("battery.charger.status", f"{BAT}.5.0",
        enum=enum_of(*((n, word) for n, word, _ in _ABM))),
    Var("battery.date", f"{BAT}.6.0", convert="date_mdy_iso", poll=Poll.STATIC),
    Var("battery.runtime.low", f"{IETF}.9.7.0", scale=60,
        writable=Writable(low=0, high=3600)),
)

_input = (
    Var("input.phases", f"{IN}.3.0", poll=Poll.STATIC, default="1"),
    Var("input.frequency", f"{IN}.1.0", scale=0.1),
    Var("input.voltage", f"{IN}.4.1.2.1"),
    Var("input.current", f"{IN}.4.1.3.1"),
    Var("input.realpower", f"{IN}.4.1.4.1"),
    Var("input.voltage.nominal", f"{CONF}.2.0", poll=Poll.STATIC),
    Var("input.L%i-N.voltage", f"{IN}.4.1.2.%i", each=(IN_PHASES,)),
    Var("input.L%i.current", f"{IN}.4.1.3.%i", each=(IN_PHASES,)),
    Var("input.bypass.frequency", f"{BYP}.1.0", scale=0.1),
    Var("input.bypass.voltage", f"{BYP}.3.1.2.1"),
)

_output = (
    Var("output.phases", f"{OUT}.3.0", poll=Poll.STATIC, default="1"),
    Var("ups.load", f"{OUT}.1.0"),
    Var("output.frequency", f"{OUT}.2.0", scale=0.1),
    Var("output.voltage", f"{OUT}.4.1.2.1"),
    Var("output.current", f"{OUT}.4.1.3.1"),
    Var("output.realpower", f"{OUT}.4.1.4.1"),
    Var("ups.power", f"{OUT}.4.1.4.1"),
    Var("output.L%i-N.voltage", f"{OUT}.4.1.2.%i", each=(OUT_PHASES,)),
    Var("output.L%i.current", f"{OUT}.4.1.3.%i", each=(OUT_PHASES,)),
    Var("output.L%i.realpower", f"{OUT}.4.1.4.%i", each=(OUT_PHASES,)),
    Var("output.voltage.nominal", f"{CONF}.1.0", poll=Poll.STATIC),
    Var("output.frequency.nominal", f"{CONF}.4.0", scale=0.1, poll=Poll.STATIC),
    Var("output.realpower.nominal", f"{CONF}.3.0", poll=Poll.STATIC),
    Var("output.voltage.low", f"{CONF}.6.0"),
    Var("output.voltage.high", f"{CONF}.7.0"),
)

_environment = (
    Var("ups.temperature", f"{ENV}.1.0"),
    Var("ambient.temperature", f"{ENV}.5.0", digits=1),             # xupsEnvRemoteTemp
    Var("ups.temperature.low", f"{ENV}.2.0"),
    Var("ups.temperature.high", f"{ENV}.3.0"),
    Var("ambient.humidity", f"{ENV}.6.0"),
    Var("ambient.temperature.low", f"{ENV}.9.0"),
    Var("ambient.temperature.high", f"{ENV}.10.0"),
    Var("ambient.humidity.low", f"{ENV}.11.0"),
    Var("ambient.humidity.high", f"{ENV}.12.0"),
    # xupsContactSenseTable: the card's own dry contacts
    Var("ambient.contacts.%i.name", f"{ENV}.8.1.4.%i", string=True, each=(_CONTACTS,)),
    Var("ambient.contacts.%i.status", f"{ENV}.8.1.3.%i", each=(_CONTACTS,),
        enum=enum_of((1, "opened"), (2, "closed"), (3, "opened"), (4, "closed"))),
)

#: EATON-SENSOR-MIB (1.3.6.1.4.1.534.6.8.1): the first EMP probe on Network-M2 cards
_SENSOR = "1.3.6.1.4.1.534.6.8.1"
_LEVEL = enum_of((0, "good"), (1, "warning-low"), (2, "critical-low"), (3, "warning-high"),
                 (4, "critical-high"))
_emp = (
    Var("ambient.count", f"{_SENSOR}.1.1.0"),
    Var("ambient.1.present", f"{_SENSOR}.1.4.1.1.1", enum=enum_of((1, "no"), (2, "yes"))),
    Var("ambient.1.name", f"{_SENSOR}.1.3.1.1.1", string=True, poll=Poll.STATIC),
    *(Var(f"ambient.1.{name}", f"{_SENSOR}.1.2.1.{column}.1", string=True,
          poll=Poll.STATIC)
      for name, column in (("id", 2), ("address", 4), ("mfr", 6), ("model", 7),
                           ("serial", 9), ("firmware", 10))),
    Var("ambient.1.temperature.unit", f"{_SENSOR}.2.5.0",
        enum=enum_of((0, "kelvin"), (1, "celsius"), (2, "fahrenheit"))),
    Var("ambient.1.temperature", f"{_SENSOR}.2.3.1.3.1.1", scale=0.1),
    Var("ambient.1.temperature.status", f"{_SENSOR}.2.3.1.1.1.1", enum=_LEVEL),
    Var("ambient.1.humidity", f"{_SENSOR}.3.3.1.3.1.1", scale=0.1),
    Var("ambient.1.humidity.status", f"{_SENSOR}.3.3.1.1.1.1", enum=_LEVEL),
    *(Var(f"ambient.1.{kind}.{limit}", f"{_SENSOR}.{branch}.2.1.{column}.1.1", scale=0.1)
      for kind, branch in (("temperature", 2), ("humidity", 3))
      for limit, column in (("low.warning", 5), ("low.critical", 6), ("high.warning", 7),
                            ("high.critical", 8))),
    Var("ambient.1.contacts.%i.name", f"{_SENSOR}.4.2.1.1.1.%i", string=True,
        each=(_CONTACTS,)),
    Var("ambient.1.contacts.%i.config", f"{_SENSOR}.4.2.1.3.1.%i", each=(_CONTACTS,),
        enum=enum_of((0, "normal-opened"), (1, "normal-closed"))),
    Var("ambient.1.contacts.%i.status", f"{_SENSOR}.4.3.1.3.1.%i", each=(_CONTACTS,),
        enum=enum_of((0, "inactive"), (1, "active"))),
)

_tests_and_settings = (
    Var("ups.test.result", f"{TEST}.2.0",
        enum=enum_of((1, "Unknown"), (2, "Done and passed"), (3, "Done and error"),
                     (4, "In progress"), (5, "Not supported"), (6, "Inhibited"),
                     (7, "Scheduled"))),
    Var("ups.start.auto", f"{IETF}.8.5.0", enum=enum_of((1, "yes"), (2, "no")),
        writable=Writable(SetType.INTEGER)),
    Var("ups.delay.shutdown", "", default="120", writable=Writable(low=0, high=7200)),
    Var("ups.delay.start", "", default="1", writable=Writable(low=0, high=7200)),
    Var("outlet.id", "", default="0"),     # the whole output, NUT's "outlet 0"
    Var("outlet.count", f"{RECEP}.1.0", poll=Poll.STATIC),
    Var("outlet.switchable", f"{CTRL}.7.0", enum=enum_of((1, "yes"), (2, "no"))),
    Var("outlet.%i.id", f"{RECEP}.2.1.1.%i", each=(OUTLETS,), poll=Poll.STATIC),
    Var("outlet.%i.status", f"{RECEP}.2.1.2.%i", each=(OUTLETS,),
        enum=enum_of((1, "on"), (2, "off"), (3, "on"), (4, "off"), (5, "unknown"))),
)


def _alarm(number: int, text: str, status: str = "") -> Alarm:
    return Alarm(f"{ALARM}.{number}", text, status)


#: xupsAlarmDescr values: the well-known alarms (xupsAlarms.N)
ALARMS = AlarmColumn(f"{ALARM}.2.1.2", (
    _alarm(3, "", "OB"),                     # xupsOnBattery
    _alarm(4, "", "LB"),                     # xupsLowBattery
    _alarm(7, "Output overload", "OVER"),    # xupsOutputOverload
    _alarm(8, "Internal failure"),           # xupsInternalFailure
    _alarm(9, "Battery discharged"),         # xupsBatteryDischarged
    _alarm(10, "Inverter failure"),          # xupsInverterFailure
    _alarm(11, "", "BYPASS"),                # xupsOnBypass
    _alarm(12, "Bypass not available"),      # xupsBypassNotAvailable
    _alarm(13, "", "OFF"),                   # xupsOutputOff
    _alarm(14, "Input failure"),             # xupsInputFailure
    _alarm(16, "Shutdown imminent"),         # xupsShutdownImminent
    _alarm(27, "Shutdown pending"),          # xupsUpsShutdownPending
), count_oid=f"{ALARM}.1.0")                 # xupsAlarms: rows present

COMMANDS = (
    Command("test.battery.start", f"{TEST}.1.0", 1),             # xupsTestBattery: startTest
    Command("test.battery.start.quick", f"{TEST}.1.0", 1),       # NUT's name for it
    # xupsControlOutputOffDelay / OnDelay: seconds until off / on; 0 cancels, so "now"
    # is one second
    Command("load.off", f"{CTRL}.1.0", 1),
    Command("load.on", f"{CTRL}.2.0", 1),
    Command("shutdown.stop", f"{CTRL}.1.0", 0),
    Command("load.off.delay", f"{CTRL}.1.0", 120, value_from="ups.delay.shutdown"),
    Command("load.on.delay", f"{CTRL}.2.0", 1, value_from="ups.delay.start"),
    # xupsLoadShedSecsWithRestart: off after the delay, on again with the mains
    Command("shutdown.return", f"{CTRL}.6.0", 120, value_from="ups.delay.shutdown"),
    Command("shutdown.stayoff", f"{CTRL}.1.0", 120, value_from="ups.delay.shutdown"),
    Command("outlet.%i.load.off", f"{RECEP}.2.1.3.%i", 0, each=(OUTLETS,)),
    Command("outlet.%i.load.on", f"{RECEP}.2.1.4.%i", 0, each=(OUTLETS,)),
)

VARIABLES = (_ident + _status + _battery + _input + _output + _environment + _emp
             + _tests_and_settings)

MIB = Mib(
    name="pw",
    version="0.104",
    description="Eaton XUPS-MIB (Powerware)",
    sysoids=(XUPS, f"{XUPS}."),
    model_oid=MODEL,
    variables=VARIABLES,
    commands=COMMANDS,
    alarms=(ALARMS,),
)
