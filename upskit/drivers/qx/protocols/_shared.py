"""Building blocks shared by the Q* dialects that extend the Megatec set.

Not a dialect itself (the registry skips modules whose name starts with ``_``):
numeric checks, delay rows with dialect-specific ranges, ``(ACK``-style command
rows, a phase-count ``initinfo`` hook and a few value converters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from upskit.drivers.qx import hooks as h
from upskit.drivers.qx.dialect import Dialect, DialectHost
from upskit.drivers.qx.items import QUICK_POLL, Convert, Item, QxContext, server_var

_NUMERIC = frozenset("0123456789. ")


def number(value: str) -> float:
    """A NUT-numeric field (digits, dots, spaces only) as a float; ValueError otherwise."""
    text = value.strip()
    if not text or not set(value) <= _NUMERIC:
        raise ValueError(f"{value!r} is not a number")
    return float(text)


def scaled(factor: float, fmt: str) -> Convert:
    """A converter multiplying a numeric field by ``factor`` (kW -> W, minutes -> s)."""

    def convert(ctx: QxContext, item: Item, value: str) -> str:
        return fmt % (number(value) * factor)

    return convert


def minutes_to_seconds(ctx: QxContext, item: Item, value: str) -> str:
    """A runtime reported in minutes, published in seconds."""
    return f"{number(value) * 60:.0f}"


def fallback(row: Item) -> Item:
    """``row`` read only when an earlier row did not already give its variable.

    Several queries can report the same variable (``QMD`` and ``F`` both give
    ``input.voltage.nominal``); as in NUT's start-up walk, the first one wins.
    """
    inner = row.convert

    def convert(ctx: QxContext, item: Item, value: str) -> str:
        if ctx.get(item.name) is not None:
            raise ValueError(f"{item.name} already known")
        if inner is not None:
            return inner(ctx, item, value)
        if item.fmt == "%s":
            if not value:
                raise ValueError("empty value")
            return value
        if item.fmt.endswith("d"):
            return item.fmt % int(number(value))
        return item.fmt % number(value)

    return row.with_(convert=convert)


def delay_rows(on_range: tuple[int, int] = (0, 599940), off_range: tuple[int, int] = (12, 600),
               on_default: str = h.DEFAULT_ONDELAY,
               off_default: str = h.DEFAULT_OFFDELAY) -> tuple[Item, Item]:
    """``ups.delay.start`` / ``ups.delay.shutdown`` with a dialect's own ranges."""
    return (
        server_var("ups.delay.start", on_default, ranges=(on_range,), option="ondelay",
                   convert=h.ondelay_value),
        server_var("ups.delay.shutdown", off_default, ranges=(off_range,), option="offdelay",
                   convert=h.offdelay_value),
    )


def ack_rows(rows: Iterable[Item], length: int = 5, start: int = 1,
             end: int = 3) -> tuple[Item, ...]:
    """Command rows whose reply (``(ACK``) is checked at ``start``..``end``."""
    return tuple(r.with_(length=length, start=start, end=end) for r in rows)


def without(rows: Iterable[Item], *names: str) -> tuple[Item, ...]:
    """``rows`` minus the ones called ``names``."""
    return tuple(r for r in rows if r.name not in names)


def quick(rows: Iterable[Item], *names: str) -> tuple[Item, ...]:
    """``rows`` with the ones called ``names`` also read on every quick update."""
    return tuple(r.with_(flags=r.flags | QUICK_POLL) if r.name in names else r for r in rows)


def phases(**counts: int) -> Callable[[Dialect, DialectHost], None]:
    """An ``initinfo`` hook publishing phase counts: ``phases(input=3, output=1)``."""

    def initinfo(dialect: Dialect, host: DialectHost) -> None:
        for where, count in counts.items():
            host.set(f"{where.replace('_', '.')}.phases", str(count))

    return initinfo


def offdelay_code(seconds: int) -> str:
    """``.n`` (tenths of a minute) below 60 s, else two-digit minutes."""
    return h.offdelay_code(seconds)


def test_battery_short(ctx: QxContext, item: Item, param: str | None) -> str:
    """``T.n`` / ``Tnn``: seconds 12..5940 (below a minute in 6 s steps)."""
    text = (param or item.default or "600").strip()
    if not text.isdigit():
        raise ValueError(f"test duration {text!r} is not a whole number of seconds")
    seconds = int(text)
    if not 12 <= seconds <= 5940:
        raise ValueError(f"test duration {seconds} s is outside 12..5940")
    return f"T{offdelay_code(seconds)}"


def bit(value: str) -> bool:
    """A single status bit, ``0`` or ``1``."""
    if value not in ("0", "1"):
        raise ValueError(f"status bit {value!r} is neither 0 nor 1")
    return value == "1"


