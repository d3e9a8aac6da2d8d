"""INNOVA TAE (Ippon): the Megatec ``Q1`` / ``F`` set with a short ``I`` reply
(``#`` + 27 filler characters + firmware, 37 bytes).

Claim: ``Q1`` must parse and, unless ``novendor``, ``I`` must answer in that
shape (NUT only asks ``Q1``; see docs/qx-dialects.md).
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect, Prober
from upskit.drivers.qx.items import ABSENT, STATIC, Item, Query
from upskit.drivers.qx.protocols import megatec as m

I_ROWS = (Query("I", 37, "#").item("ups.firmware", 28, 35, flags=STATIC),)
#: The manufacturer is fixed; kept by the driver.
MFR_ROWS = (Item("device.mfr", flags=ABSENT | STATIC, default="Ippon"),)


async def claim(probe: Prober) -> bool:
    """``Q1`` plus an ``I`` reply of the INNOVA shape (``#``, at least 36 characters)."""
    if await probe.item("input.voltage") is None:
        return False
    if probe.flag("novendor"):
        return True
    reply = await probe.query("I")
    return reply is not None and reply.startswith("#") and len(reply) >= 37


DIALECT = Dialect(
    name="innovatae",
    version="0.01",
    title="INNOVATAE",
    position=17,
    items=(MFR_ROWS + m.status_rows("Q1") + m.RATING_ROWS + I_ROWS + m.COMMAND_ROWS
           + m.DELAY_ROWS),
    claim=Claim(check=claim),
    accepted="ACK",
    rejected="NAK\r",
    skip_with={"novendor": ("I",), "norating": ("F",)},
)
