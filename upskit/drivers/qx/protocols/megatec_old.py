"""Megatec/old: early Megatec firmware answering ``D`` instead of ``Q1`` (light claim)."""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect
from upskit.drivers.qx.protocols import megatec as m

DIALECT = Dialect(
    name="megatec/old",
    version="0.08",
    title="Megatec/old",
    position=7,
    items=m.status_rows("D") + m.RATING_ROWS + m.vendor_rows("I") + m.COMMAND_ROWS
    + m.DELAY_ROWS,
    claim=Claim(("input.voltage",)),
    accepted="ACK",
    skip_with={"novendor": ("I",), "norating": ("F",)},
)
