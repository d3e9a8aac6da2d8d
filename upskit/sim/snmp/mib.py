"""A MIB as data: objects with a type, a reader and an optional writer, in OID order.

A :class:`MibTable` is built once per simulated MIB and shared by every simulated
agent that serves it; readers and writers receive the agent's state object, so a
thousand simulated UPSes cost a thousand small state objects, not a thousand tables.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

S = TypeVar("S")

#: An OID as a tuple of integers.
Oid = tuple[int, ...]
#: A plain value: an integer, a text, or an OID.
Value = int | str | Oid


class Kind(Enum):
    """The SNMP syntax of a MIB object (encoded by the agent per protocol version)."""

    INTEGER = "Integer32"
    STRING = "OctetString"
    OID = "ObjectIdentifier"
    GAUGE = "Gauge32"
    COUNTER = "Counter32"
    TICKS = "TimeTicks"


class SetError(Exception):
    """A SET a writer refuses; ``status`` is the SNMPv2 error name (``wrongValue``,
    ``inconsistentValue``...)."""

    def __init__(self, status: str = "wrongValue") -> None:
        super().__init__(status)
        self.status = status


def oid(text: str) -> Oid:
    """``"1.3.6.1.2.1.1.2.0"`` (leading dot allowed) -> a tuple of integers."""
    return tuple(int(part) for part in text.strip(".").split("."))


def oid_text(value: Oid) -> str:
    """A tuple OID as dotted text."""
    return ".".join(str(part) for part in value)


@dataclass(frozen=True)
class MibObject(Generic[S]):
    """One object instance: its OID, syntax, how to read it, how to write it.

    ``write`` (None for read-only objects) receives a value already checked against
    ``kind`` and ``minimum``/``maximum``; it raises :class:`SetError` to refuse it.
    """

    oid: Oid
    kind: Kind
    read: Callable[[S], Value]
    write: Callable[[S, Any], None] | None = None
    minimum: int | None = None
    maximum: int | None = None
    name: str = ""
    #: Whether the instance exists in this state (rows of a table that come and go).
    present: Callable[[S], bool] | None = None

    def exists(self, state: S) -> bool:
        return self.present is None or self.present(state)

    @property
    def writable(self) -> bool:
        return self.write is not None

    def check(self, value: Value) -> None:
        """Raise :class:`SetError` when ``value`` is outside the object's range."""
        if isinstance(value, int):
            if self.minimum is not None and value < self.minimum:
                raise SetError("wrongValue")
            if self.maximum is not None and value > self.maximum:
                raise SetError("wrongValue")
        elif isinstance(value, str) and self.maximum is not None and len(value) > self.maximum:
            raise SetError("wrongLength")


class MibTable(Generic[S]):
    """Objects in lexicographic OID order, for GET and GETNEXT."""

    def __init__(self, objects: Iterable[MibObject[S]]) -> None:
        by_oid: dict[Oid, MibObject[S]] = {}
        for obj in objects:
            if obj.oid in by_oid:
                raise ValueError(f"OID {oid_text(obj.oid)} defined twice")
            by_oid[obj.oid] = obj
        self._objects = by_oid
        self._order = sorted(by_oid)

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Any:
        return (self._objects[key] for key in self._order)

    def get(self, key: Oid, state: S) -> MibObject[S] | None:
        """The object at exactly ``key``, if it exists in ``state``."""
        obj = self._objects.get(key)
        return obj if obj is not None and obj.exists(state) else None

    def defines(self, key: Oid) -> bool:
        """Whether ``key`` is an object of the table, present now or not."""
        return key in self._objects

    def next_after(self, key: Oid, state: S) -> MibObject[S] | None:
        """The first object present in ``state`` whose OID sorts after ``key`` (None at
        the end of the MIB)."""
        index = bisect.bisect_right(self._order, key)
        while index < len(self._order):
            obj = self._objects[self._order[index]]
            if obj.exists(state):
                return obj
            index += 1
        return None

    def has_prefix(self, key: Oid) -> bool:
        """Whether some object lives under ``key`` (an object type without this instance)."""
        index = bisect.bisect_left(self._order, key)
        return index < len(self._order) and self._order[index][:len(key)] == key


class Builder(Generic[S]):
    """Collects :class:`MibObject` rows under a base OID with short helpers."""

    def __init__(self) -> None:
        self.objects: list[MibObject[S]] = []

    def add(self, at: str, kind: Kind, read: Callable[[S], Value],
            write: Callable[[S, Any], None] | None = None, *, name: str = "",
            minimum: int | None = None, maximum: int | None = None,
            present: Callable[[S], bool] | None = None) -> None:
        self.objects.append(
            MibObject(oid(at), kind, read, write, minimum, maximum, name, present))

    def const(self, at: str, kind: Kind, value: Value, name: str = "") -> None:
        self.add(at, kind, lambda _state: value, name=name)

    def table(self) -> MibTable[S]:
        return MibTable(self.objects)
