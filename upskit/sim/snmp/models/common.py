"""Helpers the simulated MIB tables share: settings as writable objects, enumerations."""

from __future__ import annotations

from collections.abc import Callable

from upskit.sim.snmp.mib import Builder, Kind, SetError
from upskit.sim.snmp.ups import SnmpUps


def setting(b: Builder[SnmpUps], at: str, key: str, name: str, *,
            minimum: int, maximum: int, kind: Kind = Kind.INTEGER,
            scale: float = 1.0, apply: Callable[[SnmpUps, int], None] | None = None) -> None:
    """A writable integer setting stored as ``settings[key]`` (``scale``: the object's
    value is the setting times ``scale``); ``apply`` also changes the physics."""

    def read(state: SnmpUps) -> int:
        return round(float(state.settings[key]) * scale)

    def write(state: SnmpUps, value: int) -> None:
        state.settings[key] = value / scale
        if apply is not None:
            apply(state, value)

    b.add(at, kind, read, write, name=name, minimum=minimum, maximum=maximum)


def enum_setting(b: Builder[SnmpUps], at: str, key: str, name: str,
                 allowed: set[int]) -> None:
    """A writable enumeration stored as ``settings[key]``."""

    def write(state: SnmpUps, value: int) -> None:
        if value not in allowed:
            raise SetError("wrongValue")
        state.settings[key] = value

    b.add(at, Kind.INTEGER, lambda s: int(s.settings[key]), write, name=name)


def ticks(seconds: float) -> int:
    """Seconds as TimeTicks (hundredths)."""
    return max(0, int(seconds * 100))
