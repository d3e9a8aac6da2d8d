"""Gtec: ``Q4`` status with letters instead of bits, plus Megatec ``F`` / ``I``.

``Q4`` -> ``(236.7 243.2 212.1 220.1 230.4 002 001 50.0 371 372 041.3 22.9 IM``;
the trailing letters are A utility fail, B battery low, C bypass/boost, D UPS
failed, E test running, F shutdown active, G site fault, H EPROM fail, I/J/K/L
test results, M normal mode, N overload.  Claim: ``Q4`` then (unless
``novendor``) ``I``.
"""

from __future__ import annotations

from upskit.drivers.qx.dialect import Claim, Dialect
from upskit.drivers.qx.items import QUICK_POLL, Item, Query, QxContext
from upskit.drivers.qx.protocols import megatec as m
from upskit.model.mapping import Lookup

_WORDS = Lookup({"A": "!OL", "B": "LB", "C": "BYPASS", "F": "FSD", "M": "OL", "N": "OVER"},
                name="status letter")
_ALARMS = Lookup({"D": "UPS failed", "G": "Site fault", "H": "EPROM fail"},
                 name="alarm letter")
_TESTS = Lookup({"E": "Test in progress", "I": "Test passed - Result: OK",
                 "J": "Test passed - Result: Failed", "K": "Test not possible or inhibited",
                 "L": "Test status unknown"}, name="test letter")


def _letters(value: str) -> str:
    letters = value.strip()
    if not letters.isalpha() or not letters.isupper():
        raise ValueError(f"status letters {value!r} are not capital letters")
    return letters


def status_letters(ctx: QxContext, item: Item, value: str) -> str:
    """Status words from the letters; no letter at all means the output is off."""
    letters = _letters(value)
    words = [_WORDS.word(c) for c in letters if c in _WORDS] or ["OFF"]
    words.append("CAL" if "E" in letters else "!CAL")
    return " ".join(words)


def alarm_letters(ctx: QxContext, item: Item, value: str) -> str:
    """Alarm texts for D, G and H."""
    return " ".join(_ALARMS.word(c) for c in _letters(value) if c in _ALARMS)


def test_letters(ctx: QxContext, item: Item, value: str) -> str:
    """``ups.test.result`` from E, I, J, K or L (ValueError when none is present)."""
    for c in _letters(value):
        if c in _TESTS:
            return _TESTS.word(c)
    raise ValueError("no test letter")


Q4 = Query("Q4", 64, "(")
Q4_ROWS = (
    Q4.item("input.voltage", 1, 5, "%.1f"),
    Q4.item("input.voltage.fault", 19, 23, "%.1f"),
    Q4.item("output.voltage", 25, 29, "%.1f"),
    Q4.item("ups.load", 35, 37, "%.0f"),
    Q4.item("input.frequency", 39, 42, "%.1f"),
    Q4.item("battery.voltage", 52, 56, "%.1f"),
    Q4.item("ups.temperature", 58, 61, "%.1f"),
    Q4.item("ups.status", 63, 0, flags=QUICK_POLL, convert=status_letters),
    Q4.item("ups.alarm", 63, 0, convert=alarm_letters),
    Q4.item("ups.test.result", 63, 0, convert=test_letters),
)


DIALECT = Dialect(
    name="gtec",
    version="0.01",
    title="Gtec",
    position=20,
    items=Q4_ROWS + m.RATING_ROWS + m.vendor_rows("I") + m.COMMAND_ROWS + m.DELAY_ROWS,
    claim=Claim(("input.voltage",), vendor=("device.mfr",)),
    accepted="ACK",
    skip_with={"novendor": ("I",), "norating": ("F",)},
)
