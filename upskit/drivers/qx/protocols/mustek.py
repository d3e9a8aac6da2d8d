"""Mustek: the Megatec set with ``QS`` as the status query (light claim: ``QS`` only)."""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect
from upskit.drivers.qx.protocols import megatec as m

DIALECT = Dialect(
    name="mustek",
    version="0.08",
    title="Mustek",
    position=6,
    items=m.status_rows("QS") + m.RATING_ROWS + m.vendor_rows("I") + m.COMMAND_ROWS
    + m.DELAY_ROWS,
    claim=Claim(("input.voltage",)),
    accepted="ACK",
    skip_with={"novendor": ("I",), "norating": ("F",)},
)
