"""Field values: bits out of and into report bytes, logical <-> physical as NUT converts.

Report data here is the report without its report ID byte; bits past the end of a
short report read as 0. A raw value is put into its logical range as NUT does: the
high bits the range does not need are dropped (some firmware fills them with
garbage), the value is sign-extended when the Logical Minimum is negative, then clamped
to LogMin..LogMax. The physical value is scaled from the logical range to the physical
one (when a physical range is declared) and by ten to the unit exponent, relative to the
unit's SI scale (volts and watts are declared in the HID's CGS units, 10^7 apart).
"""

from __future__ import annotations

from upskit.drivers.hid.descriptor import Field

# unit code -> power of ten between the HID unit and the unit NUT publishes
UNIT_SCALE: dict[int, int] = {
    0x00000000: 0,  # none, percent
    0x00F0D121: 7,  # volt
    0x00100001: 0,  # ampere
    0x0000D121: 7,  # volt-ampere, watt
    0x00001001: 0,  # second
    0x00010001: 0,  # kelvin
    0x0000F001: 0,  # hertz
    0x00101001: 0,  # ampere-second
}
# NUT's lookup answers -1 for a unit outside its table, which shifts the value by ten
UNKNOWN_UNIT_SCALE = -1


def extract_bits(data: bytes, offset: int, size: int) -> int:
    """The unsigned little-endian value of ``size`` bits at bit ``offset`` of ``data``."""
    if offset < 0 or size < 0:
        raise ValueError("bit offset and size must not be negative")
    first, last = offset // 8, (offset + size + 7) // 8
    chunk = int.from_bytes(data[first:last], "little")
    return (chunk >> (offset % 8)) & ((1 << size) - 1)


def insert_bits(buffer: bytearray, offset: int, size: int, value: int) -> None:
    """Write the low ``size`` bits of ``value`` at bit ``offset`` of ``buffer``."""
    if offset < 0 or size < 0:
        raise ValueError("bit offset and size must not be negative")
    first, last = offset // 8, (offset + size + 7) // 8
    if last > len(buffer):
        raise ValueError(f"bits {offset}..{offset + size} do not fit a "
                         f"{len(buffer)}-byte report")
    shift = offset % 8
    mask = ((1 << size) - 1) << shift
    chunk = int.from_bytes(buffer[first:last], "little")
    chunk = (chunk & ~mask) | ((value << shift) & mask)
    buffer[first:last] = chunk.to_bytes(last - first, "little")


def raw_value(field: Field, data: bytes) -> int:
    """The field's bits, unsigned, from report data (without the report ID byte)."""
    return extract_bits(data, field.offset, field.size)


def to_logical(field: Field, raw: int) -> int:
    """A raw field value in the field's logical range (see the module docstring)."""
    low, high = field.logical_min, field.logical_max
    if high < low:
        return raw  # a range that makes no sense: the bits as they are
    magnitude = max(high if high >= 0 else -high - 1, low if low >= 0 else -low - 1)
    sign_bit = 1 << magnitude.bit_length()
    mask = (sign_bit - 1) | (sign_bit if low < 0 else 0)
    value = raw & mask
    if low < 0 and value & sign_bit:
        value -= sign_bit << 1
    return min(max(value, low), high)


def scale_exponent(field: Field) -> int:
    """The power of ten from a field's logical-to-physical value to NUT's units."""
    return field.unit_exponent - UNIT_SCALE.get(field.unit, UNKNOWN_UNIT_SCALE)


def _physical_range(field: Field) -> tuple[int, int] | None:
    pmin, pmax = field.physical_min, field.physical_max
    if pmin is None or pmax is None or (pmin == 0 and pmax == 0):
        return None  # the specification: physical extents default to the logical ones
    if pmax <= pmin or field.logical_max <= field.logical_min:
        return None
    return pmin, pmax


def physical_value(field: Field, logical: int) -> float:
    """A logical value converted to the physical value NUT reports."""
    value: float = float(logical)
    prange = _physical_range(field)
    if prange is not None:
        pmin, pmax = prange
        factor = (pmax - pmin) / (field.logical_max - field.logical_min)
        value = min(max((logical - field.logical_min) * factor + pmin, pmin), pmax)
    return value * 10.0 ** scale_exponent(field)


def read_value(field: Field, data: bytes) -> float:
    """The physical value of a field in report data (without the report ID byte)."""
    return physical_value(field, to_logical(field, raw_value(field, data)))


def logical_from_physical(field: Field, physical: float) -> int:
    """The logical value to write for a physical value, clamped to the logical range.

    NUT truncates toward zero here; this rounds to the nearest step instead, so that a
    value such as 12.0 V with exponent -2 does not come out one step low.
    """
    value = physical / 10.0 ** scale_exponent(field)
    prange = _physical_range(field)
    if prange is not None:
        pmin, pmax = prange
        factor = (field.logical_max - field.logical_min) / (pmax - pmin)
        value = (value - pmin) * factor + field.logical_min
    logical = round(value)
    low, high = field.logical_min, field.logical_max
    return min(max(logical, low), high) if low <= high else logical


def encode_logical(field: Field, logical: int) -> int:
    """A logical value as the field's unsigned bits (two's complement when negative)."""
    return logical & ((1 << field.size) - 1)


def write_value(field: Field, buffer: bytearray, physical: float) -> int:
    """Put a physical value into report data (without the report ID byte); return the
    logical value written."""
    logical = logical_from_physical(field, physical)
    insert_bits(buffer, field.offset, field.size, encode_logical(field, logical))
    return logical
