"""Reading and writing field values, logical <-> physical conversions."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from upskit.drivers.hid.descriptor import Field, parse_descriptor
from upskit.drivers.hid.values import (
    extract_bits,
    insert_bits,
    logical_from_physical,
    read_value,
    to_logical,
    write_value,
)

VOLT, SECOND, KELVIN = 0x00F0D121, 0x00001001, 0x00010001


def one_field(low: int, high: int, bits: int, *, unit: int = 0, exponent: int = 0,
              physical: tuple[int, int] | None = None, size: int | None = None,
              pad: int = 0) -> Field:
    b = Builder().page(0x84).usage(4).collection(1).report_id(1)
    if pad:
        b.size(pad).count(1).feature(0x03)
    b.unit(unit).exponent(exponent)
    if physical:
        b.physical(*physical)
    b.usage(0x30).logical(low, high, size).size(bits).count(1).feature().end()
    (f,) = parse_descriptor(bytes(b)).fields
    return f


def test_extract_bits_at_any_offset() -> None:
    data = bytes([0b1011_0100, 0xFF, 0x12, 0x34, 0x56, 0x78])
    assert extract_bits(data, 2, 3) == 0b101
    assert extract_bits(data, 4, 8) == 0xFB
    assert extract_bits(data, 16, 32) == 0x78563412
    assert extract_bits(data, 44, 12) == 0x007  # bits past the end read as zero


def test_insert_bits_keeps_neighbours_and_refuses_overflow() -> None:
    buf = bytearray(b"\xff\xff\xff")
    insert_bits(buf, 5, 10, 0)
    assert buf == bytearray([0x1F, 0x80, 0xFF])
    insert_bits(buf, 5, 10, 0x3FF)
    assert buf == bytearray(b"\xff\xff\xff")
    with pytest.raises(ValueError, match="do not fit"):
        insert_bits(buf, 20, 8, 1)


@pytest.mark.parametrize(("low", "high", "bits", "data", "expect"), [
    (0, 255, 8, b"\xfe", 254),
    (-128, 127, 8, b"\xfe", -2),
    (-1, 0xFFFFFE, 24, b"\xff\xff\xff", 0xFFFFFE),  # NUT masks to 25 bits, clamps
    (-1, 0x7FFFFF, 24, b"\xff\xff\xff", -1),
    (-(2**31), 2**31 - 1, 32, b"\x00\x00\x00\x80", -(2**31)),
    (0, 0xFFFF, 32, b"\x00\x0a\x08\x80", 0x0A00),  # garbage high bits dropped
    (0, 100, 8, b"\x65", 100),  # over the maximum: clamped
    (0, 100, 8, b"\xc8", 72),  # bits the range does not need are dropped, as NUT does
    (10, 100, 8, b"\x02", 10),  # under the minimum: clamped
    (0, 255, 8, b"", 0),  # a report shorter than declared
])
def test_raw_to_logical(low: int, high: int, bits: int, data: bytes, expect: int) -> None:
    f = one_field(low, high, bits, size=4)
    assert to_logical(f, extract_bits(data, 0, bits)) == expect
    assert read_value(f, data) == expect


def test_logmax_minus_one_in_one_byte_reads_as_255() -> None:
    f = one_field(0, 0xFF, 8, size=1)
    assert f.logical_max == 255 and f.logical_max_fixed
    assert read_value(f, b"\xc8") == 200


def test_signed_field_at_odd_offset() -> None:
    f = one_field(-2048, 2047, 12, pad=3)
    buf = bytearray(2)
    assert write_value(f, buf, -5) == -5
    assert f.offset == 3 and read_value(f, bytes(buf)) == -5


@pytest.mark.parametrize(("unit", "exponent", "raw", "expect"), [
    (VOLT, 5, 1200, 12.0),       # 10^(5-7)
    (VOLT, 7, 230, 230.0),
    (VOLT, 0x0E, 2300, 2.3e-6),  # exponent -2 as a nibble, relative to volts' 7
    (SECOND, 0, 300, 300.0),
    (KELVIN, 0, 300, 300.0),
    (0x00000000, 0x0F, 2300, 230.0),
    (0x12345678, 0, 5, 50.0),    # a unit NUT does not know scales by ten, as NUT does
])
def test_unit_exponents(unit: int, exponent: int, raw: int, expect: float) -> None:
    f = one_field(0, 65535, 16, unit=unit, exponent=exponent)
    assert read_value(f, raw.to_bytes(2, "little")) == pytest.approx(expect)
    buf = bytearray(2)
    write_value(f, buf, expect)
    assert int.from_bytes(buf, "little") == raw


def test_physical_range_scales_and_clamps() -> None:
    f = one_field(0, 200, 8, physical=(-50, 150))
    assert read_value(f, b"\x00") == -50
    assert read_value(f, b"\x64") == 50
    assert logical_from_physical(f, 50) == 100
    assert logical_from_physical(f, 1000) == 200
    assert logical_from_physical(f, -1000) == 0


def test_physical_range_of_zeros_or_inverted_is_ignored() -> None:
    assert read_value(one_field(0, 200, 8, physical=(0, 0)), b"\x64") == 100
    assert read_value(one_field(0, 200, 8, physical=(10, 5)), b"\x64") == 100


def test_set_is_clamped_to_the_logical_range_and_encoded_twos_complement() -> None:
    f = one_field(-100, 100, 8)
    buf = bytearray(1)
    assert write_value(f, buf, 1000) == 100
    assert write_value(f, buf, -1000) == -100
    assert buf == bytearray([0x9C])
    assert logical_from_physical(f, 12.6) == 13
