"""Voltronic-QS: Voltronic units answering ``M`` with ``V`` and ``QS`` with the
47-byte Megatec status layout (its frequency field is the output's); ``F`` gives
output ratings; only the quick battery test.

Claim: ``M`` must answer ``V``, then ``QS`` must parse.  Delay ranges: ondelay
60..599940 s, offdelay 12..540 s.
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect
from upskit.drivers.qx.items import STATIC, Item, Query, QxContext
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import megatec as m


def protocol(ctx: QxContext, item: Item, value: str) -> str:
    """``M`` -> ``V`` is the QS protocol."""
    if value.strip().upper() != "V":
        raise ValueError(f"protocol {value!r} is not V")
    return "PM-V"


M_ROWS = (Query("M", 2).item("ups.firmware.aux", 0, 0, flags=STATIC, convert=protocol),)
QS_ROWS = tuple(r.with_(name="output.frequency") if r.name == "input.frequency" else r
                for r in m.status_rows("QS"))
F = Query("F", 22, "#")
RATING_ROWS = (
    F.item("output.voltage.nominal", 1, 5, "%.0f", STATIC),
    F.item("output.current.nominal", 7, 9, "%.1f", STATIC),
    F.item("battery.voltage.nominal", 11, 15, "%.1f", STATIC),
    F.item("output.frequency.nominal", 17, 20, "%.0f", STATIC),
)
COMMAND_ROWS = s.ack_rows(
    (r for r in m.COMMAND_ROWS if r.name not in (
        "test.battery.start", "test.battery.start.deep", "test.battery.stop")), length=0)


DIALECT = Dialect(
    name="voltronic-qs",
    version="0.11",
    title="Voltronic-QS",
    position=4,
    items=(M_ROWS + QS_ROWS + RATING_ROWS + COMMAND_ROWS
           + s.delay_rows(on_range=(60, 599940), off_range=(12, 540))),
    claim=Claim(("ups.firmware.aux", "input.voltage")),
    accepted="ACK",
    rejected="(NAK\r",
    skip_with={"norating": ("F",)},
)
