"""Writing HID report descriptors: an item writer, and a layout of named fields compiled
into a descriptor plus where each field sits in its report.

:class:`ItemWriter` appends one short (or long) item per call.  :func:`compile_layout`
takes fields named by NUT-style usage paths (``UPS.PowerSummary.RemainingCapacity``),
opens and closes the collections the paths share, numbers the bits of every report
and returns the descriptor bytes with a :class:`Placement` per field, so a simulator
can fill and read its reports by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Usages the simulated UPSes use (page << 16 | id); a path node of 8 hex digits is
#: taken as the usage itself (vendor pages).
USAGES: dict[str, int] = {
    # Power Device page (0x84)
    "iName": 0x840001, "PresentStatus": 0x840002, "UPS": 0x840004,
    "BatterySystem": 0x840010, "Battery": 0x840012, "PowerConverter": 0x840016,
    "Input": 0x84001A, "Output": 0x84001C, "PowerSummary": 0x840024,
    "Voltage": 0x840030, "Current": 0x840031, "Frequency": 0x840032,
    "PercentLoad": 0x840035, "Temperature": 0x840036, "ConfigVoltage": 0x840040,
    "ConfigFrequency": 0x840042, "ConfigApparentPower": 0x840043,
    "ConfigActivePower": 0x840044, "LowVoltageTransfer": 0x840053,
    "HighVoltageTransfer": 0x840054, "DelayBeforeReboot": 0x840055,
    "DelayBeforeStartup": 0x840056, "DelayBeforeShutdown": 0x840057, "Test": 0x840058,
    "AudibleAlarmControl": 0x84005A, "Good": 0x840061, "InternalFailure": 0x840062,
    "Overload": 0x840065, "OverTemperature": 0x840067, "ShutdownRequested": 0x840068,
    "ShutdownImminent": 0x840069, "SwitchOn/Off": 0x84006B, "Boost": 0x84006E,
    "Buck": 0x84006F, "AwaitingPower": 0x840072, "CommunicationLost": 0x840073,
    "iManufacturer": 0x8400FD, "iProduct": 0x8400FE, "iSerialNumber": 0x8400FF,
    # Battery System page (0x85)
    "RemainingCapacityLimit": 0x850029, "RemainingTimeLimit": 0x85002A,
    "CapacityMode": 0x85002C, "BelowRemainingCapacityLimit": 0x850042,
    "RemainingTimeLimitExpired": 0x850043, "Charging": 0x850044, "Discharging": 0x850045,
    "FullyCharged": 0x850046, "FullyDischarged": 0x850047, "NeedReplacement": 0x85004B,
    "RemainingCapacity": 0x850066, "FullChargeCapacity": 0x850067,
    "RunTimeToEmpty": 0x850068, "DesignCapacity": 0x850083, "ManufacturerDate": 0x850085,
    "iDeviceChemistry": 0x850089, "Rechargeable": 0x85008B,
    "WarningCapacityLimit": 0x85008C, "iOEMInformation": 0x85008F, "ACPresent": 0x8500D0,
    "BatteryPresent": 0x8500D1, "VoltageNotRegulated": 0x8500DB,
}

# units (HID unit codes) and the exponents that make them read in NUT's units
VOLT = 0x00F0D121
WATT = 0x0000D121
SECOND = 0x00001001
PERCENT = 0
#: Collection kinds.
PHYSICAL, APPLICATION, LOGICAL = 0x00, 0x01, 0x02
_MAIN_TAGS = {"input": 0x8, "output": 0x9, "feature": 0xB}


def usage_of(node: str) -> int:
    """The 32-bit usage of one path node (a name, or 8 hex digits)."""
    if node in USAGES:
        return USAGES[node]
    if len(node) == 8:
        return int(node, 16)
    raise ValueError(f"no usage named {node!r}")


def _payload(value: int, wanted: int | None, signed: bool) -> bytes:
    size = 4
    if wanted is not None:
        size = wanted
    elif value == 0:
        return b""
    else:
        for size in (1, 2, 4):
            bits = 8 * size
            low, high = ((-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed
                         else (0, (1 << bits) - 1))
            if low <= value <= high:
                break
    return (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")


class ItemWriter:
    """Appends HID items; ``bytes(writer)`` is the descriptor."""

    def __init__(self) -> None:
        self.data = bytearray()

    def __bytes__(self) -> bytes:
        return bytes(self.data)

    def item(self, kind: int, tag: int, value: int = 0, size: int | None = None,
             signed: bool = False) -> ItemWriter:
        """One short item: ``kind`` 0 main, 1 global, 2 local; the smallest payload that
        holds ``value`` unless ``size`` (bytes: 0, 1, 2, 4) says."""
        payload = _payload(value, size, signed)
        code = {0: 0, 1: 1, 2: 2, 4: 3}[len(payload)]
        self.data.append((tag << 4) | (kind << 2) | code)
        self.data += payload
        return self

    def long_item(self, tag: int, payload: bytes) -> ItemWriter:
        self.data += bytes([0xFE, len(payload), tag]) + payload
        return self

    # main items
    def main(self, which: str, flags: int = 0x02) -> ItemWriter:
        """An Input, Output or Feature item (``flags`` 0x02: data, variable, absolute)."""
        return self.item(0, _MAIN_TAGS[which], flags, 1)

    def input(self, flags: int = 0x02) -> ItemWriter:
        return self.main("input", flags)

    def output(self, flags: int = 0x02) -> ItemWriter:
        return self.main("output", flags)

    def feature(self, flags: int = 0x02) -> ItemWriter:
        return self.main("feature", flags)

    def collection(self, kind: int) -> ItemWriter:
        return self.item(0, 0xA, kind, 1)

    def end(self) -> ItemWriter:
        return self.item(0, 0xC)

    # global items
    def page(self, page: int) -> ItemWriter:
        return self.item(1, 0, page)

    def logical(self, low: int, high: int, size: int | None = None) -> ItemWriter:
        return self.item(1, 1, low, size, True).item(1, 2, high, size, True)

    def physical(self, low: int, high: int) -> ItemWriter:
        return self.item(1, 3, low, None, True).item(1, 4, high, None, True)

    def exponent(self, value: int, size: int = 1) -> ItemWriter:
        return self.item(1, 5, value & 0x0F if size == 1 else value, size)

    def unit(self, value: int) -> ItemWriter:
        return self.item(1, 6, value)

    def size(self, bits: int) -> ItemWriter:
        return self.item(1, 7, bits)

    def report_id(self, rid: int) -> ItemWriter:
        return self.item(1, 8, rid, 1)

    def count(self, n: int) -> ItemWriter:
        return self.item(1, 9, n)

    def push(self) -> ItemWriter:
        return self.item(1, 10)

    def pop(self) -> ItemWriter:
        return self.item(1, 11)

    # local items
    def usage(self, usage: int, extended: bool = False) -> ItemWriter:
        return self.item(2, 0, usage, 4 if extended else None)

    def usage_range(self, low: int, high: int) -> ItemWriter:
        return self.item(2, 1, low).item(2, 2, high)


@dataclass(frozen=True)
class FieldSpec:
    """One variable field of a simulated device, named by its usage path."""

    path: str
    report_id: int
    bits: int
    low: int
    high: int
    #: Which main items carry it: "feature", "input", "output" (a field both Input and
    #: Feature sits at the same place in both reports).
    kinds: tuple[str, ...] = ("feature",)
    unit: int = 0
    exponent: int = 0
    #: The simulator's quantity behind the field (see the device module).
    quantity: str = ""


@dataclass(frozen=True)
class Placement:
    """Where a field's bits are in its report (offset after the report ID byte)."""

    spec: FieldSpec
    offset: int

    def encode(self, buffer: bytearray, physical: float) -> None:
        """Write ``physical`` (in NUT's units) into ``buffer`` (report without its ID)."""
        spec = self.spec
        logical = round(physical / 10.0 ** _scale(spec))
        logical = min(max(logical, spec.low), spec.high)
        put_bits(buffer, self.offset, spec.bits, logical)

    def decode(self, data: bytes) -> float:
        """The physical value of this field in ``data`` (report without its ID)."""
        spec = self.spec
        raw = 0
        for bit in range(spec.bits):
            index = self.offset + bit
            if index // 8 < len(data) and data[index // 8] >> (index % 8) & 1:
                raw |= 1 << bit
        if spec.low < 0 and raw >> (spec.bits - 1) & 1:
            raw -= 1 << spec.bits
        return raw * 10.0 ** _scale(spec)


def put_bits(buffer: bytearray, offset: int, size: int, raw: int) -> None:
    """Write the low ``size`` bits of ``raw`` at bit ``offset`` of ``buffer`` (LSB first,
    as HID reports hold them); bits past the buffer's end are dropped."""
    raw &= (1 << size) - 1
    for bit in range(size):
        index = offset + bit
        if index // 8 >= len(buffer):
            break
        if raw >> bit & 1:
            buffer[index // 8] |= 1 << (index % 8)
        else:
            buffer[index // 8] &= ~(1 << (index % 8)) & 0xFF


def _scale(spec: FieldSpec) -> int:
    """Volts and watts are declared in the HID's CGS units, 10^7 from the SI ones."""
    return spec.exponent - (7 if spec.unit in (VOLT, WATT) else 0)


@dataclass(frozen=True)
class Layout:
    """A compiled descriptor and where every field and report is."""

    descriptor: bytes
    placements: tuple[tuple[str, Placement], ...]
    #: (kind, report id) -> report length in bytes, ID byte excluded
    lengths: dict[tuple[str, int], int]

    def fields(self, kind: str, report_id: int) -> list[Placement]:
        return [p for _k, p in self.placements
                if p.spec.report_id == report_id and kind in p.spec.kinds]

    def report_ids(self, kind: str) -> list[int]:
        return sorted({rid for k, rid in self.lengths if k == kind})


def _nodes(path: str) -> list[str]:
    """Path nodes, an index node ``[n]`` (a vendor-type collection, kind 0x80 | n) kept
    with the node it follows."""
    nodes: list[str] = []
    for part in path.split("."):
        if part.startswith("[") and nodes:
            nodes[-1] += "." + part
        else:
            nodes.append(part)
    return nodes


def compile_layout(fields: Sequence[FieldSpec]) -> Layout:
    """The descriptor of ``fields`` in order; consecutive fields sharing a path prefix
    share its collections (the first node is the application collection, nodes named
    ``PresentStatus`` are logical collections, a node followed by ``[n]`` is a
    vendor-type collection 0x80 | n, the others physical)."""
    writer = ItemWriter()
    open_nodes: list[str] = []
    state: dict[str, int | None] = {"page": None, "rid": None, "unit": None, "exp": None}
    bits: dict[tuple[str, int], int] = {}
    placements: list[tuple[str, Placement]] = []

    def use(usage: int) -> None:
        page = usage >> 16
        if state["page"] != page:
            writer.page(page)
            state["page"] = page
        writer.usage(usage & 0xFFFF)

    for spec in fields:
        *parents, leaf = _nodes(spec.path)
        shared = 0
        while (shared < len(open_nodes) and shared < len(parents)
               and open_nodes[shared] == parents[shared]):
            shared += 1
        while len(open_nodes) > shared:
            writer.end()
            open_nodes.pop()
        for depth, node in enumerate(parents[shared:], start=shared):
            name, _, index = node.partition(".[")
            use(usage_of(name))
            kind = (0x80 | int(index.rstrip("]")) if index
                    else APPLICATION if depth == 0
                    else LOGICAL if name == "PresentStatus" else PHYSICAL)
            writer.collection(kind)
            open_nodes.append(node)
        if state["rid"] != spec.report_id:
            writer.report_id(spec.report_id)
            state["rid"] = spec.report_id
        if state["unit"] != spec.unit:
            writer.unit(spec.unit)
            state["unit"] = spec.unit
        if state["exp"] != spec.exponent:
            writer.exponent(spec.exponent)
            state["exp"] = spec.exponent
        writer.logical(spec.low, spec.high).size(spec.bits).count(1)
        offset = None
        for kind_name in spec.kinds:
            use(usage_of(leaf))  # each main item consumes the usage
            writer.main(kind_name)
            key = (kind_name, spec.report_id)
            start = bits.get(key, 0)
            if offset is None:
                offset = start
            elif start != offset:
                raise ValueError(f"{spec.path}: sits at different offsets in its reports")
            bits[key] = start + spec.bits
        placements.append((spec.path, Placement(spec, offset or 0)))
    while open_nodes:
        writer.end()
        open_nodes.pop()
    lengths = {key: (n + 7) // 8 for key, n in bits.items()}
    return Layout(bytes(writer), tuple(placements), lengths)
