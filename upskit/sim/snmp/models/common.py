"""Helpers the simulated MIB tables share: settings as writable objects, enumerations,
the output source and alarm tables RFC 1628 and the XUPS MIB have in common."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from upskit.sim.snmp.mib import Builder, Kind, SetError, oid
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


def output_source(s: SnmpUps) -> int:
    """upsOutputSource (RFC 1628) and xupsOutputSource (XUPS), numbered alike: none(2),
    normal(3), bypass(4), battery(5), booster(6), reducer(7)."""
    ups = s.physics
    if not ups.output_on:
        return 2
    if ups.on_battery:
        return 5
    if s.bypass:
        return 4
    if ups.avr_active:
        return 6 if ups.input_voltage < ups.nominal_voltage else 7
    return 3


def alarm_rows(b: Builder[SnmpUps], numbers: Iterable[int],
               active: Callable[[SnmpUps], list[int]], *, entry: str, descr: str,
               names: tuple[str, str, str]) -> None:
    """An alarm table (RFC 1628 upsAlarmTable, XUPS xupsAlarmTable) indexed by the
    well-known alarm number: a row per number, present while ``active`` lists it.

    ``entry`` is the table entry's OID, ``descr`` the prefix of the alarms'
    description OIDs, ``names`` the id, description and time columns' names.
    """
    id_name, descr_name, time_name = names

    def row(number: int) -> None:
        def present(s: SnmpUps) -> bool:
            return number in active(s)

        b.add(f"{entry}.1.{number}", Kind.INTEGER, lambda s: number, name=id_name,
              present=present)
        b.add(f"{entry}.2.{number}", Kind.OID, lambda s: oid(f"{descr}.{number}"),
              name=descr_name, present=present)
        b.add(f"{entry}.3.{number}", Kind.TICKS, lambda s: 0, name=time_name,
              present=present)

    for number in numbers:
        row(number)
