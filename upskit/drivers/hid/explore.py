"""Explore a HID Power Device: every field NUT keeps, as the ``Path:`` line NUT's
``usbhid-ups -x explore`` debug output prints for it, and the descriptor item by item.

An explore line reads ``Path: UPS.PowerSummary.Voltage, Type: Feature, ReportID: 0x09,
Offset: 0, Size: 16, Value: 13.58`` (the value in C's ``%g`` notation). As NUT does, the
value of every field (Input and Output ones too) is read with a GET_REPORT of the
feature report with the field's report ID; a field whose report cannot be read has no
line. The identity of the unit is written first in the lines NUT's debug log uses
(``- VendorID: 051d``), so that the output feeds ``upskit hid generate`` as a NUT log
does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from upskit.drivers.hid.descriptor import (
    DescriptorError,
    Field,
    Item,
    MainFlag,
    ReportDescriptor,
    ReportType,
    iter_items,
)
from upskit.drivers.hid.usages import GENERIC, UsageTable, field_path, node_name, nut_fields
from upskit.drivers.hid.values import read_value
from upskit.transport.base import TransportError
from upskit.transport.hid import HidPort


@dataclass(frozen=True, slots=True)
class ExploreLine:
    """One field as NUT's explore mode shows it."""

    path: str
    report_type: ReportType
    report_id: int
    offset: int
    size: int
    value: float

    def __str__(self) -> str:
        return (f"Path: {self.path}, Type: {self.report_type.value}, "
                f"ReportID: 0x{self.report_id:02x}, Offset: {self.offset}, "
                f"Size: {self.size}, Value: {self.value:g}")


#: NUT's debug lines naming the unit, and the device_info keys that fill them.
IDENTITY_LINES = (("VendorID", "ups.vendorid"), ("ProductID", "ups.productid"),
                  ("Manufacturer", "driver.parameter.vendor"),
                  ("Product", "driver.parameter.product"),
                  ("Serial Number", "driver.parameter.serial"))


def identity_lines(info: dict[str, str]) -> list[str]:
    """The ``- VendorID: 051d`` ... lines for what ``info`` (a port's device_info) says."""
    return [f"- {label}: {info[key].strip()}" for label, key in IDENTITY_LINES
            if info.get(key, "").strip()]


@dataclass
class Unreadable:
    """A report explore could not read, and why."""

    report_id: int
    reason: str


async def explore(port: HidPort, descriptor: ReportDescriptor,
                  tables: Sequence[UsageTable] = (GENERIC,),
                  ) -> tuple[list[ExploreLine], list[Unreadable]]:
    """Read every field of ``descriptor`` through ``port`` (open): its explore lines in
    descriptor order, and the feature reports that could not be read."""
    reports: dict[int, bytes | None] = {}
    failed: list[Unreadable] = []
    lines: list[ExploreLine] = []
    for f in nut_fields(descriptor):
        if f.report_id not in reports:
            reports[f.report_id] = await _feature(port, descriptor, f, failed)
        data = reports[f.report_id]
        if data is None:
            continue
        lines.append(ExploreLine(field_path(f, tables), f.report_type, f.report_id,
                                 f.offset, f.size, read_value(f, data)))
    return lines, failed


async def _feature(port: HidPort, descriptor: ReportDescriptor, f: Field,
                   failed: list[Unreadable]) -> bytes | None:
    length = max(descriptor.report_length(f.report_type, f.report_id),
                 descriptor.report_length(ReportType.FEATURE, f.report_id))
    ids = descriptor.uses_report_ids
    try:
        data = await port.get_feature(f.report_id, length + (1 if ids else 0))
    except TransportError as exc:
        failed.append(Unreadable(f.report_id, str(exc) or type(exc).__name__))
        return None
    if ids:
        if not data or data[0] != f.report_id:
            got = f"0x{data[0]:02x}" if data else "nothing"
            failed.append(Unreadable(f.report_id, f"answered with report {got}"))
            return None
        data = data[1:]
    return bytes(data)


# --------------------------------------------------------------- descriptor dump
_MAIN_NAMES = {0x8: "Input", 0x9: "Output", 0xB: "Feature", 0xA: "Collection",
               0xC: "End Collection"}
_GLOBAL_NAMES = ("Usage Page", "Logical Minimum", "Logical Maximum", "Physical Minimum",
                 "Physical Maximum", "Unit Exponent", "Unit", "Report Size", "Report ID",
                 "Report Count", "Push", "Pop")
_LOCAL_NAMES = {0: "Usage", 1: "Usage Minimum", 2: "Usage Maximum",
                3: "Designator Index", 4: "Designator Minimum", 5: "Designator Maximum",
                7: "String Index", 8: "String Minimum", 9: "String Maximum",
                10: "Delimiter"}
_COLLECTION_KINDS = ("Physical", "Application", "Logical", "Report", "Named Array",
                     "Usage Switch", "Usage Modifier")
_PAGES = {0x01: "Generic Desktop", 0x06: "Generic Device Controls", 0x08: "LED",
          0x09: "Button", 0x84: "Power Device", 0x85: "Battery System"}
_FLAG_WORDS = ((MainFlag.CONSTANT, "Data", "Const"), (MainFlag.VARIABLE, "Array", "Var"),
               (MainFlag.RELATIVE, "Abs", "Rel"), (MainFlag.WRAP, "", "Wrap"),
               (MainFlag.NONLINEAR, "", "NonLin"), (MainFlag.NO_PREFERRED, "", "NoPref"),
               (MainFlag.NULL_STATE, "", "Null"), (MainFlag.VOLATILE, "", "Vol"),
               (MainFlag.BUFFERED_BYTES, "", "Buf"))


def _page_name(page: int) -> str:
    name = _PAGES.get(page)
    if name is not None:
        return name
    return f"Vendor 0x{page:04x}" if page >= 0xFF00 else f"0x{page:04x}"


def _describe(item: Item, page: int, tables: Sequence[UsageTable]) -> str:
    if item.kind == "long":
        return f"Long Item (tag 0x{item.tag:02x}, {len(item.data)} bytes)"
    if item.kind == "main":
        name = _MAIN_NAMES.get(item.tag, f"Main 0x{item.tag:x}")
        if item.tag == 0xA:
            kind = item.unsigned & 0xFF
            label = (_COLLECTION_KINDS[kind] if kind < len(_COLLECTION_KINDS)
                     else f"Vendor 0x{kind:02x}" if kind >= 0x80 else f"0x{kind:02x}")
            return f"{name} ({label})"
        if item.tag in (0x8, 0x9, 0xB):
            words = [on if item.unsigned & flag else off for flag, off, on in _FLAG_WORDS]
            return f"{name} ({','.join(w for w in words if w)})"
        return name
    if item.kind == "global":
        name = _GLOBAL_NAMES[item.tag] if item.tag < len(_GLOBAL_NAMES) else (
            f"Global 0x{item.tag:x}")
        if item.tag == 0:
            return f"{name} ({_page_name(item.unsigned & 0xFFFF)})"
        if item.tag in (1, 3):  # signed minima; maxima as the parser reads them
            return f"{name} ({item.signed})"
        if item.tag in (2, 4):
            return f"{name} ({item.signed})" if item.signed >= 0 else (
                f"{name} ({item.signed}, or {item.unsigned} unsigned)")
        if item.tag == 6:
            return f"{name} (0x{item.unsigned:08x})"
        if item.tag in (10, 11):
            return name
        return f"{name} ({item.unsigned})"
    if item.kind == "local":
        name = _LOCAL_NAMES.get(item.tag, f"Local 0x{item.tag:x}")
        if item.tag in (0, 1, 2):
            usage = item.unsigned if len(item.data) == 4 else (page << 16) | (
                item.unsigned & 0xFFFF)
            return f"{name} ({node_name(usage, tables)})"
        return f"{name} ({item.unsigned})"
    return f"Reserved (tag 0x{item.tag:x})"


def dump_items(data: bytes, tables: Sequence[UsageTable] = (GENERIC,)) -> Iterator[str]:
    """The descriptor item by item: byte position, the item's bytes, its meaning,
    indented by collection depth. Raises DescriptorError where the bytes end early."""
    page, depth, stack = 0, 0, []
    for item in iter_items(data):
        if item.kind == "main" and item.tag == 0xC:
            depth = max(0, depth - 1)
        if item.kind == "global" and item.tag == 0:
            page = item.unsigned & 0xFFFF
        elif item.kind == "global" and item.tag == 10:
            stack.append(page)
        elif item.kind == "global" and item.tag == 11 and stack:
            page = stack.pop()
        raw = data[item.position:item.position + (3 if item.kind == "long" else 1)
                   + len(item.data)]
        hexed = " ".join(f"{b:02x}" for b in raw)
        yield f"0x{item.position:04x}: {hexed:<15} {'  ' * depth}{_describe(item, page, tables)}"
        if item.kind == "main" and item.tag == 0xA:
            depth += 1


__all__ = ["DescriptorError", "ExploreLine", "Unreadable", "dump_items", "explore",
           "identity_lines"]
