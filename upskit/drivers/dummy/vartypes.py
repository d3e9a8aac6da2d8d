"""The type NUT's dummy-ups gives a variable read from a file (without ``#RW`` markup).

Checked against Debian's dummy-ups 2.8.0 + upsd: the variables it knows by name keep a
fixed type (a string of a given maximum length, or a number); every other variable is
a writable string of at most 32 characters, whatever its value looks like.
"""

from __future__ import annotations

#: Maximum length of a writable string variable dummy-ups does not know by name.
DEFAULT_STRING_LENGTH = 32

#: Known string variables -> their maximum length.
_STRINGS: dict[str, int] = {
    "ups.mfr": 32, "ups.model": 32, "ups.status": 32, "ups.serial": 32, "ups.alarm": 32,
    "ups.time": 16, "ups.date": 16, "ups.mfr.date": 16, "ups.firmware": 16,
    "ups.firmware.aux": 16, "ups.id": 16, "ups.test.result": 16,
    "input.transfer.reason": 1, "input.sensitivity": 1, "input.quality": 6,
}  # fmt: skip

#: Known numeric variables.
_NUMBERS = frozenset({
    "ups.load", "ups.temperature", "ups.delay.start", "ups.delay.reboot",
    "ups.delay.shutdown", "ups.test.interval",
    "input.voltage", "input.voltage.maximum", "input.voltage.minimum",
    "input.voltage.nominal", "input.transfer.low", "input.transfer.high", "input.frequency",
    "input.transfer.boost.low", "input.transfer.boost.high", "input.transfer.trim.low",
    "input.transfer.trim.high",
    "output.voltage", "output.frequency", "output.current",
    "battery.charge", "battery.charge.low", "battery.voltage", "battery.current",
    "battery.runtime", "battery.runtime.low", "battery.charge.restart",
    "battery.temperature", "battery.voltage.nominal",
})  # fmt: skip


def string_length(name: str) -> int | None:
    """Maximum length of ``name`` as a writable string, or ``None`` for a number."""
    folded = name.lower()  # dummy-ups matches names in any case
    if folded in _NUMBERS:
        return None
    return _STRINGS.get(folded, DEFAULT_STRING_LENGTH)
