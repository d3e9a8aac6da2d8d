"""``huawei``: HUAWEI-UPS-MIB (1.3.6.1.4.1.2011.6.174), UPS2000/UPS5000 with the
RMS/GSE cards.

The cards announce net-snmp's generic Linux ``sysObjectID`` (1.3.6.1.4.1.8072.3.2.10),
which any Linux host answers with: the table is chosen by it only when the Huawei
model OID answers too.  Three-phase values are single rows per phase.
"""

from __future__ import annotations

from upskit.drivers.snmp.table import Mib, Poll, Status, Var, enum_of

HW = "1.3.6.1.4.1.2011.6.174.1"
SYS = f"{HW}.2.100.1"       # hwUpsSystemInfoTable, first UPS
STATE = f"{HW}.2.101.1"
IN = f"{HW}.3.100.1"
OUT = f"{HW}.4.100.1"
BYP = f"{HW}.5.100.1"
BAT = f"{HW}.6.100.1"
MODEL = f"{SYS}.2.1"
IETF = "1.3.6.1.2.1.33.1"

_PHASES = enum_of((1, "1"), (2, "3"))

_ident = (
    Var("ups.mfr", "", default="Huawei"),
    Var("ups.model", MODEL, string=True, poll=Poll.STATIC),
    Var("ups.id", f"{HW}.1.1.2.0", string=True, poll=Poll.STATIC),
    Var("ups.firmware", f"{SYS}.3.1", string=True, poll=Poll.STATIC),
    Var("ups.serial", f"{SYS}.5.1", string=True, poll=Poll.STATIC),
    Var("ups.time", f"{HW}.11.1.0"),
    Var("ups.status", f"{STATE}.1.1", poll=Poll.STATUS, status=Status.POWER,
        enum=enum_of((1, ""), (2, "OL BYPASS"), (3, "OL"), (4, "OB"), (5, ""),
                     (6, "OL ECO"), (7, "OB ECO"))),
    Var("ups.status", f"{STATE}.3.1", poll=Poll.STATUS, status=Status.BATTERY,
        enum=enum_of((1, ""), (2, ""), (3, ""), (4, ""), (5, "CHRG"), (6, "DISCHRG"))),
    Var("ups.test.result", f"{IETF}.7.3.0",
        enum=enum_of((1, "done and passed"), (2, "done and warning"), (3, "done and error"),
                     (4, "aborted"), (5, "in progress"), (6, "no test initiated"))),
)

_input = (
    Var("input.phases", f"{HW}.102.100.1.8", enum=_PHASES, default="3", poll=Poll.STATIC),
    *(Var(f"input.L{n}-N.voltage", f"{IN}.{n}.1", scale=0.1) for n in (1, 2, 3)),
    Var("input.frequency", f"{IN}.4.1", scale=0.01),
    *(Var(f"input.L{n}.current", f"{IN}.{4 + n}.1", scale=0.1) for n in (1, 2, 3)),
    *(Var(f"input.L{n}.powerfactor", f"{IN}.{7 + n}.1", scale=0.01) for n in (1, 2, 3)),
    *(Var(f"input.bypass.L{n}-N.voltage", f"{BYP}.{n}.1", scale=0.1) for n in (1, 2, 3)),
    Var("input.bypass.frequency", f"{BYP}.4.1", scale=0.01),
)

_output = (
    Var("output.phases", f"{HW}.102.100.1.9", enum=_PHASES, default="3", poll=Poll.STATIC),
    *(Var(f"output.L{n}-N.voltage", f"{OUT}.{n}.1", scale=0.1) for n in (1, 2, 3)),
    *(Var(f"output.L{n}.current", f"{OUT}.{3 + n}.1", scale=0.1) for n in (1, 2, 3)),
    Var("output.frequency", f"{OUT}.7.1", scale=0.01),
    *(Var(f"output.L{n}.realpower", f"{OUT}.{7 + n}.1", scale=0.1) for n in (1, 2, 3)),
    *(Var(f"output.L{n}.power", f"{OUT}.{10 + n}.1", scale=0.1) for n in (1, 2, 3)),
    *(Var(f"output.L{n}.power.percent", f"{OUT}.{13 + n}.1", scale=0.1) for n in (1, 2, 3)),
    Var("output.voltage.nominal", f"{OUT}.17.1", poll=Poll.STATIC, enum=enum_of(
        (1, "200"), (2, "208"), (3, "220"), (4, "380"), (5, "400"), (6, "415"), (7, "480"),
        (8, "600"), (9, "690"))),
    Var("output.frequency.nominal", f"{OUT}.18.1", poll=Poll.STATIC,
        enum=enum_of((1, "50"), (2, "60"))),
    Var("output.power.nominal", f"{SYS}.6.1", poll=Poll.STATIC, enum=enum_of(
        (1, "80000"), (2, "100000"), (3, "120000"), (4, "160000"), (5, "200000"),
        (6, "30000"), (7, "40000"), (8, "60000"), (9, "2400000"), (10, "2500000"),
        (11, "2800000"), (12, "3000000"))),
    *(Var(f"output.L{n}.powerfactor", f"{OUT}.{18 + n}.1", scale=0.01) for n in (1, 2, 3)),
)

_battery = (
    Var("battery.voltage", f"{BAT}.1.1", scale=0.1),
    Var("battery.current", f"{BAT}.2.1", scale=0.1),
    Var("battery.charge", f"{BAT}.3.1", poll=Poll.STATUS),
    Var("battery.runtime", f"{BAT}.4.1", poll=Poll.STATUS),
)

MIB = Mib(
    name="huawei",
    version="0.4",
    description="HUAWEI-UPS-MIB",
    sysoids=("1.3.6.1.4.1.8072.3.2.10",),
    model_oid=MODEL,
    vendor_oid="1.3.6.1.4.1.2011.6.174",
    variables=_ident + _input + _output + _battery,
)
