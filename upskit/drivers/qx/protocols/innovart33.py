"""INNOVA RT 3/3 (Ippon): three-phase in and out; ``Q6``, ``WA``, ``BPS``, ``F``, ``FW?``,
``SASV07?`` and ``Q1`` status.

Claim: every one of those seven queries must answer and parse.  Commands reply
``ACK`` (tests) or nothing (shutdowns); refused queries get ``NAK``.
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect
from upskit.drivers.qx.items import STATIC, TRIM, Query
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import megatec as m
from upskit.drivers.qx.protocols import q6

BPS = Query("BPS", 24, "(")
BPS_ROWS = (
    BPS.item("input.bypass.L1-N.voltage", 1, 5, "%.1f"),
    BPS.item("input.bypass.L2-N.voltage", 7, 11, "%.1f"),
    BPS.item("input.bypass.L3-N.voltage", 13, 17, "%.1f"),
    BPS.item("input.bypass.frequency", 19, 22, "%.1f"),
)
FW = Query("FW?")
SASV = Query("SASV07?", 28)
IDENT_ROWS = (
    FW.item("ups.firmware", 0, 0, flags=STATIC),
    SASV.item("ups.serial", 7, 0, flags=STATIC | TRIM),
)
#: Innova units ignore the beeper toggle, so it is not offered.
COMMAND_ROWS = s.without(m.COMMAND_ROWS, "beeper.toggle")

CLAIM_ITEMS = ("input.L1-N.voltage", "ups.type", "output.L1.current",
               "input.bypass.L1-N.voltage", "input.voltage.nominal", "ups.firmware",
               "ups.serial")

DIALECT = Dialect(
    name="innovart33",
    version="0.01",
    title="INNOVART33",
    position=16,
    items=(q6.Q6_ROWS + q6.WA_ROWS + BPS_ROWS + m.RATING_ROWS + IDENT_ROWS + q6.Q1_STATUS_ROWS
           + COMMAND_ROWS + m.DELAY_ROWS),
    claim=Claim(CLAIM_ITEMS),
    accepted="ACK",
    rejected="NAK\r",
    initinfo=s.phases(input=3, input_bypass=3, output=3),
)
