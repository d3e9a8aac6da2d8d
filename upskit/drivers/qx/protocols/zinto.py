"""Zinto: Megatec ``Q1``/``F`` with the vendor line asked by ``FW?``."""

from __future__ import annotations

from upskit.drivers.qx.dialect import Dialect
from upskit.drivers.qx.protocols import megatec as m

DIALECT = Dialect(
    name="zinto",
    version="0.07",
    title="Zinto",
    position=11,
    items=m.status_rows("Q1") + m.RATING_ROWS + m.vendor_rows("FW?") + m.COMMAND_ROWS
    + m.DELAY_ROWS,
    claim=m.vendor_reply_claim("input.voltage", "FW?"),
    accepted="ACK",
    skip_with={"novendor": ("FW?",), "norating": ("F",)},
)
