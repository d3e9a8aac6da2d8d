"""``mge``: MGE UPS SYSTEMS MG-SNMP-UPS-MIB (1.3.6.1.4.1.705.1), Eaton Network
Management Cards (NMC) on 9PX, 93E and older MGE UPSes.

Status comes from yes(1)/no(2) flags (on battery, on bypass, low battery, battery to
replace ...).  Tests, timers and the controls are RFC 1628's, which these cards also
serve; the commands are the RFC 1628 ones (:mod:`.ietf`).
"""

from __future__ import annotations

from upskit.drivers.snmp.mibs.ietf import COMMANDS
from upskit.drivers.snmp.table import (
    Index,
    Mib,
    Poll,
    SetType,
    Status,
    Var,
    Writable,
    enum_of,
)

MGE = "1.3.6.1.4.1.705.1"
ID = f"{MGE}.1"         # upsmgIdent
CONF = f"{MGE}.4"       # upsmgConfig
BAT = f"{MGE}.5"        # upsmgBattery
IN = f"{MGE}.6"         # upsmgInput
OUT = f"{MGE}.7"        # upsmgOutput
ENV = f"{MGE}.8"        # upsmgEnviron
IETF = "1.3.6.1.2.1.33.1"
MODEL = f"{ID}.1.0"     # upsmgIdentFamilyName

OUT_PHASES = Index("output.phases", at_least=2)
IN_PHASES = Index("input.phases", at_least=2)


def _flag(oid: str, token: str, kind: Status = Status.POWER) -> Var:
    """A yes(1)/no(2) MGE flag that puts ``token`` in ``ups.status`` when set."""
    return Var("ups.status", oid, poll=Poll.STATUS, status=kind,
               enum=enum_of((1, token), (2, "")))


_ident = (
    Var("ups.mfr", "", default="Eaton"),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{ID}.7.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{ID}.4.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware.aux", f"{MGE}.12.12.0", string=True, poll=Poll.STATIC),
)

_status = (
    # upsmgOutputOnBattery decides OL/OB
    Var("ups.status", f"{OUT}.3.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, "OB"), (2, "OL"))),
    _flag(f"{OUT}.4.0", "BYPASS"),                          # upsmgOutputOnByPass
    _flag(f"{OUT}.7.0", "OFF"),                             # upsmgOutputUtilityOff
    _flag(f"{OUT}.8.0", "BOOST"),                           # upsmgOutputOnBoost
    _flag(f"{OUT}.10.0", "OVER"),                           # upsmgOutputOverLoad
    _flag(f"{OUT}.12.0", "TRIM"),                           # upsmgOutputOnBuck
    _flag(f"{BAT}.11.0", "RB", Status.REPLACE_BATTERY),     # upsmgBatteryReplacement
    _flag(f"{BAT}.14.0", "LB", Status.BATTERY),             # upsmgBatteryLowBattery
    _flag(f"{BAT}.16.0", "LB", Status.BATTERY),             # upsmgBatteryLowCondition
)

_battery = (
    Var("battery.charge", f"{BAT}.2.0", poll=Poll.STATUS),
    Var("battery.runtime", f"{BAT}.1.0", poll=Poll.STATUS),
    Var("battery.voltage", f"{BAT}.5.0", scale=0.1),
    Var("battery.runtime.low", f"{CONF}.7.0", writable=Writable(low=0, high=3600)),
    Var("battery.charge.low", f"{CONF}.8.0", writable=Writable(low=0, high=100)),
)

_input = (
    Var("input.phases", f"{IN}.1.0", poll=Poll.STATIC, default="1"),
    Var("input.voltage", f"{IN}.2.1.2.1", scale=0.1, single_only="input.phases"),
    Var("input.frequency", f"{IN}.2.1.3.1", scale=0.1, single_only="input.phases"),
    Var("input.voltage.minimum", f"{IN}.2.1.4.1", scale=0.1, single_only="input.phases"),
    Var("input.voltage.maximum", f"{IN}.2.1.5.1", scale=0.1, single_only="input.phases"),
    Var("input.current", f"{IN}.2.1.6.1", scale=0.1, single_only="input.phases"),
    Var("input.L%i-N.voltage", f"{IN}.2.1.2.%i", scale=0.1, each=(IN_PHASES,)),
    Var("input.L%i.current", f"{IN}.2.1.6.%i", scale=0.1, each=(IN_PHASES,)),
    # upsmgInputLineFailCause: 1 = no transfer (published empty, as NUT does)
    Var("input.transfer.reason", f"{IN}.4.0",
        enum=enum_of((1, ""), (2, "out of tolerance"), (3, "frequency out of tolerance"),
                     (4, "utility off"))),
)

_output = (
    Var("output.phases", f"{OUT}.1.0", poll=Poll.STATIC),
    Var("output.voltage", f"{OUT}.2.1.2.1", scale=0.1, single_only="output.phases"),
    Var("output.frequency", f"{OUT}.2.1.3.1", scale=0.1, single_only="output.phases"),
    Var("output.current", f"{OUT}.2.1.5.1", scale=0.1, single_only="output.phases"),
    Var("ups.load", f"{OUT}.2.1.4.1", single_only="output.phases"),
    Var("ups.L%i.load", f"{OUT}.2.1.4.%i", each=(OUT_PHASES,)),
    Var("output.L%i-N.voltage", f"{OUT}.2.1.2.%i", scale=0.1, each=(OUT_PHASES,)),
    Var("output.L%i.frequency", f"{OUT}.2.1.3.%i", scale=0.1, each=(OUT_PHASES,)),
    Var("output.L%i.current", f"{OUT}.2.1.5.%i", scale=0.1, each=(OUT_PHASES,)),
    Var("ups.L%i.load", f"{OUT}.2.1.4.%i", each=(OUT_PHASES,)),
)

_environment = (
    Var("ambient.temperature", f"{ENV}.1.0", digits=1),
    # the UPS output as one outlet, "outlet 0" in NUT's naming
    Var("outlet.id", "", default="0"),
    Var("outlet.desc", "", default="Main Outlet"),
    Var("ambient.humidity", f"{ENV}.2.0"),
    Var("ambient.contacts.1.status", f"{ENV}.7.1.9.1", enum=enum_of((1, "closed"),
                                                                    (2, "opened"))),
    Var("ambient.contacts.2.status", f"{ENV}.7.1.10.1", enum=enum_of((1, "closed"),
                                                                     (2, "opened"))),
)

_rfc1628 = (
    Var("ups.beeper.status", f"{IETF}.9.8.0",
        enum=enum_of((1, "disabled"), (2, "enabled"), (3, "muted")),
        writable=Writable(SetType.INTEGER)),
    Var("ups.test.result", f"{IETF}.7.3.0",
        enum=enum_of((1, "done and passed"), (2, "done and warning"), (3, "done and error"),
                     (4, "aborted"), (5, "in progress"), (6, "no test initiated"))),
    Var("ups.timer.shutdown", f"{IETF}.8.2.0"),
    Var("ups.timer.start", f"{IETF}.8.3.0"),
    Var("ups.timer.reboot", f"{IETF}.8.4.0"),
    Var("ups.start.auto", f"{IETF}.8.5.0", enum=enum_of((1, "yes"), (2, "no")),
        writable=Writable(SetType.INTEGER)),
    Var("ups.delay.shutdown", "", default="20", writable=Writable(low=0, high=8640000)),
    Var("ups.delay.start", "", default="30", writable=Writable(low=0, high=8640000)),
)

MIB = Mib(
    name="mge",
    version="0.55",
    description="MGE MG-SNMP-UPS-MIB (Eaton NMC)",
    sysoids=(MGE, f"{MGE}."),
    model_oid=MODEL,
    variables=_ident + _status + _battery + _input + _output + _environment + _rfc1628,
    commands=COMMANDS,
)
