"""Hooks shared by the Megatec-style dialects: status bits, delays, shutdown and test commands.

Every hook has the :mod:`upskit.drivers.qx.items` signature and raises
:class:`ValueError` for a value it cannot accept.
"""

from __future__ import annotations

import contextlib

from upskit.drivers.qx.items import Item, QxContext

#: ``ups.delay.start`` (ondelay) default and allowed range, in seconds.
DEFAULT_ONDELAY = "180"
ONDELAY_RANGE = ((0, 599940),)
#: ``ups.delay.shutdown`` (offdelay) default and allowed range, in seconds.
DEFAULT_OFFDELAY = "30"
OFFDELAY_RANGE = ((12, 600),)


def _bit(value: str) -> bool:
    if value not in ("0", "1"):
        raise ValueError(f"status bit {value!r} is neither 0 nor 1")
    return value == "1"


# ------------------------------------------------------------------ status bits
def utility_fail(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 7: mains failed -> no ``OL`` (the engine then reports ``OB``)."""
    return "!OL" if _bit(value) else "OL"


def battery_low(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 6: battery low -> ``LB``."""
    return "LB" if _bit(value) else "!LB"


def _field(reply: str, start: int, end: int) -> float | None:
    try:
        return float(reply[start:end + 1])
    except ValueError:
        return None


def bypass_boost_trim(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 5: AVR or bypass active; which one follows from output/input voltage.

    The ratio is read from the same Q1-layout reply (input at 1-5, output at 13-17).
    An implausible ratio yields no token rather than failing the whole status walk.
    """
    if not _bit(value):
        return "!TRIM !BOOST !BYPASS"
    vin = _field(ctx.reply, 1, 5)
    vout = _field(ctx.reply, 13, 17)
    if vin is None or vout is None:
        return ""
    return avr_word(vin, vout)


def avr_word(vin: float, vout: float) -> str:
    """TRIM / BYPASS / BOOST from the output/input voltage ratio ("" if implausible)."""
    if vin <= 0:
        return ""
    ratio = vout / vin
    if ratio < 0.5:
        return ""
    if ratio < 0.95:
        return "TRIM"
    if ratio < 1.05:
        return "BYPASS"
    if ratio < 1.5:
        return "BOOST"
    return ""


def ups_failed(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 4: UPS failed -> an alarm text."""
    return "UPS selftest failed!" if _bit(value) else ""


def ups_type(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 3: standby (offline / line-interactive) or online unit."""
    return "offline / line interactive" if _bit(value) else "online"


def test_in_progress(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 2: battery test running -> ``CAL``."""
    return "CAL" if _bit(value) else "!CAL"


def shutdown_active(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 1: shutdown pending -> ``FSD``, unless the ``ignoresab`` flag is set."""
    active = _bit(value)
    if ctx.flag("ignoresab"):
        return ""
    return "FSD" if active else "!FSD"


def beeper(ctx: QxContext, item: Item, value: str) -> str:
    """Bit 0: beeper enabled or disabled."""
    return "enabled" if _bit(value) else "disabled"


# --------------------------------------------------------------- other values
def battery_voltage(ctx: QxContext, item: Item, value: str) -> str:
    """Battery voltage, multiplied by the pack count when the unit reports one pack."""
    volts = float(value)
    if ctx.flag("battery_voltage_reports_one_pack"):
        with contextlib.suppress(ValueError):
            volts *= float(ctx.get("battery.packs") or "1")
    return f"{volts:.2f}"


# ------------------------------------------------------------- delays (setvar)
def _seconds(value: str | None) -> int:
    if value is None:
        raise ValueError("missing delay")
    try:
        return int(float(value))
    except OverflowError:  # "1e400" parses as inf
        raise ValueError(f"delay {value!r} out of range") from None


def ondelay_value(ctx: QxContext, item: Item, value: str) -> str:
    """``ups.delay.start``: truncated to whole minutes."""
    return str(_seconds(value) // 60 * 60)


def offdelay_value(ctx: QxContext, item: Item, value: str) -> str:
    """``ups.delay.shutdown``: below 60 s a multiple of 6 s, else whole minutes."""
    seconds = _seconds(value)
    return str(seconds // 6 * 6 if seconds < 60 else seconds // 60 * 60)


def offdelay_code(seconds: int) -> str:
    """The Megatec ``S<n>`` argument: ``.5`` for 30 s, ``02`` for 2 minutes."""
    if seconds < 60:
        return f".{seconds // 6}"
    return f"{seconds // 60:02d}"


def _delay(ctx: QxContext, name: str, fallback: str) -> int:
    return _seconds(ctx.get(name) or fallback)


def shutdown_return(ctx: QxContext, item: Item, param: str | None) -> str:
    """``S<n>R<m>`` (or plain ``S<n>`` when the restart delay is under a minute)."""
    off = offdelay_code(_delay(ctx, "ups.delay.shutdown", DEFAULT_OFFDELAY))
    minutes = _delay(ctx, "ups.delay.start", DEFAULT_ONDELAY) // 60
    return f"S{off}" if minutes <= 0 else f"S{off}R{minutes:04d}"


def shutdown_stayoff(ctx: QxContext, item: Item, param: str | None) -> str:
    """``S<n>R0000``: cut the load and stay off."""
    return f"S{offdelay_code(_delay(ctx, 'ups.delay.shutdown', DEFAULT_OFFDELAY))}R0000"


def test_battery_minutes(ctx: QxContext, item: Item, param: str | None) -> str:
    """``T<nn>``: the parameter is in seconds (60..5940, default 600), sent in minutes."""
    seconds = _seconds(param or item.default or "600")
    if not 60 <= seconds <= 5940:
        raise ValueError(f"test duration {seconds} s is outside 60..5940")
    return f"T{seconds // 60:02d}"
