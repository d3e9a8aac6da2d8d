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

TESTING: dict[str, str | bytes] = {
    "Q6": q6.Q6_CANNED, "Q1": q6.Q1_CANNED, "WA": q6.WA_CANNED,
    "BPS": "(230.4 000.0 000.0 49.9\r", "F": "#230.0 087 288.0 50.0\r",
    "FW?": "05516-1100\r", "SASV07?": "GASV07DN05K10KB100004      \r",
    "S03": "", "C": "", "S02R0005": "", "S.5R0000": "",
    "T04": "ACK", "TL": "ACK", "T": "ACK", "CT": "ACK",
}
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
    testing=TESTING,
    initinfo=s.phases(input=3, input_bypass=3, output=3),
)
