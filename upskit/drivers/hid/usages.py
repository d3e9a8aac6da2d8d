"""Usage names of the Power Device (0x84) and Battery System (0x85) pages, and usage
paths written as NUT's usbhid-ups writes them (``UPS.PowerSummary.RemainingCapacity``).

A path node is a 32-bit usage (page << 16 | id). Names come from the USB-IF "Usage
Tables for HID Power Devices", spelt as NUT spells them (including its ``iDevicename``,
``Usenext`` and ``Maxerror``). A node no table names prints as 8 hex digits
(``ff860024``); a vendor-type collection adds an index node printed ``[n]``.
Subdrivers pass their own tables before the generic one: the first table naming a
usage wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from upskit.drivers.hid.descriptor import Field, ReportDescriptor
from upskit.transport.hidnames import (
    BATTERY_SYSTEM_PAGE,
    GENERIC,
    INDEX_NODE,
    POWER_DEVICE_PAGE,
    UsageTable,
    make_table,
)

__all__ = ["BATTERY_SYSTEM_PAGE", "GENERIC", "INDEX_NODE", "POWER_DEVICE_PAGE", "UsageTable",
           "make_table"]

def nut_path_nodes(field: Field) -> tuple[int, ...]:
    """The numeric path NUT keeps for a field: collection usages (plus an index node
    after each vendor-type collection), then the field's usage."""
    nodes: list[int] = []
    for collection in field.collections:
        nodes.append(collection.usage)
        if collection.is_vendor:
            nodes.append(INDEX_NODE | (collection.kind & 0x7F))
    nodes.append(field.usage)
    return tuple(nodes)


def node_name(node: int, tables: Sequence[UsageTable] = (GENERIC,)) -> str:
    """One path component: a table's name, ``[n]`` for an index node, else 8 hex digits."""
    for table in tables:
        name = table.get(node)
        if name is not None:
            return name
    if node & 0xFFFF0000 == INDEX_NODE:
        return f"[{node & 0xFFFF}]"
    return f"{node:08x}"


def render_path(nodes: Iterable[int], tables: Sequence[UsageTable] = (GENERIC,)) -> str:
    """A numeric path as NUT prints it, components joined by dots."""
    return ".".join(node_name(node, tables) for node in nodes)


def field_path(field: Field, tables: Sequence[UsageTable] = (GENERIC,)) -> str:
    """A field's path as NUT prints it."""
    return render_path(nut_path_nodes(field), tables)


def parse_path(text: str, tables: Sequence[UsageTable] = (GENERIC,)) -> tuple[int, ...]:
    """The numeric path of a dotted path string (names case-insensitive, ``[n]``, hex);
    raise ValueError for a component that is none of these."""
    by_name: dict[str, int] = {}
    for table in reversed(tables):
        by_name.update((name.lower(), usage) for usage, name in table.items())
    nodes: list[int] = []
    for part in text.split("."):
        usage = by_name.get(part.lower())
        if usage is not None:
            nodes.append(usage)
        elif len(part) > 2 and part[0] == "[" and part[-1] == "]" and part[1:-1].isdigit():
            nodes.append(INDEX_NODE | (int(part[1:-1]) & 0xFFFF))
        elif 0 < len(part) <= 8 and all(c in "0123456789abcdefABCDEF" for c in part):
            nodes.append(int(part, 16))
        else:
            raise ValueError(f"unknown usage {part!r} in path {text!r}")
    return tuple(nodes)


def nut_fields(descriptor: ReportDescriptor) -> list[Field]:
    """The fields NUT keeps in its item list: those with a declared usage of their own
    (a slot past the declared usages, or with none, is not an item for NUT)."""
    return [f for f in descriptor.fields if f.usage != 0 and not f.usage_repeated]
