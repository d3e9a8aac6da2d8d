"""Q6: three-phase Megatec variant (``Q6`` measurements, ``WA`` output power, ``Q1`` status).

Claim: ``Q6`` (input L1 voltage), ``Q1`` (UPS type) and, unless ``nooutstats``,
``WA`` (output L1 current) must all answer.
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect, Prober
from upskit.drivers.qx.items import STATIC, Item, Query, QxContext
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import megatec as m


def battery_volts(ctx: QxContext, item: Item, value: str) -> str:
    """Battery voltage (times ``battery.packs`` with ``battery_voltage_reports_one_pack``)."""
    volts = s.number(value)
    if ctx.flag("battery_voltage_reports_one_pack"):
        volts *= float(ctx.get("battery.packs") or "1")
    return f"{volts:.1f}"


def topology(ctx: QxContext, item: Item, value: str) -> str:
    """Transformer topology bit: 1 star, 0 delta."""
    return "star" if s.bit(value) else "delta"


Q6 = Query("Q6", 110, "(")
Q6_ROWS = (
    Q6.item("input.L1-N.voltage", 1, 5, "%.1f"),
    Q6.item("input.L2-N.voltage", 7, 11, "%.1f"),
    Q6.item("input.L3-N.voltage", 13, 17, "%.1f"),
    Q6.item("input.frequency", 19, 22, "%.1f"),
    Q6.item("output.L1-N.voltage", 24, 28, "%.1f"),
    Q6.item("output.L2-N.voltage", 30, 34, "%.1f"),
    Q6.item("output.L3-N.voltage", 36, 40, "%.1f"),
    Q6.item("output.frequency", 42, 45, "%.1f"),
    Q6.item("output.L1.load", 47, 49, "%.0f"),
    Q6.item("output.L2.load", 51, 53, "%.0f"),
    Q6.item("output.L3.load", 55, 57, "%.0f"),
    Q6.item("ups.temperature", 71, 74, "%.1f"),
    Q6.item("battery.voltage", 59, 63, convert=battery_volts),
    Q6.item("battery.runtime", 76, 80, "%.0f"),
    Q6.item("battery.charge", 82, 84, "%.0f"),
    Q6.item("experimental.battery.voltage.negative", 65, 69, convert=battery_volts),
    Q6.item("experimental.input.topology", 107, 107, flags=STATIC, convert=topology),
    Q6.item("experimental.output.topology", 108, 108, flags=STATIC, convert=topology),
)

WA = Query("WA", 80, "(")
KW = s.scaled(1000, "%.1f")
WA_ROWS = (
    WA.item("output.L1.realpower", 1, 5, convert=KW),
    WA.item("output.L2.realpower", 7, 11, convert=KW),
    WA.item("output.L3.realpower", 13, 17, convert=KW),
    WA.item("output.L1.power", 19, 23, convert=KW),
    WA.item("output.L2.power", 25, 29, convert=KW),
    WA.item("output.L3.power", 31, 35, convert=KW),
    WA.item("output.L1.current", 49, 53, "%.1f"),
    WA.item("output.L2.current", 55, 59, "%.1f"),
    WA.item("output.L3.current", 61, 65, "%.1f"),
    WA.item("ups.realpower", 37, 41, convert=KW),
    WA.item("ups.power", 43, 47, convert=KW),
    WA.item("ups.load", 67, 69, "%.0f"),
)

#: Only the status bits, type, failure alarm and beeper of the ``Q1`` reply.
Q1_STATUS_ROWS = tuple(r for r in m.status_rows("Q1")
                       if r.name in ("ups.status", "ups.alarm", "ups.type", "ups.beeper.status"))


def three_phase_claim(status_query: str, first: str) -> Claim:
    """``first`` (from the status query), ``ups.type`` (Q1), and ``WA`` unless nooutstats."""

    async def check(probe: Prober) -> bool:
        if await probe.item(first) is None or await probe.item("ups.type") is None:
            return False
        return probe.flag("nooutstats") or await probe.item("output.L1.current") is not None

    return Claim(check=check)


DIALECT = Dialect(
    name="q6",
    version="0.01",
    title="Q6",
    position=19,
    items=Q6_ROWS + WA_ROWS + Q1_STATUS_ROWS + m.COMMAND_ROWS + m.DELAY_ROWS,
    claim=three_phase_claim("Q6", "input.L1-N.voltage"),
    accepted="ACK",
    skip_with={"nooutstats": ("WA",), "norating": ("F",)},
    options=("nooutstats", "norating"),
    initinfo=s.phases(input=3, output=3),
)
