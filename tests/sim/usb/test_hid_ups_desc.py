"""The simulators' descriptor writer, read back by the project's own parser."""

from __future__ import annotations

import pytest

from upskit.drivers.hid.descriptor import iter_items, parse_descriptor
from upskit.drivers.hid.usages import field_path, nut_fields
from upskit.drivers.hid.values import read_value
from upskit.sim.usb.hiddesc import (
    SECOND,
    VOLT,
    FieldSpec,
    ItemWriter,
    compile_layout,
    usage_of,
)


def test_items_take_the_smallest_payload_and_sign() -> None:
    writer = ItemWriter().page(0x84).logical(-1, 32767).size(16).count(1)
    writer.usage(0x57).feature()
    assert bytes(writer) == bytes.fromhex("05 84 15 ff 26 ff 7f 75 10 95 01 09 57 b1 02")
    items = list(iter_items(bytes(writer.long_item(0x10, b"\x01\x02"))))
    assert items[-1].data == b"\x01\x02"


def test_a_layout_opens_shared_collections_once_and_places_every_field() -> None:
    fields = [
        FieldSpec("UPS.PowerSummary.RemainingCapacity", 0x0C, 8, 0, 100, ("input", "feature"),
                  quantity="charge"),
        FieldSpec("UPS.PowerSummary.RunTimeToEmpty", 0x0C, 16, 0, 65534,
                  ("input", "feature"), SECOND, quantity="runtime"),
        FieldSpec("UPS.PowerSummary.DelayBeforeShutdown", 0x15, 16, -1, 32767, unit=SECOND,
                  quantity="delay_shutdown"),
        FieldSpec("UPS.PowerConverter.Input.[1].Voltage", 0x20, 16, 0, 65535, unit=VOLT,
                  exponent=5, quantity="volts"),
    ]
    layout = compile_layout(fields)
    parsed = parse_descriptor(layout.descriptor)
    paths = [(field_path(f), f.report_type.value, f.report_id, f.offset, f.size)
             for f in nut_fields(parsed)]
    assert paths == [
        ("UPS.PowerSummary.RemainingCapacity", "Input", 0x0C, 0, 8),
        ("UPS.PowerSummary.RemainingCapacity", "Feature", 0x0C, 0, 8),
        ("UPS.PowerSummary.RunTimeToEmpty", "Input", 0x0C, 8, 16),
        ("UPS.PowerSummary.RunTimeToEmpty", "Feature", 0x0C, 8, 16),
        ("UPS.PowerSummary.DelayBeforeShutdown", "Feature", 0x15, 0, 16),
        ("UPS.PowerConverter.Input.[1].Voltage", "Feature", 0x20, 0, 16),
    ]
    assert layout.lengths == {("input", 0x0C): 3, ("feature", 0x0C): 3,
                              ("feature", 0x15): 2, ("feature", 0x20): 2}
    # the simulator's encoding reads back as the driver converts it
    by_path = dict(layout.placements)
    by_field = {field_path(f): f for f in nut_fields(parsed)}
    for path, physical in (("UPS.PowerSummary.DelayBeforeShutdown", -1.0),
                           ("UPS.PowerConverter.Input.[1].Voltage", 13.62),
                           ("UPS.PowerSummary.RunTimeToEmpty", 1234.0)):
        data = bytearray(layout.lengths[("feature", by_path[path].spec.report_id)])
        by_path[path].encode(data, physical)
        assert read_value(by_field[path], bytes(data)) == pytest.approx(physical)
        assert by_path[path].decode(bytes(data)) == pytest.approx(physical)


def test_a_field_at_two_places_and_an_unknown_usage_are_refused() -> None:
    with pytest.raises(ValueError, match="different offsets"):
        compile_layout([
            FieldSpec("UPS.PowerSummary.ACPresent", 0x13, 8, 0, 1, ("feature",)),
            FieldSpec("UPS.PowerSummary.Charging", 0x13, 8, 0, 1, ("input", "feature")),
        ])
    with pytest.raises(ValueError, match="Bogus"):
        usage_of("Bogus")
    assert usage_of("ff86007c") == 0xFF86007C
