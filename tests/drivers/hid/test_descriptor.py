"""The report descriptor parser on hand-built edge cases and garbage."""

from __future__ import annotations

import contextlib
import random

import pytest

from tests.drivers.hid.builder import Builder
from upskit.drivers.hid.descriptor import (
    MAX_NESTING,
    CollectionKind,
    DescriptorError,
    ReportType,
    iter_items,
    parse_descriptor,
)

UPS, POWER_SUMMARY, PRESENT_STATUS, BATTERY = 0x840004, 0x840024, 0x840002, 0x840012
VOLTAGE, CONFIG_VOLTAGE = 0x840030, 0x840040
CHARGING, DISCHARGING, AC_PRESENT = 0x850044, 0x850045, 0x8500D0
REMAINING, RUNTIME = 0x850066, 0x850068


def test_items_short_long_and_sizes() -> None:
    data = bytes(Builder().page(0x84).long_item(0x12, b"\x01\x02\x03").item(1, 7, 0x12345678, 4))
    items = list(iter_items(data))
    assert [i.kind for i in items] == ["global", "long", "global"]
    assert items[1].tag == 0x12 and items[1].data == b"\x01\x02\x03"
    assert items[2].unsigned == 0x12345678 and items[2].position == 2 + 6


@pytest.mark.parametrize("data", [
    b"\x05", b"\x06\x84", b"\x07\x01\x02\x03", b"\xfe", b"\xfe\x05\x01\x00", b"\x75\x08\x95",
])
def test_truncated_items_raise_descriptor_error(data: bytes) -> None:
    with pytest.raises(DescriptorError, match=r"truncated|needs"):
        list(iter_items(data))


def test_long_item_inside_a_descriptor_is_skipped() -> None:
    b = Builder().page(0x84).usage(4).collection(1).long_item(0x01, b"\xb1\x02")
    b.field(VOLTAGE, 8, 0, 255).end()
    (f,) = parse_descriptor(bytes(b)).fields
    assert f.usage == VOLTAGE and f.offset == 0


def test_nested_collections_report_ids_and_offsets() -> None:
    b = Builder().page(0x84).usage(UPS & 0xFFFF).collection(CollectionKind.APPLICATION)
    b.usage(POWER_SUMMARY & 0xFFFF).collection(CollectionKind.PHYSICAL)
    b.report_id(6).page(0x85).usage(CHARGING & 0xFFFF).usage(DISCHARGING & 0xFFFF)
    b.logical(0, 1).size(1).count(2).input()
    b.size(6).count(1).input(0x03)  # constant padding, no usage
    b.usage(AC_PRESENT & 0xFFFF).size(1).count(1).input()
    b.usage(REMAINING & 0xFFFF).size(8).count(1).logical(0, 100).feature()
    b.report_id(7).page(0x84).usage(PRESENT_STATUS & 0xFFFF).collection(CollectionKind.LOGICAL)
    b.page(0x85).usage(AC_PRESENT & 0xFFFF).logical(0, 1).size(1).count(1).input()
    b.end().end().end()
    rd = parse_descriptor(bytes(b))
    got = [(f.report_type, f.report_id, f.offset, f.size, f.usage_path) for f in rd.fields]
    assert got == [
        (ReportType.INPUT, 6, 0, 1, (UPS, POWER_SUMMARY, CHARGING)),
        (ReportType.INPUT, 6, 1, 1, (UPS, POWER_SUMMARY, DISCHARGING)),
        (ReportType.INPUT, 6, 8, 1, (UPS, POWER_SUMMARY, AC_PRESENT)),
        (ReportType.FEATURE, 6, 0, 8, (UPS, POWER_SUMMARY, REMAINING)),
        (ReportType.INPUT, 7, 0, 1, (UPS, POWER_SUMMARY, PRESENT_STATUS, AC_PRESENT)),
    ]
    assert [c.kind for c in rd.fields[-1].collections] == [1, 0, 2]
    assert rd.uses_report_ids
    assert rd.report_length(ReportType.INPUT, 6) == 2
    assert rd.report_length(ReportType.FEATURE, 6) == 1
    assert rd.report_ids(ReportType.INPUT) == [6, 7]


def test_push_pop_restore_globals() -> None:
    b = Builder().page(0x84).usage(4).collection(1).report_id(1)
    b.logical(0, 255).size(8).count(1).unit(0x00F0D121).exponent(5)
    b.push().page(0x85).logical(-100, 100).size(16).unit(0).exponent(0)
    b.usage(REMAINING & 0xFFFF).feature()
    b.pop().usage(CONFIG_VOLTAGE & 0xFFFF).feature().end()
    first, second = parse_descriptor(bytes(b)).fields
    assert (first.usage, first.size, first.logical_min, first.unit) == (REMAINING, 16, -100, 0)
    assert (second.usage, second.size, second.logical_min, second.logical_max) == (
        CONFIG_VOLTAGE, 8, 0, 255)
    assert (second.unit, second.unit_exponent, second.offset) == (0x00F0D121, 5, 16)


def test_pop_without_push_and_push_too_deep() -> None:
    with pytest.raises(DescriptorError, match="Pop at byte 0 without a Push"):
        parse_descriptor(bytes(Builder().pop()))
    b = Builder()
    for _ in range(100):
        b.push()
    with pytest.raises(DescriptorError, match="Push"):
        parse_descriptor(bytes(b))


@pytest.mark.parametrize(("low", "high", "size", "expect"), [
    (-1, 127, None, (-1, 127)),
    (-128, 127, 1, (-128, 127)),
    (-32768, 32767, 2, (-32768, 32767)),
    (0, 0xFFFF, 2, (0, 0xFFFF)),          # 2-byte 0xffff is -1: read as unsigned, fixed
    (-1, 0xFFFFFE, 4, (-1, 0xFFFFFE)),
    (0, 0xFF, 1, (0, 255)),               # the "25 ff" firmware bug
    (-(2**31), 2**31 - 1, 4, (-(2**31), 2**31 - 1)),
])
def test_signed_logical_ranges(low: int, high: int, size: int | None,
                               expect: tuple[int, int]) -> None:
    b = Builder().page(0x84).usage(4).collection(1).logical(low, high, size)
    b.usage(0x30).size(32).count(1).feature().end()
    (f,) = parse_descriptor(bytes(b)).fields
    assert (f.logical_min, f.logical_max) == expect
    assert f.logical_max_fixed == (high > 0 and size is not None and high >= 1 << (8 * size - 1))


@pytest.mark.parametrize(("raw", "size", "expect"), [
    (0x05, 1, 5), (0x07, 1, 7), (0x08, 1, -8), (0x0E, 1, -2), (0xFE, 1, -2), (0xF9, 1, -7),
])
def test_unit_exponent_is_a_signed_nibble(raw: int, size: int, expect: int) -> None:
    b = Builder().page(0x84).usage(4).collection(1).exponent(raw, size)
    b.usage(0x30).logical(0, 255).size(8).count(1).feature().end()
    assert parse_descriptor(bytes(b)).fields[0].unit_exponent == expect


def test_physical_range_and_units() -> None:
    b = Builder().page(0x84).usage(4).collection(1).physical(-50, 150).unit(0x00010001)
    b.usage(0x36).logical(0, 200).size(8).count(1).input().end()
    (f,) = parse_descriptor(bytes(b)).fields
    assert (f.physical_min, f.physical_max, f.unit) == (-50, 150, 0x00010001)


def test_fields_of_24_and_32_bits_follow_each_other() -> None:
    b = Builder().page(0x84).usage(4).collection(1).report_id(3)
    b.field(0x30, 24, 0, 0xFFFFFF).field(0x31, 32, 0, 0x7FFFFFFF).field(0x32, 3, 0, 7).end()
    rd = parse_descriptor(bytes(b))
    assert [(f.offset, f.size) for f in rd.fields] == [(0, 24), (24, 32), (56, 3)]
    assert rd.report_length(ReportType.FEATURE, 3) == 8


def test_more_slots_than_usages_repeat_the_last_usage() -> None:
    b = Builder().page(0x84).usage(4).collection(1).usage(0x30).usage(0x31)
    b.logical(0, 255).size(8).count(4).feature().end()
    fields = parse_descriptor(bytes(b)).fields
    assert [f.usage & 0xFF for f in fields] == [0x30, 0x31, 0x31, 0x31]
    assert [f.usage_repeated for f in fields] == [False, False, True, True]
    assert [f.offset for f in fields] == [0, 8, 16, 24]


def test_usage_ranges_and_extended_usages() -> None:
    b = Builder().page(0x84).usage(4).collection(1).page(0x85).usage_range(0x44, 0x46)
    b.usage(0xFF860060, extended=True).logical(0, 1).size(1).count(4).input().end()
    fields = parse_descriptor(bytes(b)).fields
    assert [f.usage for f in fields] == [0x850044, 0x850045, 0x850046, 0xFF860060]
    with pytest.raises(DescriptorError, match="below"):
        parse_descriptor(bytes(Builder().page(0x85).usage_range(0x46, 0x44)))
    with pytest.raises(DescriptorError, match="without a Usage Minimum"):
        parse_descriptor(bytes(Builder().item(2, 2, 5)))


def test_local_items_do_not_carry_over_main_items() -> None:
    b = Builder().page(0x84).usage(4).collection(1).usage(0x30).usage(0x31)
    b.logical(0, 255).size(8).count(1).feature()
    b.count(1).feature()  # no usage declared: padding for the parser and for NUT
    b.usage(0x32).feature().end()
    rd = parse_descriptor(bytes(b))
    assert [(f.usage & 0xFF, f.offset) for f in rd.fields] == [(0x30, 0), (0x32, 16)]


def test_array_items_expose_slots_and_their_usage_list() -> None:
    b = Builder().page(0x84).usage(4).collection(1).report_id(2)
    b.usage(0x61).usage(0x62).usage(0x65).logical(1, 3).size(8).count(2).input(0x00).end()
    fields = parse_descriptor(bytes(b)).fields
    assert [f.is_array for f in fields] == [True, True]
    assert [f.usage & 0xFF for f in fields] == [0x61, 0x62]
    assert fields[0].array_usages == (0x840061, 0x840062, 0x840065)


def test_vendor_collection_kind_and_collection_without_usage() -> None:
    b = Builder().page(0x84).usage(4).collection(1).collection(0x84)
    b.usage(0x43).logical(0, 255).size(8).count(1).feature().end().end()
    (f,) = parse_descriptor(bytes(b)).fields
    assert [(c.usage, c.kind, c.is_vendor) for c in f.collections] == [
        (UPS, 1, False), (0, 0x84, True)]


def test_main_flags() -> None:
    b = Builder().page(0x84).usage(4).collection(1).usage(0x30).logical(0, 255).size(8)
    b.count(1).feature(0x07).end()
    (f,) = parse_descriptor(bytes(b)).fields
    assert f.is_constant and f.is_relative and not f.is_array


@pytest.mark.parametrize(("data", "message"), [
    (b"", "no fields"),
    (bytes(Builder().end()), "closes no collection"),
    (bytes(Builder().report_id(0)), "outside 1-255"),
    (bytes(Builder().page(0x84).usage(4).size(255).item(1, 9, 0xFFFF).feature()),
     "grows past"),
])
def test_structural_errors(data: bytes, message: str) -> None:
    with pytest.raises(DescriptorError, match=message):
        parse_descriptor(data)


def test_nesting_is_bounded() -> None:
    b = Builder()
    for _ in range(MAX_NESTING + 1):
        b.collection(0)
    with pytest.raises(DescriptorError, match="nest deeper"):
        parse_descriptor(bytes(b))


def test_field_count_is_bounded() -> None:
    b = Builder().page(0x84).usage(0x30).size(1).item(1, 9, 60000).input()
    with pytest.raises(DescriptorError, match="more than"):
        parse_descriptor(bytes(b))


def _valid_descriptor() -> bytes:
    b = Builder().page(0x84).usage(4).collection(1).usage(0x24).collection(0).report_id(1)
    b.push().page(0x85).field(0x66, 8, 0, 100).pop().field(0x30, 16, 0, 0xFFFF, "input")
    b.usage_range(0x61, 0x65).logical(0, 1).size(1).count(5).input().end().end()
    return bytes(b)


def test_garbage_only_ever_raises_descriptor_error() -> None:
    rng = random.Random(1234)
    for _ in range(500):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 120)))
        with contextlib.suppress(DescriptorError):
            parse_descriptor(data)


def test_mutated_and_truncated_descriptors_parse_or_raise_descriptor_error() -> None:
    rng = random.Random(99)
    base = _valid_descriptor()
    outcomes = set()
    for _ in range(2000):
        data = bytearray(base)
        for _ in range(rng.randrange(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        cut = bytes(data[:rng.randrange(1, len(data) + 1)])
        try:
            parse_descriptor(cut)
            outcomes.add("parsed")
        except DescriptorError:
            outcomes.add("refused")
    assert outcomes == {"parsed", "refused"}
