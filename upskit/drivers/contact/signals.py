"""The line words of a contact-closure cable: which lines carry a condition, which the
PC raises.

Inputs (from the UPS): ``CTS``, ``DCD`` (or ``CD``), ``DSR``, ``RNG`` (or ``RI``).
Outputs (from the PC): ``DTR``, ``RTS``, and ``ST`` (a BREAK on the transmit line).
A leading ``-`` means active low (``LB = -DCD``: the battery is low while DCD is
low); several lines join with ``+`` (``SD = DTR+RTS``); ``none`` (or NUT's ``NULL``)
disables the signal.  Unlike NUT, which looks for the names anywhere in the text, a
word that is not a line name, or a line on the wrong side, is refused with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from upskit.transport.lines import LineState

#: Input line word -> the :class:`LineState` field it reads.
INPUT_LINES = {"CTS": "cts", "DCD": "cd", "CD": "cd", "DSR": "dsr", "RNG": "ri", "RI": "ri"}
#: Output line words.
OUTPUT_LINES = ("DTR", "RTS", "ST")
_DISABLED = frozenset({"NONE", "NULL"})


class BadSignal(ValueError):
    """A line specification that names no line, or a line on the wrong side."""


@dataclass(frozen=True, slots=True)
class InputSignal:
    """A condition read from input lines: every ``(field, active_high)`` must hold.

    No lines: the signal is disabled (never asserted; see :meth:`asserted`).
    """

    lines: tuple[tuple[str, bool], ...] = ()

    @property
    def disabled(self) -> bool:
        return not self.lines

    def asserted(self, state: LineState, *, when_disabled: bool = False) -> bool:
        """Whether the condition holds in ``state`` (``when_disabled`` if no line)."""
        if not self.lines:
            return when_disabled
        return all(getattr(state, field) is high for field, high in self.lines)

    def level_for(self, active: bool) -> dict[str, bool]:
        """The line levels that make the condition ``active`` (or not): what a UPS
        drives.  For several lines, "not active" drops the first one only."""
        levels = {field: high for field, high in self.lines}
        if not active and self.lines:
            field, high = self.lines[0]
            levels[field] = not high
        return levels

    def describe(self) -> str:
        if not self.lines:
            return "none"
        names = {v: k for k, v in reversed(list(INPUT_LINES.items()))}
        return "+".join(("" if high else "-") + names[field] for field, high in self.lines)


@dataclass(frozen=True, slots=True)
class OutputSignal:
    """Output levels the PC sets: DTR and RTS (others low), or a BREAK (``brk``)."""

    dtr: bool = False
    rts: bool = False
    brk: bool = False

    def describe(self) -> str:
        words = [w for w, on in (("DTR", self.dtr), ("RTS", self.rts), ("ST", self.brk)) if on]
        return "+".join(words) or "none (DTR and RTS low)"


def _words(text: str) -> list[str]:
    words = [w for w in re.split(r"[\s+,|]+", text.strip().upper()) if w]
    if not words:
        raise BadSignal("names no line")
    return words


def parse_input(text: str) -> InputSignal:
    """``-CTS`` -> CTS active low; ``none`` -> disabled.  Raises :class:`BadSignal`."""
    words = _words(text)
    if len(words) == 1 and words[0] in _DISABLED:
        return InputSignal()
    lines: list[tuple[str, bool]] = []
    for word in words:
        name = word.lstrip("-")
        if name in OUTPUT_LINES:
            raise BadSignal(f"{name} is an output of the PC, not an input "
                            f"(inputs: CTS, DCD, DSR, RNG)")
        field = INPUT_LINES.get(name)
        if field is None or len(word) - len(name) > 1:
            raise BadSignal(f"{word!r} is not an input line (CTS, DCD or CD, DSR, RNG or RI, "
                            "a leading - for active low, or none)")
        if any(f == field for f, _ in lines):
            raise BadSignal(f"{name} is named twice")
        lines.append((field, not word.startswith("-")))
    return InputSignal(tuple(lines))


def parse_output(text: str) -> OutputSignal:
    """``DTR+RTS``, ``-RTS`` (RTS low), ``ST`` (BREAK), ``none`` (both low)."""
    words = _words(text)
    if len(words) == 1 and words[0] in _DISABLED:
        return OutputSignal()
    raised: set[str] = set()
    for word in words:
        name = word.lstrip("-")
        if name in INPUT_LINES:
            raise BadSignal(f"{name} is an input from the UPS, not an output (outputs: DTR, "
                            "RTS, ST)")
        if name not in OUTPUT_LINES or len(word) - len(name) > 1:
            raise BadSignal(f"{word!r} is not an output line (DTR, RTS, ST for a BREAK, a "
                            "leading - for low, or none)")
        if not word.startswith("-"):
            raised.add(name)
    return OutputSignal(dtr="DTR" in raised, rts="RTS" in raised, brk="ST" in raised)


def checked_input(text: str) -> str:
    """Option parser: an input specification, kept as written."""
    parse_input(text)
    return text


def checked_output(text: str) -> str:
    """Option parser: an output specification, kept as written."""
    parse_output(text)
    return text
