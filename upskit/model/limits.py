"""What a value written with SET must satisfy: one check for upsd and for every driver."""

from __future__ import annotations

from dataclasses import dataclass

from upskit.model.flags import SetError
from upskit.model.variable import Variable


@dataclass(frozen=True, slots=True)
class SetLimits:
    """The limits of a writable variable.

    By default upsd's rules: a string at most ``max_length`` characters, one of
    ``enums`` exactly, an integer inside one of ``ranges``.  A driver may apply its
    NUT counterpart's own rules on top: nutdrv_qx compares enumerated values ignoring
    case (``ignore_case``), takes fractional numbers (``fractions``) and wants a
    number for a range-checked variable even before its ranges are known
    (``numeric``).
    """

    max_length: int = 0
    enums: tuple[str, ...] = ()
    ranges: tuple[tuple[int, int], ...] = ()
    numeric: bool = False
    ignore_case: bool = False
    fractions: bool = False

    @classmethod
    def of(cls, var: Variable) -> SetLimits:
        """upsd's limits for a published variable."""
        return cls(var.aux if var.is_string else 0, tuple(var.enums), tuple(var.ranges))

    def refusal(self, value: str) -> tuple[SetError, str] | None:
        """Why ``value`` is refused (the error and a reason to log), or None."""
        if self.max_length and len(value) > self.max_length:
            return SetError.TOO_LONG, f"longer than {self.max_length}"
        if self.enums and not self._enumerated(value):
            return SetError.INVALID_VALUE, f"not one of {', '.join(self.enums)}"
        if self.ranges or self.numeric:
            try:
                number = float(value) if self.fractions else int(value)
            except ValueError:
                return SetError.INVALID_VALUE, "not a number"
            if self.ranges and not any(lo <= number <= hi for lo, hi in self.ranges):
                shown = ", ".join(f"{lo}..{hi}" for lo, hi in self.ranges)
                return SetError.INVALID_VALUE, f"out of range ({shown})"
        return None

    def _enumerated(self, value: str) -> bool:
        if not self.ignore_case:
            return value in self.enums
        wanted = value.lower()
        return any(e.lower() == wanted for e in self.enums)
