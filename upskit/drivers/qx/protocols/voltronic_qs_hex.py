"""Voltronic-QS-Hex: Voltronic units answering ``M`` with ``P`` or ``T`` and ``QS``
with binary fields.

The raw ``QS`` reply is ``#`` + space-separated binary tokens + CR; bytes that
would break the framing travel escaped as ``(`` + 0x00..0x04 (CR, XON, XOFF, LF,
space).  It is decoded to text first: tokens 1..9 as hex, tokens 10 and 11 as
eight binary digits each (``#6C01 35 6C01 35 03 519A 1312D0 E6 1E 00001001``).
Voltages are ``a * b / 51 / 256``, frequency ``b / a``, battery ``a * b / 510``.
The ratings byte (token 11) and the quick test exist on ``T`` units only (the
command is withdrawn after start-up on ``P`` units).

Claim: ``M`` must answer ``P`` or ``T``, then ``QS`` must decode.  Refusal: ``N``.
"""

from __future__ import annotations

from upskit.drivers.qx import hooks as h
from upskit.drivers.qx.dialect import Claim, Dialect, DialectHost
from upskit.drivers.qx.items import QUICK_POLL, STATIC, Item, Query, QxContext, cmd
from upskit.drivers.qx.protocols import _shared as s

#: Escape byte after ``(`` -> the byte it stands for.
_ESCAPES = {0x00: 0x0D, 0x01: 0x11, 0x02: 0x13, 0x03: 0x0A, 0x04: 0x20}
_HEX = frozenset("0123456789ABCDEFabcdef ")


def decode_qs(ctx: QxContext, item: Item, raw: bytes) -> bytes:
    """Binary ``QS`` reply -> its text form (ValueError when it is not one)."""
    if not raw.startswith(b"#"):
        raise ValueError("QS reply does not start with #")
    parts = ["#"]
    token, i = 1, 1
    while i < len(raw):
        byte = raw[i]
        if byte == 0x20:
            parts.append(" ")
            token += 1
            i += 1
            continue
        if byte == 0x0D:
            break
        if byte == 0x28 and i + 1 < len(raw) and raw[i + 1] in _ESCAPES:
            byte = _ESCAPES[raw[i + 1]]
            i += 1
        i += 1
        parts.append(f"{byte:08b}" if token in (10, 11) else f"{byte:02X}")
    text = "".join(parts)
    if (token, len(text)) not in ((10, 46), (11, 55)):
        raise ValueError(f"noncompliant QS reply {text!r}")
    return (text + "\r").encode("latin-1")


def _pair(value: str) -> tuple[int, int]:
    if not set(value) <= _HEX:
        raise ValueError(f"{value!r} is not hexadecimal")
    first, second = value.split()
    return int(first, 16), int(second, 16)


def volts(ctx: QxContext, item: Item, value: str) -> str:
    """Input/output voltage: ``a * b / 51`` (integer) / 256."""
    a, b = _pair(value)
    return f"{a * b // 51 / 256:.1f}"


def load(ctx: QxContext, item: Item, value: str) -> str:
    """Load %, one hex byte."""
    if not value or not set(value) <= _HEX - {" "}:
        raise ValueError(f"{value!r} is not hexadecimal")
    return str(int(value, 16))


def frequency(ctx: QxContext, item: Item, value: str) -> str:
    """Output frequency ``b / a`` (capped at 99.9)."""
    a, b = _pair(value)
    if a == 0:
        raise ValueError("zero frequency divisor")
    return f"{min(b / a, 99.9):.1f}"


def battery(ctx: QxContext, item: Item, value: str) -> str:
    """Battery voltage ``a * b / 510``."""
    a, b = _pair(value)
    return f"{a * b / 510:.2f}"


def avr(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 5 with the voltage ratio taken from the decoded hex fields."""
    if not s.bit(value):
        return "!TRIM !BOOST !BYPASS"
    try:
        vin = float(volts(ctx, item, ctx.reply[1:8]))
        vout = float(volts(ctx, item, ctx.reply[9:16]))
    except ValueError:
        return ""
    return h.avr_word(vin, vout)


def rating(ctx: QxContext, item: Item, value: str) -> str:
    """Ratings byte fields: frequency bit, battery 2 bits, output voltage 3 bits."""
    if not value or not set(value) <= {"0", "1"}:
        raise ValueError(f"{value!r} is not binary")
    code = int(value, 2)
    if item.name == "output.frequency.nominal":
        return "60.0" if code else "50.0"
    if item.name == "battery.voltage.nominal":
        return f"{(12, 24, 36, 48)[code]:.1f}"
    nominal = {0: 110, 1: 120, 2: 220, 3: 230, 4: 240}.get(code)
    if nominal is None:
        raise ValueError(f"unknown output voltage code {value!r}")
    return f"{nominal:.1f}"


def protocol(ctx: QxContext, item: Item, value: str) -> str:
    """``M`` -> ``P`` or ``T``."""
    letter = value.strip().upper()
    if letter not in ("P", "T"):
        raise ValueError(f"protocol {value!r} is neither P nor T")
    return f"PM-{letter}"


def drop_quick_test(dialect: Dialect, host: DialectHost) -> None:
    """Only ``T`` units keep ``test.battery.start.quick`` in their command list."""
    if host.get("ups.firmware.aux") != "PM-T":
        host.delete_command("test.battery.start.quick")


def quick_test(ctx: QxContext, item: Item, param: str | None) -> str:
    """``T``: only units speaking the ``T`` protocol test their battery."""
    if ctx.get("ups.firmware.aux") != "PM-T":
        raise ValueError("battery test needs a T-protocol unit")
    return "T"


QS = Query("QS", 47, "#")
#: The ratings byte makes the decoded reply of a T unit 56 bytes long.
QS56 = Query("QS", 56, "#")
QS_ROWS = (
    QS.item("input.voltage", 1, 7, convert=volts, decode=decode_qs),
    QS.item("output.voltage", 9, 15, convert=volts, decode=decode_qs),
    QS.item("ups.load", 17, 18, convert=load, decode=decode_qs),
    QS.item("output.frequency", 20, 30, convert=frequency, decode=decode_qs),
    QS.item("battery.voltage", 32, 36, convert=battery, decode=decode_qs),
    QS.item("ups.status", 38, 38, flags=QUICK_POLL, convert=h.utility_fail, decode=decode_qs),
    QS.item("ups.status", 39, 39, flags=QUICK_POLL, convert=h.battery_low, decode=decode_qs),
    QS.item("ups.status", 40, 40, flags=QUICK_POLL, convert=avr, decode=decode_qs),
    QS.item("ups.alarm", 41, 41, convert=h.ups_failed, decode=decode_qs),
    QS.item("ups.type", 42, 42, flags=STATIC, convert=h.ups_type, decode=decode_qs),
    QS.item("ups.status", 43, 43, flags=QUICK_POLL, convert=h.test_in_progress,
            decode=decode_qs),
    QS.item("ups.status", 44, 44, flags=QUICK_POLL, convert=h.shutdown_active,
            decode=decode_qs),
    QS.item("ups.beeper.status", 45, 45, convert=h.beeper, decode=decode_qs),
    QS56.item("output.frequency.nominal", 47, 47, convert=rating, decode=decode_qs),
    QS56.item("battery.voltage.nominal", 48, 49, convert=rating, decode=decode_qs),
    QS56.item("output.voltage.nominal", 52, 54, convert=rating, decode=decode_qs),
)
M_ROWS = (Query("M", 2).item("ups.firmware.aux", 0, 0, flags=STATIC, convert=protocol),)
COMMAND_ROWS = (
    cmd("beeper.toggle", "Q"),
    cmd("load.off", "S00R0000"),
    cmd("load.on", "C"),
    cmd("shutdown.return", "S", h.shutdown_return),
    cmd("shutdown.stayoff", "S", h.shutdown_stayoff),
    cmd("shutdown.stop", "C"),
    cmd("test.battery.start.quick", "T", quick_test),
)


DIALECT = Dialect(
    name="voltronic-qs-hex",
    version="0.12",
    title="Voltronic-QS-Hex",
    position=5,
    items=(M_ROWS + QS_ROWS + COMMAND_ROWS
           + s.delay_rows(on_range=(60, 599940), off_range=(12, 540))),
    claim=Claim(("ups.firmware.aux", "input.voltage")),
    rejected="N\r",
    initinfo=drop_quick_test,
)
