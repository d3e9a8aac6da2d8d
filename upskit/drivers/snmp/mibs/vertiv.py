"""``vertiv``: Vertiv/Liebert IS-UNITY cards (LIEBERT-GP MIBs, 1.3.6.1.4.1.476.1.42) on
Liebert PSI5, GXT and similar UPSes.  Not in NUT 2.8.0 (a later NUT's ``vertiv``).

Most values sit in the "data point" table ``lgpFlexible`` under a fixed row per
quantity (``...30.1.20.1.2.1.<point>``); the table follows that numbering.
"""

from __future__ import annotations

from upskit.drivers.snmp.table import Command, Mib, Poll, Status, Var, Writable, enum_of

LGP = "1.3.6.1.4.1.476.1.42"
POINT = f"{LGP}.3.9.30.1.20.1.2.1"      # integer data points
TEXT = f"{LGP}.3.9.20.1.20.1.2.1"       # text data points
MODEL = f"{LGP}.2.4.2.1.4.1"            # lgpAgentDeviceModel, first device
BEEPER = f"{POINT}.6188"

_ident = (
    Var("device.mfr", f"{LGP}.2.1.1.0", string=True, poll=Poll.STATIC),
    Var("device.model", MODEL, string=True, poll=Poll.STATIC),
    Var("device.serial", f"{LGP}.2.4.2.1.7.1", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{LGP}.2.4.2.1.5.1", string=True, poll=Poll.STATIC),
    Var("ups.mfr", f"{TEXT}.4333", string=True, poll=Poll.STATIC),
    Var("ups.model", f"{TEXT}.4240", string=True, poll=Poll.STATIC),
    Var("ups.type", f"{TEXT}.6199", string=True, poll=Poll.STATIC),
)

_values = (
    Var("ups.status", f"{POINT}.4872", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, ""), (2, "OFF"), (3, "OL"), (4, "OL BYPASS"), (5, "OB"),
                     (6, "OL BOOST"), (7, "OL TRIM"))),
    Var("ups.load", f"{POINT}.5861", neg_invalid=True),
    Var("ups.temperature", f"{LGP}.3.9.30.1.10.1.2.1.4291", neg_invalid=True),
    Var("battery.charge", f"{POINT}.4153", poll=Poll.STATUS, neg_invalid=True),
    Var("battery.runtime", f"{POINT}.4150", scale=60, poll=Poll.STATUS, neg_invalid=True),
    Var("battery.voltage", f"{POINT}.4148", neg_invalid=True),
    Var("battery.voltage.nominal", f"{POINT}.6189", poll=Poll.STATIC),
    Var("input.voltage", f"{POINT}.4096", scale=0.1, neg_invalid=True),
    Var("input.current", f"{POINT}.4113", scale=0.1, neg_invalid=True),
    Var("input.frequency", f"{POINT}.4105", scale=0.1, neg_invalid=True),
    Var("input.voltage.nominal", f"{POINT}.4102", poll=Poll.STATIC),
    Var("input.current.nominal", f"{POINT}.4104", poll=Poll.STATIC),
    Var("input.frequency.nominal", f"{POINT}.4103", poll=Poll.STATIC),
    Var("output.voltage", f"{POINT}.4385", scale=0.1, neg_invalid=True),
    Var("output.current", f"{POINT}.4204", scale=0.1, neg_invalid=True),
    Var("output.frequency", f"{POINT}.4207", scale=0.1, neg_invalid=True),
    Var("output.realpower", f"{POINT}.4208", neg_invalid=True),
    Var("output.power", f"{POINT}.4209", neg_invalid=True),
    Var("output.voltage.nominal", f"{POINT}.4260", poll=Poll.STATIC),
    Var("output.power.nominal", f"{POINT}.4264", poll=Poll.STATIC),
    Var("ups.beeper.status", BEEPER, enum=enum_of((1, "enabled"), (2, "disabled")),
        writable=Writable()),
    Var("ups.delay.shutdown", f"{POINT}.5814", writable=Writable(low=0, high=86400)),
    Var("ups.delay.start", f"{POINT}.5816", writable=Writable(low=0, high=86400)),
)

COMMANDS = (
    Command("beeper.enable", BEEPER, 1),
    Command("beeper.disable", BEEPER, 2),
)

MIB = Mib(
    name="vertiv",
    version="0.04",
    description="Vertiv Liebert (LIEBERT-GP)",
    sysoids=(f"{LGP}.",),
    model_oid=MODEL,
    variables=_ident + _values,
    commands=COMMANDS,
)
