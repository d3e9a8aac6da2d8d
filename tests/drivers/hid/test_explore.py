"""Explore lines in NUT's format, read from a simulated unit and a fake port; the
descriptor dump item by item."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.test_driver import FakeHid, descriptor
from upskit.drivers.hid.descriptor import (
    DescriptorError,
    ReportType,
    iter_items,
    parse_descriptor,
)
from upskit.drivers.hid.explore import ExploreLine, dump_items, explore, identity_lines
from upskit.drivers.hid.usages import nut_fields
from upskit.transport.base import TransportError
from upskit.transport.hid import HidPort
from upskit.transport.url import open_port


def test_a_line_reads_as_nut_prints_it() -> None:
    line = ExploreLine("UPS.PowerSummary.Voltage", ReportType.FEATURE, 9, 0, 16, 13.58)
    assert str(line) == ("Path: UPS.PowerSummary.Voltage, Type: Feature, ReportID: 0x09, "
                         "Offset: 0, Size: 16, Value: 13.58")
    assert str(ExploreLine("UPS.PowerSummary.DelayBeforeShutdown", ReportType.INPUT, 0xAB,
                           8, 32, -1.0)).endswith(
        "Type: Input, ReportID: 0xab, Offset: 8, Size: 32, Value: -1")
    assert str(ExploreLine("x", ReportType.OUTPUT, 1, 0, 8, 0.03)).endswith("Value: 0.03")


def test_identity_lines_are_nut_debug_lines() -> None:
    assert identity_lines({"ups.vendorid": "0764", "ups.productid": "0501",
                           "driver.parameter.vendor": "CPS ", "driver.parameter.serial": ""}
                          ) == ["- VendorID: 0764", "- ProductID: 0501", "- Manufacturer: CPS"]


async def test_explore_the_simulated_back_ups() -> None:
    port = open_port("sim://usb/apc-back-ups", {}, HidPort)  # type: ignore[type-abstract]
    async with port:
        desc = parse_descriptor(await port.report_descriptor())
        lines, failed = await explore(port, desc)
    text = [str(line) for line in lines]
    assert failed == []
    assert len(lines) == len(nut_fields(desc))
    for expected in (
        "Path: UPS.PowerSummary.iProduct, Type: Feature, ReportID: 0x01, Offset: 0, "
        "Size: 8, Value: 1",
        "Path: UPS.PowerSummary.PresentStatus.ACPresent, Type: Input, ReportID: 0x16, "
        "Offset: 2, Size: 1, Value: 1",
        "Path: UPS.PowerSummary.DelayBeforeShutdown, Type: Feature, ReportID: 0x15, "
        "Offset: 0, Size: 16, Value: -1",
        "Path: UPS.Battery.ConfigVoltage, Type: Feature, ReportID: 0x25, Offset: 0, "
        "Size: 16, Value: 12",
        "Path: UPS.Input.ConfigVoltage, Type: Feature, ReportID: 0x30, Offset: 0, "
        "Size: 8, Value: 230",
    ):
        assert expected in text


class HalfDeaf(FakeHid):
    """Report 3 stalls; report 4 answers with another report's id."""

    async def get_feature(self, report_id: int, length: int) -> bytes:
        if report_id == 3:
            raise TransportError("stall")
        if report_id == 4:
            return b"\x07\x02"
        return await super().get_feature(report_id, length)


async def test_a_report_that_cannot_be_read_has_no_lines() -> None:
    port = HalfDeaf()
    desc = parse_descriptor(descriptor())
    lines, failed = await explore(port, desc)
    ids = {line.report_id for line in lines}
    assert ids == {1, 2, 5}
    assert [(f.report_id, "stall" in f.reason) for f in failed] == [(3, True), (4, False)]
    assert "0x07" in failed[1].reason
    status = [str(line) for line in lines if line.report_id == 2]
    assert ("Path: UPS.PowerSummary.PresentStatus.ACPresent, Type: Input, ReportID: 0x02, "
            "Offset: 0, Size: 1, Value: 1") in status


def test_descriptor_dump_lists_every_item_indented() -> None:
    b = Builder().page(0x84).usage(0x04).collection(1).usage(0x24).collection(0x80)
    b.report_id(7).page(0x85).push().logical(-1, 255).pop().unit(0x1001).exponent(0)
    b.usage(0x66).size(8).count(1).feature().end().end()
    b.long_item(0x12, b"ab")
    lines = list(dump_items(bytes(b)))
    assert lines[0] == "0x0000: 05 84           Usage Page (Power Device)"
    assert lines[1].endswith(" Usage (UPS)")
    assert lines[2].endswith(" Collection (Application)")
    assert lines[3].endswith("   Usage (PowerSummary)")  # one level in
    assert lines[4].endswith(" Collection (Vendor 0x80)")
    body = "\n".join(lines)
    for text in ("Report ID (7)", "Usage Page (Battery System)", "Push", "Pop",
                 "Logical Minimum (-1)", "Logical Maximum (255)", "Unit (0x00001001)",
                 "Usage (RemainingCapacity)", "Feature (Data,Var,Abs)",
                 "Long Item (tag 0x12, 2 bytes)"):
        assert text in body
    assert lines[-2].startswith("0x") and lines[-2].endswith("  End Collection")
    assert len(lines) == len(list(iter_items(bytes(b))))


def test_descriptor_dump_of_a_truncated_descriptor_raises() -> None:
    with pytest.raises(DescriptorError):
        list(dump_items(b"\x05\x84\x26\xff"))
