"""One device variable with NUT semantics: a string value plus flags, enums and ranges."""

from __future__ import annotations

from dataclasses import dataclass, field

from upskit.model.flags import VarFlag

_IMMUTABLE = VarFlag.IMMUTABLE.value


class _Described:
    """What a variable's flags, enums and ranges say about it (shared by the live
    variable and its snapshot)."""

    __slots__ = ()
    name: str
    value: str
    flags: VarFlag
    aux: int
    enums: list[str] | tuple[str, ...]
    ranges: list[tuple[int, int]] | tuple[tuple[int, int], ...]

    @property
    def writable(self) -> bool:
        return bool(self.flags & VarFlag.RW)

    @property
    def is_string(self) -> bool:
        return bool(self.flags & VarFlag.STRING)

    @property
    def immutable(self) -> bool:
        return bool(self.flags.value & _IMMUTABLE)  # an int test: Flag's & is slow

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


@dataclass
class Variable(_Described):
    """A published variable. Values are always strings, as on the wire.

    The device model owns it: read it freely, change it only through
    :class:`~upskit.model.device.Device`, which tells its subscribers.
    """

    name: str
    value: str
    flags: VarFlag = VarFlag.NONE
    aux: int = 0
    enums: list[str] = field(default_factory=list)
    ranges: list[tuple[int, int]] = field(default_factory=list)

    def snapshot(self) -> VariableSnapshot:
        return VariableSnapshot(self.name, self.value, self.flags, self.aux,
                                tuple(self.enums), tuple(self.ranges))


@dataclass(frozen=True, slots=True)
class VariableSnapshot(_Described):
    """An immutable copy of a variable: everything a ``DUMPALL`` says about it."""

    name: str
    value: str
    flags: VarFlag = VarFlag.NONE
    aux: int = 0
    enums: tuple[str, ...] = ()
    ranges: tuple[tuple[int, int], ...] = ()


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip() != "" and value.strip().lower() not in {"nan", "inf", "-inf", "infinity"}
