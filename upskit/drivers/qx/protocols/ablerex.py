"""Ablerex: Megatec ``Q1`` / ``F`` / ``I`` plus binary ``Q5`` (output frequency and
current, battery voltages, error code), ``At`` (runtime) and ``TR`` (test result).

``F`` gives output ratings here; battery charge comes from a discharge-curve table
of the ``Q1`` battery voltage.  ``load.off`` is ``S.2``.  Claim: ``Q1`` then
(unless ``novendor``) ``I``, as for megatec, which NUT probes first.
"""

from __future__ import annotations

from upskit.drivers.qx import hooks as h
from upskit.drivers.qx.dialect import Dialect
from upskit.drivers.qx.items import QUICK_POLL, STATIC, Item, Query, QxContext, cmd
from upskit.drivers.qx.protocols import _shared as s
from upskit.drivers.qx.protocols import megatec as m

#: Per-cell (on line) and per-12 V block (on battery) voltages -> charge %.
_ONLINE = tuple(zip(
    (2.22, 2.21, 2.20, 2.19, 2.18, 2.17, 2.16, 2.15, 2.14, 2.13, 2.12, 2.11, 2.10, 2.09, 2.08,
     2.07, 2.06, 2.05, 2.04, 2.03, 2.02, 2.01, 2.00, 1.99, 1.98, 1.97, 1.96, 1.95, 1.94, 1.93,
     1.92, 1.91, 1.90, 1.89, 1.88, 1.87, 1.86, 1.85, 1.84, 1.83, 1.82, 1.81, 1.80, 1.79, 1.78,
     1.77, 1.76, 1.75, 1.74, 1.73, 1.72, 1.71, 1.70, 1.69, 1.68, 1.67),
    (100, 90, 88, 87, 85, 83, 82, 80, 78, 77, 75, 73, 72, 70, 68, 65, 65, 62, 62, 58, 58, 55,
     55, 53, 52, 50, 48, 47, 45, 43, 42, 40, 38, 37, 35, 33, 32, 30, 28, 27, 25, 23, 22, 20,
     18, 17, 15, 13, 12, 10, 8, 7, 5, 3, 2, 0), strict=True))
_OFFLINE = tuple(zip(
    (13.5, 13.3, 13.2, 13.1, 13, 12.9, 12.8, 12.7, 12.6, 12.5, 12.4, 12.3, 12.2, 12.1, 12, 11.9,
     11.8, 11.7, 11.6, 11.5, 11.4, 11.3, 11.2, 11.1, 11, 10.9, 10.8, 10.7, 10.6, 10.5, 10.4,
     10.3, 10.2, 10.1, 10),
    (100, 90, 88, 86, 83, 80, 77, 74, 72, 69, 66, 63, 61, 58, 55, 52, 49, 47, 44, 41, 38, 36,
     33, 30, 27, 24, 22, 19, 16, 13, 11, 8, 5, 2, 0), strict=True))


def _nominal(ctx: QxContext) -> float | None:
    try:
        return float(ctx.get("battery.voltage.nominal") or "")
    except ValueError:
        return None


def charge_from_volts(volts: float) -> int:
    """Charge % from a per-cell (< 3 V) or per-12 V-block voltage."""
    for level, charge in _ONLINE if volts < 3.0 else _OFFLINE:
        if charge <= 0:
            break
        if volts >= level:
            return charge
    return 0


def battery_volts(ctx: QxContext, item: Item, value: str) -> str:
    """Total battery voltage; a per-cell reading is scaled by the nominal voltage."""
    volts = s.number(value)
    nominal = _nominal(ctx)
    if nominal is not None and volts <= 3.0:
        volts = volts * 6 * nominal / 12
    return f"{volts:.2f}"


def battery_charge(ctx: QxContext, item: Item, value: str) -> str:
    """Charge from the ``Q1`` battery voltage through the discharge curve."""
    volts = s.number(value)
    nominal = _nominal(ctx)
    if nominal is None:
        return "100"
    if volts > 3.0:
        volts /= nominal / 12
    return str(charge_from_volts(volts))


def battery_limits(ctx: QxContext, item: Item, value: str) -> str:
    """``battery.voltage.low`` / ``.high`` from the nominal voltage (9.6 / 13.65 V per 12 V)."""
    nominal = _nominal(ctx)
    if nominal is None:
        raise ValueError("no nominal battery voltage")
    per_block = 960 if item.name.endswith("low") else 1365
    return f"{per_block * nominal / 1200:.2f}"


def avr_or_bypass(ctx: QxContext, item: Item, value: str) -> str:
    """Bits 5..3: AVR/bypass active; standby units tell TRIM/BOOST by voltage ratio."""
    if len(value) != 3 or not set(value) <= {"0", "1"}:
        raise ValueError(f"status bits {value!r} are not 0/1")
    if value[0] == "0":
        return ""
    if not s.bit(value[2]):
        return "BYPASS"
    try:
        return h.avr_word(float(ctx.reply[1:6]), float(ctx.reply[13:18]))
    except ValueError:
        return ""


def battery_fault(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 4: battery abnormal -> RB; an output under 50 V -> OFF."""
    words = ["RB"] if s.bit(value) else []
    try:
        if float(ctx.reply[13:18]) < 50.0:
            words.append("OFF")
    except ValueError:
        pass
    return " ".join(words)


def _word(reply: str, at: int) -> int:
    return ord(reply[at]) * 256 + ord(reply[at + 1])


def q5_values(ctx: QxContext, item: Item, value: str) -> str:
    """Binary ``Q5``: output frequency (returned), current, battery voltages (published)."""
    reply = ctx.reply
    if len(reply) < 17:
        raise ValueError("Q5 reply too short")
    nominal = _nominal(ctx)
    ctx.set("output.current", f"{_word(reply, 15) * 0.1:.1f}")
    if nominal is not None and _word(reply, 7) > 0:
        ctx.set("battery.voltage", f"{_word(reply, 7) * nominal / 1200:.2f}")
    if nominal is not None and _word(reply, 9) > 0:
        ctx.set("battery.voltage.low", f"{_word(reply, 9) * nominal / 1200:.2f}")
    return f"{_word(reply, 1) * 0.1:.1f}"


def q5_error(ctx: QxContext, item: Item, value: str) -> str:
    """``Q5`` error code: an alarm text when non-zero."""
    if len(ctx.reply) < 15:
        raise ValueError("Q5 reply too short")
    code = _word(ctx.reply, 13)
    return f"UPS error code {code}" if code else ""


def runtime(ctx: QxContext, item: Item, value: str) -> str:
    """Binary ``At``: 32-bit big-endian runtime in seconds."""
    reply = ctx.reply
    if len(reply) < 5:
        raise ValueError("At reply too short")
    return str(int.from_bytes(reply[1:5].encode("latin-1"), "big"))


def test_result(ctx: QxContext, item: Item, value: str) -> str:
    """``TR``: four characters of test result."""
    text = value.strip()
    if not text or not text.isprintable():
        raise ValueError(f"unusable test result {value!r}")
    return text


Q1 = Query("Q1", 47, "(")
_STATUS = {r.name + str(r.start): r for r in m.status_rows("Q1")}
STATUS_ROWS = (
    *(r for r in m.status_rows("Q1") if r.name not in ("ups.status", "ups.alarm", "ups.type",
                                                        "ups.beeper.status", "battery.voltage")),
    Q1.item("battery.voltage", 28, 31, convert=battery_volts),
    Q1.item("battery.charge", 28, 31, convert=battery_charge),
    _STATUS["ups.status38"],
    _STATUS["ups.status39"],
    Q1.item("ups.status", 40, 42, flags=QUICK_POLL, convert=avr_or_bypass),
    Q1.item("ups.status", 41, 41, flags=QUICK_POLL, convert=battery_fault),
    _STATUS["ups.alarm41"],
    _STATUS["ups.type42"],
    _STATUS["ups.status43"],
    _STATUS["ups.status44"],
    _STATUS["ups.beeper.status45"],
)
F = Query("F", 22, "#")
RATING_ROWS = (
    F.item("output.voltage.nominal", 1, 5, "%.1f", STATIC),
    F.item("output.current.nominal", 7, 9, "%.1f", STATIC),
    F.item("battery.voltage.nominal", 11, 15, "%.1f", STATIC),
    F.item("output.frequency.nominal", 17, 20, "%.1f", STATIC),
    F.item("battery.voltage.low", 1, 2, flags=STATIC, convert=battery_limits),
    F.item("battery.voltage.high", 2, 3, flags=STATIC, convert=battery_limits),
)
Q5 = Query("Q5", 22, "(")
EXTRA_ROWS = (
    Q5.item("output.frequency", 1, 18, convert=q5_values),
    Q5.item("ups.alarm", 1, 18, convert=q5_error),
    Query("At", 0, "(").item("battery.runtime", 0, 0, convert=runtime),
    Query("TR", 0, "#").item("ups.test.result", 1, 4, convert=test_result),
)
COMMAND_ROWS = tuple(cmd("load.off", "S.2") if r.name == "load.off" else r
                     for r in m.COMMAND_ROWS)


DIALECT = Dialect(
    name="ablerex",
    version="0.02",
    title="Ablerex",
    position=14,
    items=(RATING_ROWS + STATUS_ROWS + EXTRA_ROWS + m.vendor_rows("I") + COMMAND_ROWS
           + m.DELAY_ROWS),
    claim=m.vendor_reply_claim("input.voltage", "I"),
    accepted="ACK",
    skip_with={"novendor": ("I",), "norating": ("F",)},
)
