"""A report descriptor rebuilt from NUT's ``Path:`` lines, for logs that lack one.

A ``usbhid-ups -D`` or ``-DD`` log (the level most users paste into an issue) prints
every field as ``Path: <path>, Type: <type>, ReportID: 0x<id>, Offset: <bit>, Size:
<bits>, Value: <value>`` but not the descriptor bytes.  Those lines say everything a
driver needs to find the fields again: the collections (the path), the report, the bits
and the value.  :func:`rebuild` writes a descriptor that puts each field exactly there,
with a logical range that holds its value and a unit exponent that gives back its
decimals, plus the feature reports holding the logged values, so the log can be served
as a device like a ``-DDD`` log.

Path nodes are resolved to usages by name (the generic Power Device and Battery System
pages, then the subdrivers' vendor tables, :mod:`upskit.transport.hidnames`), as 8 hex
digits, or as ``[n]`` (a vendor-type collection).  A field with a node no table names
cannot be placed and is left out (:attr:`Rebuilt.skipped` lists it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from upskit.sim.usb.hiddesc import APPLICATION, LOGICAL, PHYSICAL, ItemWriter, put_bits
from upskit.sim.usb.hidfield import CapturedField
from upskit.transport.hidnames import usage_for_name

_KINDS = ("feature", "input", "output")


@dataclass
class Rebuilt:
    """A rebuilt descriptor, the reports holding the logged values (id byte first when
    the device numbers its reports) and the fields that could not be placed."""

    descriptor: bytes
    reports: dict[int, bytes]
    skipped: list[str] = field(default_factory=list)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0


def _as_logical(value: float) -> tuple[int, int]:
    """``(logical, exponent)`` with ``logical * 10**exponent == value`` to the printed
    precision (NUT prints at most a few decimals)."""
    for exponent in range(0, -7, -1):
        scaled = value / 10.0 ** exponent
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, abs(scaled)):
            return round(scaled), exponent
    return round(value * 1e6), -6


def _nodes(path: str) -> list[tuple[str, int | None]]:
    """``(name, index)`` per collection level; ``index`` is the ``[n]`` that follows a
    vendor-type collection's usage."""
    nodes: list[tuple[str, int | None]] = []
    for part in path.split("."):
        if len(part) > 2 and part[0] == "[" and part[-1] == "]" and part[1:-1].isdigit() \
                and nodes:
            nodes[-1] = (nodes[-1][0], int(part[1:-1]))
        else:
            nodes.append((part, None))
    return nodes


def _usage(name: str, first: str) -> int | None:
    if len(name) == 8 and all(c in "0123456789abcdefABCDEF" for c in name):
        return int(name, 16)
    return usage_for_name(name, first)


def _range(size: int, negative: bool) -> tuple[int, int]:
    if negative:
        return -(1 << (size - 1)), (1 << (size - 1)) - 1
    return 0, min((1 << size) - 1, (1 << 31) - 1)


def rebuild(lines: Iterable[CapturedField], *, subdriver: str = "",
            usage: Callable[[str, str], int | None] = _usage) -> Rebuilt:
    """The descriptor and feature reports that ``lines`` describe (the last line of a
    field wins; a second field at bits already taken is left out)."""
    fields: dict[tuple[str, int, int], CapturedField] = {}
    for line in lines:
        kind = line.type.lower()
        if kind in _KINDS and line.size > 0:
            key = (kind, line.report_id, line.offset)
            old = fields.get(key)
            if old is None or old.path == line.path:
                fields[key] = line
    numbered = any(rid for _kind, rid, _offset in fields)
    writer = ItemWriter()
    skipped: list[str] = []
    open_nodes: list[tuple[str, int | None]] = []
    ends: dict[tuple[str, int], int] = {}
    values: dict[int, list[tuple[bool, int, int, int]]] = {}
    rid_written: int | None = None

    for (kind, rid, offset), line in sorted(fields.items(),
                                            key=lambda item: (_KINDS.index(item[0][0]),
                                                              item[0][1], item[0][2])):
        *parents, (leaf, _index) = _nodes(line.path)
        usages = [usage(name, subdriver) for name, _ in parents] + [usage(leaf, subdriver)]
        if any(u is None for u in usages) or ends.get((kind, rid), 0) > offset:
            skipped.append(f"{line.path} ({line.type}, report 0x{rid:02x}, bit {offset})")
            continue
        shared = 0
        while shared < min(len(open_nodes), len(parents)) and open_nodes[shared] == parents[shared]:
            shared += 1
        while len(open_nodes) > shared:
            writer.end()
            open_nodes.pop()
        for depth in range(shared, len(parents)):
            name, index = parents[depth]
            writer.usage(usages[depth] or 0, extended=True)
            writer.collection(0x80 | index if index is not None else
                              APPLICATION if depth == 0 else
                              LOGICAL if name == "PresentStatus" else PHYSICAL)
            open_nodes.append(parents[depth])
        if rid_written != rid:
            writer.report_id(rid)
            rid_written = rid
        gap = offset - ends.get((kind, rid), 0)
        if gap > 0:
            writer.size(gap).count(1).main(kind, 0x01)  # constant padding
        value = _number(line.value)
        logical, exponent = _as_logical(value)
        low, high = _range(line.size, value < 0)
        logical = min(max(logical, low), high)
        writer.exponent(exponent).logical(low, high, 4).size(line.size).count(1)
        writer.usage(usages[-1] or 0, extended=True).main(kind)
        ends[(kind, rid)] = offset + line.size
        if kind != "output":  # input values first: a feature at the same bits wins
            values.setdefault(rid, []).append((kind == "feature", offset, line.size, logical))
    while open_nodes:
        writer.end()
        open_nodes.pop()

    reports: dict[int, bytes] = {}
    for rid, placed in values.items():
        length = max((ends.get((kind, rid), 0) for kind in ("feature", "input")),
                     default=0)
        buffer = bytearray((length + 7) // 8)
        for _feature, offset, size, logical in sorted(placed):
            put_bits(buffer, offset, size, logical)
        reports[rid] = (bytes([rid]) if numbered else b"") + bytes(buffer)
    return Rebuilt(bytes(writer), reports, skipped)
