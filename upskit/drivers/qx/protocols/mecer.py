"""Mecer (Voltronic Power P98 and other ``(ACK`` / ``(NAK`` units): the Megatec
``Q1`` / ``F`` / ``I`` set whose commands are answered ``(ACK`` or ``(NAK``.

Claim: ``Q1`` must parse, then ``QPI`` must answer ``(PI98`` or ``(NAK``.  The
dialect declares no ``rejected`` text so that the claim can tell a ``(NAK`` from
silence; a ``(NAK`` still fails every query (too short) and every command (not
``ACK``).
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect, Prober
from upskit.drivers.qx.items import STATIC, Item, Query, QxContext, cmd
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import megatec as m

P98 = "Voltronic Power P98"


def protocol(ctx: QxContext, item: Item, value: str) -> str:
    """``PI98`` is the only protocol this dialect knows."""
    if value.upper() != "PI98":
        raise ValueError(f"protocol {value!r} is not PI98")
    return P98


def test_battery(ctx: QxContext, item: Item, param: str | None) -> str:
    """``T.n``/``Tnn``: P98 units take 12..5940 s, others whole minutes (60..5940 s)."""
    text = (param or "600").strip()
    if not text.isdigit():
        raise ValueError(f"test duration {text!r} is not a whole number of seconds")
    if ctx.get("ups.firmware.aux") != P98 and int(text) < 60:
        raise ValueError("test duration under a minute needs a P98 unit")
    return s.test_battery_short(ctx, item, text)


QPI_ROWS = (Query("QPI", 6, "(").item("ups.firmware.aux", 1, 4, flags=STATIC,
                                      convert=protocol),)
COMMAND_ROWS = s.ack_rows(
    cmd("test.battery.start", "T", test_battery, default="600") if r.name == "test.battery.start"
    else r for r in m.COMMAND_ROWS)


async def claim(probe: Prober) -> bool:
    """``Q1``, then a ``(PI98`` or ``(NAK`` answer to ``QPI``."""
    if await probe.item("input.voltage") is None:
        return False
    if await probe.item("ups.firmware.aux") is not None:
        return True
    reply = await probe.query("QPI")
    return reply is not None and reply.upper() == "(NAK\r"


DIALECT = Dialect(
    name="mecer",
    version="0.09",
    title="Mecer",
    position=9,
    items=(QPI_ROWS + m.status_rows("Q1") + m.RATING_ROWS + m.vendor_rows("I") + COMMAND_ROWS
           + m.DELAY_ROWS),
    claim=Claim(check=claim),
    accepted="ACK",
    skip_with={"novendor": ("I",), "norating": ("F",)},
)
