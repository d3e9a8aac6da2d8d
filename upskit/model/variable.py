"""One device variable with NUT semantics: a string value plus flags, enums and ranges."""

from __future__ import annotations

from dataclasses import dataclass, field

from upskit.model.flags import VarFlag


@dataclass
class Variable:
    """A published variable. Values are always strings, as on the wire."""

    name: str
    value: str
    flags: VarFlag = VarFlag.NONE
    aux: int = 0
    enums: list[str] = field(default_factory=list)
    ranges: list[tuple[int, int]] = field(default_factory=list)

    @property
    def writable(self) -> bool:
        return bool(self.flags & VarFlag.RW)

    @property
    def is_string(self) -> bool:
        return bool(self.flags & VarFlag.STRING)

    @property
    def immutable(self) -> bool:
        return bool(self.flags & VarFlag.IMMUTABLE)

    def type_words(self) -> list[str]:
        """The words of a ``TYPE`` reply, truthful about what the value is."""
        words: list[str] = []
        if self.writable:
            words.append("RW")
        if self.enums:
            words.append("ENUM")
        if self.ranges:
            words.append("RANGE")
        if self.is_string:
            words.append(f"STRING:{self.aux}")
        elif self.flags & VarFlag.NUMBER or (not self.enums and _looks_numeric(self.value)):
            words.append("NUMBER")
        elif not self.enums and not self.ranges:
            words.append(f"STRING:{max(self.aux, len(self.value))}")
        return words


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip() != "" and value.strip().lower() not in {"nan", "inf", "-inf", "infinity"}
