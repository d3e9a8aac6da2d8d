"""HID report descriptor parser (HID 1.11, section 6.2.2) producing one field per value.

Written from the specification, with the few choices NUT's usbhid-ups makes where the
specification leaves room (so paths and offsets match what NUT prints):

- a Usage item takes the usage page current when the Usage is read (an extended, 4-byte
  usage carries its own page);
- a collection's usage is the first usage declared before it (0 when none); a collection
  of a vendor type (0x80-0xff) adds an index node after its usage, which NUT prints as
  ``[n]`` (see :mod:`upskit.drivers.hid.usages`);
- bit offsets count from the first data byte of the report, after the report ID byte;
- a Logical Maximum that reads negative while the Logical Minimum is not negative (an
  8-bit field declared ``LogMax = 0xff`` in a single byte) is read as unsigned.

Bad input raises :class:`DescriptorError`, and the work is bounded by the limits below.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

MAX_DESCRIPTOR_BYTES = 65536
MAX_FIELDS = 16384
MAX_NESTING = 32
MAX_PUSH_DEPTH = 32
MAX_USAGES_PER_ITEM = 65536
MAX_REPORT_BITS = 8 * 65536

_SIZES = (0, 1, 2, 4)

# item types (bits 2-3 of the prefix)
_MAIN, _GLOBAL, _LOCAL = 0, 1, 2
# main tags
_INPUT, _OUTPUT, _FEATURE, _COLLECTION, _END_COLLECTION = 0x8, 0x9, 0xB, 0xA, 0xC
# global tags
(_USAGE_PAGE, _LOGICAL_MIN, _LOGICAL_MAX, _PHYSICAL_MIN, _PHYSICAL_MAX, _UNIT_EXPONENT,
 _UNIT, _REPORT_SIZE, _REPORT_ID, _REPORT_COUNT, _PUSH, _POP) = range(12)
# local tags
_USAGE, _USAGE_MIN, _USAGE_MAX = 0, 1, 2


class DescriptorError(ValueError):
    """A report descriptor that cannot be parsed (truncated, unbalanced, out of bounds)."""


class ReportType(enum.Enum):
    """The three kinds of report a field lives in, with the label NUT prints."""

    INPUT = "Input"
    OUTPUT = "Output"
    FEATURE = "Feature"


_MAIN_REPORT_TYPES = {_INPUT: ReportType.INPUT, _OUTPUT: ReportType.OUTPUT,
                      _FEATURE: ReportType.FEATURE}


class CollectionKind(enum.IntEnum):
    """Collection types defined by HID 1.11 (values 0x80-0xff are vendor-defined)."""

    PHYSICAL = 0
    APPLICATION = 1
    LOGICAL = 2
    REPORT = 3
    NAMED_ARRAY = 4
    USAGE_SWITCH = 5
    USAGE_MODIFIER = 6


class MainFlag(enum.IntFlag):
    """Bits of an Input/Output/Feature item's data (bit clear = the first word)."""

    CONSTANT = 0x001
    VARIABLE = 0x002
    RELATIVE = 0x004
    WRAP = 0x008
    NONLINEAR = 0x010
    NO_PREFERRED = 0x020
    NULL_STATE = 0x040
    VOLATILE = 0x080
    BUFFERED_BYTES = 0x100


@dataclass(frozen=True, slots=True)
class Item:
    """One item of the descriptor as it is encoded (for dumps and firmware debugging)."""

    position: int
    prefix: int
    kind: str  # "main", "global", "local", "reserved" or "long"
    tag: int
    data: bytes

    @property
    def unsigned(self) -> int:
        """The item's data as an unsigned little-endian number."""
        return int.from_bytes(self.data, "little")

    @property
    def signed(self) -> int:
        """The item's data as a two's complement little-endian number."""
        return int.from_bytes(self.data, "little", signed=True)


@dataclass(frozen=True, slots=True)
class Collection:
    """An enclosing collection: its usage (page << 16 | id, 0 when none) and kind."""

    usage: int
    kind: int

    @property
    def is_vendor(self) -> bool:
        """Vendor-defined collection types are 0x80-0xff."""
        return self.kind >= 0x80


@dataclass(frozen=True, slots=True)
class Field:
    """One value of one report, with everything needed to read, convert and name it.

    ``usage`` is 0 when the main item declared no usage for this slot. ``usage_repeated``
    marks slots beyond the declared usages: the specification gives them the last
    usage again, NUT leaves them out of its item list. For array items ``usage`` is
    the usage NUT names the slot with, and ``array_usages`` what the values index.
    """

    report_type: ReportType
    report_id: int
    offset: int
    size: int
    usage: int
    collections: tuple[Collection, ...]
    flags: int
    logical_min: int
    logical_max: int
    physical_min: int | None
    physical_max: int | None
    unit: int
    unit_exponent: int
    usage_repeated: bool = False
    array_usages: tuple[int, ...] = ()
    logical_max_fixed: bool = False

    @property
    def is_constant(self) -> bool:
        """A constant (padding or read-only by declaration) field."""
        return bool(self.flags & MainFlag.CONSTANT)

    @property
    def is_array(self) -> bool:
        """An array slot (holds a usage index) rather than a variable."""
        return not self.flags & MainFlag.VARIABLE

    @property
    def is_relative(self) -> bool:
        """A value relative to the previous report rather than absolute."""
        return bool(self.flags & MainFlag.RELATIVE)

    @property
    def usage_path(self) -> tuple[int, ...]:
        """The usages of the enclosing collections, outermost first, then the field's."""
        return (*(c.usage for c in self.collections), self.usage)


@dataclass(frozen=True, slots=True)
class _Globals:
    usage_page: int = 0
    logical_min: int = 0
    logical_max: int = 0
    logical_max_unsigned: int = 0
    physical_min: int | None = None
    physical_max: int | None = None
    unit_exponent: int = 0
    unit: int = 0
    report_size: int = 0
    report_id: int = 0
    report_count: int = 0


@dataclass(slots=True)
class _Locals:
    usages: list[int] = field(default_factory=list)
    usage_min: int | None = None


@dataclass(frozen=True, slots=True)
class ReportDescriptor:
    """A parsed descriptor: its fields in descriptor order and each report's length."""

    fields: tuple[Field, ...]
    report_bits: dict[tuple[ReportType, int], int]
    uses_report_ids: bool

    def report_length(self, report_type: ReportType, report_id: int) -> int:
        """Bytes of data in a report, not counting the report ID byte."""
        return (self.report_bits.get((report_type, report_id), 0) + 7) // 8

    def report_ids(self, report_type: ReportType) -> list[int]:
        """The report IDs that carry fields of this type, in ascending order."""
        return sorted(rid for (rtype, rid) in self.report_bits if rtype is report_type)


def iter_items(data: bytes) -> Iterator[Item]:
    """Split a descriptor into its items; raise DescriptorError when it is truncated."""
    if len(data) > MAX_DESCRIPTOR_BYTES:
        raise DescriptorError(f"descriptor of {len(data)} bytes is larger than "
                              f"{MAX_DESCRIPTOR_BYTES}")
    pos = 0
    while pos < len(data):
        prefix = data[pos]
        if prefix == 0xFE:
            if pos + 3 > len(data):
                raise DescriptorError(f"long item at byte {pos} is truncated")
            size, tag = data[pos + 1], data[pos + 2]
            end = pos + 3 + size
            if end > len(data):
                raise DescriptorError(f"long item at byte {pos} needs {size} data bytes, "
                                      f"{len(data) - pos - 3} left")
            yield Item(pos, prefix, "long", tag, bytes(data[pos + 3:end]))
            pos = end
            continue
        size = _SIZES[prefix & 0x3]
        end = pos + 1 + size
        if end > len(data):
            raise DescriptorError(f"item 0x{prefix:02x} at byte {pos} needs {size} data "
                                  f"bytes, {len(data) - pos - 1} left")
        kind = ("main", "global", "local", "reserved")[(prefix >> 2) & 0x3]
        yield Item(pos, prefix, kind, prefix >> 4, bytes(data[pos + 1:end]))
        pos = end


def _unit_exponent(item: Item) -> int:
    value = item.unsigned
    if value <= 0xF:
        return value - 16 if value >= 8 else value  # the specification's 4-bit nibble
    return item.signed


class _Parser:
    def __init__(self) -> None:
        self.globals = _Globals()
        self.stack: list[_Globals] = []
        self.locals = _Locals()
        self.collections: list[Collection] = []
        self.fields: list[Field] = []
        self.bits: dict[tuple[ReportType, int], int] = {}
        self.uses_report_ids = False

    def feed(self, item: Item) -> None:
        if item.kind == "global":
            self._global(item)
        elif item.kind == "local":
            self._local(item)
        elif item.kind == "main":
            self._main(item)
        # reserved and long items carry nothing this parser needs

    def _global(self, item: Item) -> None:
        g, tag = self.globals, item.tag
        if tag == _USAGE_PAGE:
            self.globals = replace(g, usage_page=item.unsigned & 0xFFFF)
        elif tag == _LOGICAL_MIN:
            self.globals = replace(g, logical_min=item.signed)
        elif tag == _LOGICAL_MAX:
            self.globals = replace(g, logical_max=item.signed,
                                   logical_max_unsigned=item.unsigned)
        elif tag == _PHYSICAL_MIN:
            self.globals = replace(g, physical_min=item.signed)
        elif tag == _PHYSICAL_MAX:
            self.globals = replace(g, physical_max=item.signed)
        elif tag == _UNIT_EXPONENT:
            self.globals = replace(g, unit_exponent=_unit_exponent(item))
        elif tag == _UNIT:
            self.globals = replace(g, unit=item.unsigned)
        elif tag == _REPORT_SIZE:
            self.globals = replace(g, report_size=item.unsigned)
        elif tag == _REPORT_ID:
            if not 1 <= item.unsigned <= 255:
                raise DescriptorError(f"report ID {item.unsigned} at byte {item.position} "
                                      "is outside 1-255")
            self.uses_report_ids = True
            self.globals = replace(g, report_id=item.unsigned)
        elif tag == _REPORT_COUNT:
            self.globals = replace(g, report_count=item.unsigned)
        elif tag == _PUSH:
            if len(self.stack) >= MAX_PUSH_DEPTH:
                raise DescriptorError(f"Push at byte {item.position} nests deeper than "
                                      f"{MAX_PUSH_DEPTH}")
            self.stack.append(g)
        elif tag == _POP:
            if not self.stack:
                raise DescriptorError(f"Pop at byte {item.position} without a Push")
            self.globals = self.stack.pop()

    def _usage(self, item: Item) -> int:
        if len(item.data) == 4:
            return item.unsigned
        return (self.globals.usage_page << 16) | (item.unsigned & 0xFFFF)

    def _local(self, item: Item) -> None:
        loc = self.locals
        if item.tag == _USAGE:
            self._add_usages(item, [self._usage(item)])
        elif item.tag == _USAGE_MIN:
            loc.usage_min = self._usage(item)
        elif item.tag == _USAGE_MAX:
            if loc.usage_min is None:
                raise DescriptorError(f"Usage Maximum at byte {item.position} without a "
                                      "Usage Minimum")
            low, high = loc.usage_min, self._usage(item)
            if len(item.data) != 4:
                high = (low & 0xFFFF0000) | (high & 0xFFFF)
            if high < low:
                raise DescriptorError(f"Usage Maximum at byte {item.position} is below "
                                      "its Usage Minimum")
            loc.usage_min = None
            self._add_usages(item, range(low, high + 1))
        # designators, strings and delimiters do not change fields

    def _add_usages(self, item: Item, usages: range | list[int]) -> None:
        if len(self.locals.usages) + len(usages) > MAX_USAGES_PER_ITEM:
            raise DescriptorError(f"more than {MAX_USAGES_PER_ITEM} usages before byte "
                                  f"{item.position}")
        self.locals.usages.extend(usages)

    def _main(self, item: Item) -> None:
        if item.tag == _COLLECTION:
            if len(self.collections) >= MAX_NESTING:
                raise DescriptorError(f"collections nest deeper than {MAX_NESTING} at "
                                      f"byte {item.position}")
            usage = self.locals.usages[0] if self.locals.usages else 0
            self.collections.append(Collection(usage, item.unsigned & 0xFF))
        elif item.tag == _END_COLLECTION:
            if not self.collections:
                raise DescriptorError(f"End Collection at byte {item.position} closes "
                                      "no collection")
            self.collections.pop()
        elif item.tag in _MAIN_REPORT_TYPES:
            self._fields(item, _MAIN_REPORT_TYPES[item.tag])
        self.locals = _Locals()

    def _fields(self, item: Item, report_type: ReportType) -> None:
        g = self.globals
        key = (report_type, g.report_id)
        offset = self.bits.get(key, 0)
        total = offset + g.report_size * g.report_count
        if total > MAX_REPORT_BITS:
            raise DescriptorError(f"{report_type.value} report {g.report_id} grows past "
                                  f"{MAX_REPORT_BITS} bits at byte {item.position}")
        self.bits[key] = total
        usages = self.locals.usages
        if not usages or g.report_size == 0:
            return  # padding
        if len(self.fields) + g.report_count > MAX_FIELDS:
            raise DescriptorError(f"more than {MAX_FIELDS} fields at byte {item.position}")
        logical_max, fixed = g.logical_max, False
        if g.logical_min >= 0 and logical_max < 0:
            logical_max, fixed = g.logical_max_unsigned, True
        flags = item.unsigned
        array_usages = () if flags & MainFlag.VARIABLE else tuple(usages)
        collections = tuple(self.collections)
        for slot in range(g.report_count):
            self.fields.append(Field(
                report_type=report_type, report_id=g.report_id,
                offset=offset + slot * g.report_size, size=g.report_size,
                usage=usages[min(slot, len(usages) - 1)], collections=collections,
                flags=flags, logical_min=g.logical_min, logical_max=logical_max,
                physical_min=g.physical_min, physical_max=g.physical_max,
                unit=g.unit, unit_exponent=g.unit_exponent,
                usage_repeated=slot >= len(usages),
                array_usages=array_usages, logical_max_fixed=fixed))


def parse_descriptor(data: bytes) -> ReportDescriptor:
    """Parse a report descriptor into its fields; raise DescriptorError on bad input."""
    parser = _Parser()
    for item in iter_items(data):
        parser.feed(item)
    if not parser.fields:
        raise DescriptorError("descriptor declares no fields")
    return ReportDescriptor(tuple(parser.fields), dict(parser.bits),
                            parser.uses_report_ids)
