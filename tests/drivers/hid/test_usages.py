"""Usage names and NUT-style paths, on a Back-UPS-like descriptor written here."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from upskit.drivers.hid.descriptor import ReportType, parse_descriptor
from upskit.drivers.hid.usages import (
    GENERIC,
    field_path,
    node_name,
    nut_fields,
    parse_path,
    render_path,
)
from upskit.drivers.hid.values import read_value

VOLT = 0x00F0D121


def back_ups_like() -> bytes:
    """A small descriptor laid out like a consumer APC unit: PowerSummary with a
    PresentStatus bit field, a Battery collection, vendor usages and a vendor-type
    collection (NUT prints its index as [n])."""
    b = Builder().page(0x84).usage(0x04).collection(1)
    b.usage(0x24).collection(0)
    b.report_id(0x01).page(0x85).field(0x66, 8, 0, 100, "input")
    b.report_id(0x0C).field(0x66, 8, 0, 0xFF).report_id(0x0C)  # 1-byte LogMax: 0xff
    b.usage(0x68).logical(0, 0xFFFF).size(16).count(1).feature()
    b.report_id(0x10).page(0x84).unit(VOLT).exponent(5).usage(0x40)
    b.logical(0, 0xFFFF).size(16).count(1).feature().unit(0).exponent(0)
    b.report_id(0x16).usage(0x02).collection(2).page(0x85)
    for usage in (0x44, 0x45, 0xD0, 0x42):
        b.usage(usage)
    b.logical(0, 1).size(1).count(4).input().size(4).count(1).input(0x03)
    b.usage(0xFF860060, extended=True).size(8).count(1).logical(0, 0xFF, 2).input()
    b.end().end()
    b.page(0x84).usage(0x12).collection(0).report_id(0x20).page(0x85).usage(0x85)
    b.logical(0, 0xFFFF).size(16).count(1).feature().end()
    b.page(0x84).usage(0x1E).collection(0x84).report_id(0x30).usage(0x43)
    b.logical(0, 0xFFFF).size(16).count(1).feature().end()
    b.item(2, 0, 0xFF860005, 4).collection(0).report_id(0x40)
    b.item(2, 0, 0xFF86007C, 4).logical(0, 1).size(8).count(3).feature().end()
    b.end()
    return bytes(b)


def test_names_as_nut_prints_them() -> None:
    assert node_name(0x840024) == "PowerSummary"
    assert node_name(0x8500D0) == "ACPresent"
    assert node_name(0x850088) == "iDevicename"
    assert node_name(0xFF860024) == "ff860024"
    assert node_name(0x00860040) == "00860040"
    assert node_name(0x00FF0004) == "[4]"
    assert node_name(0x00860040, [{0x00860040: "ConfigVoltage"}, GENERIC]) == "ConfigVoltage"


def test_paths_offsets_and_values_of_a_back_ups_like_unit() -> None:
    rd = parse_descriptor(back_ups_like())
    rows = [(field_path(f), f.report_type.value, f.report_id, f.offset, f.size)
            for f in nut_fields(rd)]
    assert rows == [
        ("UPS.PowerSummary.RemainingCapacity", "Input", 0x01, 0, 8),
        ("UPS.PowerSummary.RemainingCapacity", "Feature", 0x0C, 0, 8),
        ("UPS.PowerSummary.RunTimeToEmpty", "Feature", 0x0C, 8, 16),
        ("UPS.PowerSummary.ConfigVoltage", "Feature", 0x10, 0, 16),
        ("UPS.PowerSummary.PresentStatus.Charging", "Input", 0x16, 0, 1),
        ("UPS.PowerSummary.PresentStatus.Discharging", "Input", 0x16, 1, 1),
        ("UPS.PowerSummary.PresentStatus.ACPresent", "Input", 0x16, 2, 1),
        ("UPS.PowerSummary.PresentStatus.BelowRemainingCapacityLimit", "Input", 0x16, 3, 1),
        ("UPS.PowerSummary.PresentStatus.ff860060", "Input", 0x16, 8, 8),
        ("UPS.Battery.ManufacturerDate", "Feature", 0x20, 0, 16),
        ("UPS.Flow.[4].ConfigApparentPower", "Feature", 0x30, 0, 16),
        ("UPS.ff860005.ff86007c", "Feature", 0x40, 0, 8),
    ]
    by_path = {(field_path(f), f.report_type): f for f in nut_fields(rd)}
    capacity = by_path["UPS.PowerSummary.RemainingCapacity", ReportType.FEATURE]
    assert read_value(capacity, bytes([0xC8, 0x2C, 0x01])) == 200  # LogMax 0xff fixed
    voltage = by_path["UPS.PowerSummary.ConfigVoltage", ReportType.FEATURE]
    assert read_value(voltage, (1200).to_bytes(2, "little")) == pytest.approx(12.0)
    status = [f for f in nut_fields(rd) if f.report_id == 0x16]
    assert [read_value(f, b"\x0e\x08") for f in status] == [0, 1, 1, 1, 8]
    assert rd.report_length(ReportType.FEATURE, 0x40) == 3
    assert len(rd.fields) == len(nut_fields(rd)) + 2  # the two repeated vendor slots


def test_parse_path_round_trips() -> None:
    rd = parse_descriptor(back_ups_like())
    for f in nut_fields(rd):
        text = field_path(f)
        assert render_path(parse_path(text)) == text
    assert parse_path("ups.powersummary.remainingcapacity") == (0x840004, 0x840024, 0x850066)
    with pytest.raises(ValueError, match="unknown usage 'Bogus'"):
        parse_path("UPS.Bogus")
