"""``netvision``: Socomec Sicon NET VISION cards (SOCOMECSICON-MIB, 1.3.6.1.4.1.4555.1.1.1),
an RFC 1628 look-alike under Socomec's enterprise number."""

from __future__ import annotations

from upskit.drivers.snmp.table import Index, Mib, Poll, Status, Var, enum_of

NV = "1.3.6.1.4.1.4555.1.1.1.1"
ID = f"{NV}.1"
BAT = f"{NV}.2"
IN = f"{NV}.3"
OUT = f"{NV}.4"
MODEL = f"{ID}.1.0"     # upsIdentModel

IN_PHASES = Index("input.phases", at_least=2)
OUT_PHASES = Index("output.phases", at_least=2)

_rows = (
    # NUT 2.8.0 reads the manufacturer from upsIdentAgentSoftwareVersion; the card's
    # maker is a constant here and that OID is the agent's firmware
    Var("ups.mfr", "", default="SOCOMEC SICON UPS"),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{ID}.3.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware.aux", f"{ID}.2.0", string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{ID}.4.0", string=True, poll=Poll.STATIC),
    Var("ups.status", f"{BAT}.1.0", poll=Poll.STATUS, status=Status.BATTERY,
        enum=enum_of((1, ""), (2, ""), (3, "LB"), (4, "LB"), (5, "DISCHRG"), (6, "RB"))),
    Var("ups.status", f"{OUT}.1.0", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, ""), (2, ""), (3, "OL"), (4, "OL BYPASS"), (5, "OB"),
                     (6, "OL BOOST"), (7, "OL TRIM"), (8, ""), (9, "OL ECO"))),
    Var("battery.charge", f"{BAT}.4.0", poll=Poll.STATUS),
    Var("battery.runtime", f"{BAT}.3.0", scale=60, poll=Poll.STATUS, neg_invalid=True),
    Var("battery.voltage", f"{BAT}.5.0", scale=0.1),
    Var("input.phases", f"{IN}.1.0", poll=Poll.STATIC, default="1"),
    Var("output.phases", f"{OUT}.3.0", poll=Poll.STATIC, default="1"),
    Var("input.voltage", f"{IN}.3.1.5.1", scale=0.1),
    Var("output.voltage", f"{OUT}.4.1.2.1", scale=0.1),
    Var("output.current", f"{OUT}.4.1.3.1", scale=0.1),
    Var("ups.load", f"{OUT}.4.1.4.1"),
    Var("input.L%i-N.voltage", f"{IN}.3.1.5.%i", scale=0.1, each=(IN_PHASES,)),
    Var("output.L%i-N.voltage", f"{OUT}.4.1.2.%i", scale=0.1, each=(OUT_PHASES,)),
    Var("output.L%i.current", f"{OUT}.4.1.3.%i", scale=0.1, each=(OUT_PHASES,)),
    Var("ups.L%i.load", f"{OUT}.4.1.4.%i", each=(OUT_PHASES,)),
)

MIB = Mib(
    name="netvision",
    version="0.44",
    description="Socomec Sicon NET VISION",
    sysoids=("1.3.6.1.4.1.4555.1.1.1",),
    model_oid=MODEL,
    variables=_rows,
)
