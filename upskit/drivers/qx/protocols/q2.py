"""Q2: three-phase Megatec variant (``Q2`` measurements, ``WA`` output power, ``Q1`` status).

Same claim as q6 with ``Q2`` as the measurement query (118-byte reply).
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Dialect
from upskit.drivers.qx.items import STATIC, Query
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import megatec as m
from upskit.drivers.qx.protocols import q6

Q2 = Query("Q2", 118, "(")
Q2_ROWS = (
    Q2.item("input.L1-N.voltage", 1, 5, "%.1f"),
    Q2.item("input.L2-N.voltage", 7, 11, "%.1f"),
    Q2.item("input.L3-N.voltage", 13, 17, "%.1f"),
    Q2.item("input.voltage.fault", 19, 23, "%.1f"),
    Q2.item("input.frequency", 55, 58, "%.1f"),
    Q2.item("output.L1-N.voltage", 25, 29, "%.1f"),
    Q2.item("output.L2-N.voltage", 31, 35, "%.1f"),
    Q2.item("output.L3-N.voltage", 37, 41, "%.1f"),
    Q2.item("output.L1.load", 43, 45, "%.0f"),
    Q2.item("output.L2.load", 47, 49, "%.0f"),
    Q2.item("output.L3.load", 51, 53, "%.0f"),
    Q2.item("ups.temperature", 66, 69, "%.1f"),
    Q2.item("battery.voltage", 60, 64, convert=q6.battery_volts),
    Q2.item("battery.runtime", 80, 85, "%.0f"),
    Q2.item("battery.charge", 87, 89, "%.0f"),
    Q2.item("experimental.input.topology", 115, 115, flags=STATIC, convert=q6.topology),
    Q2.item("experimental.output.topology", 116, 116, flags=STATIC, convert=q6.topology),
)


DIALECT = Dialect(
    name="q2",
    version="0.01",
    title="Q2",
    position=18,
    items=Q2_ROWS + q6.WA_ROWS + q6.Q1_STATUS_ROWS + m.COMMAND_ROWS + m.DELAY_ROWS,
    claim=q6.three_phase_claim("Q2", "input.L1-N.voltage"),
    accepted="ACK",
    skip_with={"nooutstats": ("WA",), "norating": ("F",)},
    options=("nooutstats", "norating"),
    initinfo=s.phases(input=3, output=3),
)
