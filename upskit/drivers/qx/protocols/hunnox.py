"""Hunnox: Megatec ``Q1`` / ``F`` with the vendor line asked by ``FW?`` and the
battery charge by ``BL`` (``BL100``).

Claim: ``Q1`` then (unless ``novendor``) ``FW?`` in the 39-byte vendor layout.
Commands count as accepted when answered ``UPS No Ack`` (what these units say to
a command they carried out) or not at all.  Delay defaults: ondelay 0, offdelay 60.
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect
from upskit.drivers.qx.items import Item, Query, QxContext
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import megatec as m


def battery_level(ctx: QxContext, item: Item, value: str) -> str:
    """``BL<n>``: battery charge 0..100 %."""
    digits = value[2:].strip()
    if not value.startswith("BL") or not digits.isdigit() or int(digits) > 100:
        raise ValueError(f"{value!r} is not a BL<percent> reply")
    return str(int(digits))


BL_ROWS = (Query("BL", 4, "B").item("battery.charge", 0, 0, convert=battery_level),)
#: NUT reads every ``Q1`` measurement on each quick update for this dialect.
STATUS_ROWS = s.quick(m.status_rows("Q1"), "input.voltage", "input.voltage.fault",
                      "output.voltage", "ups.load", "input.frequency", "battery.voltage",
                      "ups.temperature")


DIALECT = Dialect(
    name="hunnox",
    version="0.03",
    title="Hunnox",
    position=13,
    items=(STATUS_ROWS + m.RATING_ROWS + m.vendor_rows("FW?") + BL_ROWS + m.COMMAND_ROWS
           + s.delay_rows(on_default="0", off_default="60")),
    claim=Claim(("input.voltage",), vendor=("device.mfr",)),
    accepted="UPS No Ack",
    skip_with={"novendor": ("FW?",), "norating": ("F",)},
)
