"""Megatec: the reference Q1 / F / I dialect most cheap UPSes speak.

The row builders below are reused by the dialects that only rename the status
query (mustek ``QS``, megatec/old ``D``) or the vendor query (zinto ``FW?``).
"""

from __future__ import annotations

from upskit.drivers.qx import hooks as h
from upskit.drivers.qx.dialect import Claim, Dialect, Prober
from upskit.drivers.qx.items import QUICK_POLL, STATIC, TRIM, Item, Query, cmd, server_var


def status_rows(command: str) -> tuple[Item, ...]:
    """The 47-byte Q1-layout status reply, whatever its query is called."""
    q = Query(command, 47, "(")
    return (
        q.item("input.voltage", 1, 5, "%.1f"),
        q.item("input.voltage.fault", 7, 11, "%.1f"),
        q.item("output.voltage", 13, 17, "%.1f"),
        q.item("ups.load", 19, 21, "%.0f"),
        q.item("input.frequency", 23, 26, "%.1f"),
        q.item("battery.voltage", 28, 31, "%.2f", convert=h.battery_voltage),
        q.item("ups.temperature", 33, 36, "%.1f"),
        q.item("ups.status", 38, 38, flags=QUICK_POLL, convert=h.utility_fail),
        q.item("ups.status", 39, 39, flags=QUICK_POLL, convert=h.battery_low),
        q.item("ups.status", 40, 40, flags=QUICK_POLL, convert=h.bypass_boost_trim),
        q.item("ups.alarm", 41, 41, convert=h.ups_failed),
        q.item("ups.type", 42, 42, flags=STATIC, convert=h.ups_type),
        q.item("ups.status", 43, 43, flags=QUICK_POLL, convert=h.test_in_progress),
        q.item("ups.status", 44, 44, flags=QUICK_POLL, convert=h.shutdown_active),
        q.item("ups.beeper.status", 45, 45, convert=h.beeper),
    )


F = Query("F", 22, "#")
RATING_ROWS = (
    F.item("input.voltage.nominal", 1, 5, "%.0f", STATIC),
    F.item("input.current.nominal", 7, 9, "%.1f", STATIC),
    F.item("battery.voltage.nominal", 11, 15, "%.1f", STATIC),
    F.item("input.frequency.nominal", 17, 20, "%.0f", STATIC),
)


def vendor_rows(command: str) -> tuple[Item, ...]:
    """The 39-byte ``#`` + company(15) + model(10) + version(10) vendor reply."""
    q = Query(command, 39, "#")
    return (
        q.item("device.mfr", 1, 15, flags=STATIC | TRIM),
        q.item("device.model", 17, 26, flags=STATIC | TRIM),
        q.item("ups.firmware", 28, 37, flags=STATIC | TRIM),
    )


COMMAND_ROWS = (
    cmd("beeper.toggle", "Q"),
    cmd("load.off", "S00R0000"),
    cmd("load.on", "C"),
    cmd("shutdown.return", "S", h.shutdown_return),
    cmd("shutdown.stayoff", "S", h.shutdown_stayoff),
    cmd("shutdown.stop", "C"),
    cmd("test.battery.start", "T", h.test_battery_minutes, default="600"),
    cmd("test.battery.start.deep", "TL"),
    cmd("test.battery.start.quick", "T"),
    cmd("test.battery.stop", "CT"),
)

DELAY_ROWS = (
    server_var("ups.delay.start", h.DEFAULT_ONDELAY, ranges=h.ONDELAY_RANGE,
               option="ondelay", convert=h.ondelay_value),
    server_var("ups.delay.shutdown", h.DEFAULT_OFFDELAY, ranges=h.OFFDELAY_RANGE,
               option="offdelay", convert=h.offdelay_value),
)


def vendor_reply_claim(status_item: str, vendor_query: str) -> Claim:
    """Status item must parse; then (unless ``novendor``) the vendor query must answer.

    Only the reply's shape is checked, so a unit with a blank firmware field is
    still recognised.
    """

    async def check(probe: Prober) -> bool:
        if await probe.item(status_item) is None:
            return False
        if probe.flag("novendor"):
            return True
        reply = await probe.query(vendor_query)
        return reply is not None and len(reply) >= 39 and reply.startswith("#")

    return Claim(check=check)


DIALECT = Dialect(
    name="megatec",
    version="0.10",
    title="Megatec",
    position=10,
    items=status_rows("Q1") + RATING_ROWS + vendor_rows("I") + COMMAND_ROWS + DELAY_ROWS,
    claim=vendor_reply_claim("input.voltage", "I"),
    accepted="ACK",
    skip_with={"novendor": ("I",), "norating": ("F",)},
)
