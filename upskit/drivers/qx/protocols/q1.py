"""Q1: the last-resort dialect, status query only (tried after every other one)."""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect
from upskit.drivers.qx.protocols import megatec as m

DIALECT = Dialect(
    name="q1",
    version="0.08",
    title="Q1",
    position=21,
    items=m.status_rows("Q1") + m.COMMAND_ROWS + m.DELAY_ROWS,
    claim=Claim(("input.voltage",)),
    accepted="ACK",
)
