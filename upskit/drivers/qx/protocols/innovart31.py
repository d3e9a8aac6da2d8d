"""INNOVA RT 3/1 (Ippon): three-phase input, single-phase output; same queries as
innovart33 (``Q6``, ``WA``, ``BPS``, ``F``, ``FW?``, ``SASV07?``, ``Q1``).

Claim: all seven queries must answer, and the ``Q6`` output L2/L3 voltages must
read zero (a 3/3 unit is left to innovart33, which NUT probes right after).
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect, Prober
from upskit.drivers.qx.items import Query
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import innovart33 as i33
from upskit.drivers.qx.protocols import megatec as m
from upskit.drivers.qx.protocols import q6

Q6 = Query("Q6", 110, "(")
Q6_ROWS = (
    Q6.item("input.voltage", 1, 5, "%.1f"),
    Q6.item("input.L1-N.voltage", 1, 5, "%.1f"),
    Q6.item("input.L2-N.voltage", 7, 11, "%.1f"),
    Q6.item("input.L3-N.voltage", 13, 17, "%.1f"),
    Q6.item("input.frequency", 19, 22, "%.1f"),
    Q6.item("output.voltage", 24, 28, "%.1f"),
    Q6.item("output.frequency", 42, 45, "%.1f"),
    Q6.item("ups.load", 47, 49, "%.0f"),
    Q6.item("ups.temperature", 71, 74, "%.1f"),
    Q6.item("battery.voltage", 59, 63, convert=q6.battery_volts),
    Q6.item("battery.runtime", 76, 80, "%.0f"),
    Q6.item("battery.charge", 82, 84, "%.0f"),
)
KW = s.scaled(1000, "%.2f")
WA = Query("WA", 80, "(")
WA_ROWS = (
    WA.item("output.current", 49, 53, "%.1f"),
    WA.item("ups.realpower", 37, 41, convert=KW),
    WA.item("ups.power", 43, 47, convert=KW),
)
BPS = Query("BPS", 24, "(")
BPS_ROWS = (
    BPS.item("input.bypass.voltage", 1, 5, "%.1f"),
    BPS.item("input.bypass.frequency", 19, 22, "%.1f"),
)


async def claim(probe: Prober) -> bool:
    """The seven innovart queries, then "single-phase output": L2/L3 out at zero."""
    for name in ("input.voltage", "ups.type", "output.current", "input.bypass.voltage",
                 "input.voltage.nominal", "ups.firmware", "ups.serial"):
        if await probe.item(name) is None:
            return False
    reply = await probe.query("Q6")
    if reply is None:
        return False
    try:
        return s.number(reply[30:35]) == 0 and s.number(reply[36:41]) == 0
    except ValueError:
        return False


DIALECT = Dialect(
    name="innovart31",
    version="0.02",
    title="INNOVART31",
    position=15,
    items=(Q6_ROWS + WA_ROWS + BPS_ROWS + m.RATING_ROWS + i33.IDENT_ROWS + q6.Q1_STATUS_ROWS
           + i33.COMMAND_ROWS + m.DELAY_ROWS),
    claim=Claim(check=claim),
    accepted="ACK",
    rejected="NAK\r",
    initinfo=s.phases(input=3, input_bypass=1, output=1),
)
