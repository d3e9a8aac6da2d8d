"""Rows for PDUs chained behind one agent (NUT's daisychain ``device.N.*`` naming).

Not a table: the helpers the ``eaton_epdu``, ``hpe_epdu`` and ``emerson_avocent_pdu``
tables build their rows with.  An OID template holds ``{u}`` where the unit index goes.
The master's row (unit ``master``) publishes the plain name; with two units or more,
every unit N (names from 1, OIDs from ``first``) publishes ``device.N.<name>`` too
(``device.model`` becomes ``device.N.model``).  ``ups.*`` rows are the master's only.

A chained unit may have more outlets or groups than the master, whose counts the
format's indexes read: chained rows run over fixed bounds instead, and the rows whose
OIDs do not answer when the driver binds them are dropped (a larger GET-many at
start-up, none per poll).
"""

from __future__ import annotations

from typing import Any

from upskit.drivers.snmp.table import OUTLET_GROUPS, OUTLETS, Command, Index, Var

MAX_OUTLETS = 64
MAX_GROUPS = 24
_CHAINED = {OUTLETS: Index(MAX_OUTLETS), OUTLET_GROUPS: Index(MAX_GROUPS)}


class Chain:
    """How one MIB numbers its units: the master's index and the first unit's."""

    def __init__(self, master: int, first: int) -> None:
        self.master = master
        #: chained units: device.count of them, OIDs from ``first``, names from 1
        self.units = Index("device.count", base=first, at_least=2)

    def var(self, name: str, oid: str, *, each: tuple[Index, ...] = (),
            **fields: Any) -> tuple[Var, ...]:
        """The master's row, then the chained units' ``device.N.`` row."""
        master = Var(name, oid.replace("{u}", str(self.master)), each=each, **fields)
        if name.startswith("ups."):
            return (master,)
        chained = Var(device_name(name), oid.replace("{u}", "%i"),
                      each=(self.units, *(_CHAINED.get(i, i) for i in each)), **fields)
        return (master, chained)

    def command(self, name: str, oid: str, value: int, index: Index) -> tuple[Command, ...]:
        """An outlet (or group) command of the master, then of every chained unit."""
        return (Command(name, oid.replace("{u}", str(self.master)), value, each=(index,)),
                Command(device_name(name), oid.replace("{u}", "%i"), value,
                        each=(self.units, _CHAINED.get(index, index))))


def device_name(name: str) -> str:
    """``outlet.%i.status`` -> ``device.%i.outlet.%i.status``; ``device.model`` ->
    ``device.%i.model``."""
    if name.startswith("device."):
        return "device.%i." + name.removeprefix("device.")
    return "device.%i." + name


def rows(*groups: tuple[Var, ...]) -> tuple[Var, ...]:
    """The rows of ``groups``, flattened."""
    return tuple(row for group in groups for row in group)
