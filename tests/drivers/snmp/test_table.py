"""The mapping-table format: rendering, conversions, templates, and every registered
table checked for the rules detection and polling rely on."""

from __future__ import annotations

import pytest

from upskit.drivers.snmp import mibs
from upskit.drivers.snmp.detect import by_sysoid
from upskit.drivers.snmp.table import (
    Index,
    Mib,
    Poll,
    SetType,
    Status,
    Var,
    Writable,
    enum_of,
    expand,
    render,
    unrender,
)


def test_numbers_are_scaled_and_printed_as_nut_does() -> None:
    volts = Var("battery.voltage", "1", scale=0.1)
    assert render(volts, 2716) == "271.60"
    assert render(volts, 500) == "50"
    assert render(Var("x", "1", scale=60), 544) == "32640"
    assert render(Var("x", "1", scale=0.1, digits=1), 597) == "59.7"
    assert render(Var("x", "1"), "42") == "42"  # a number sent as text


def test_unusable_values_are_no_reading_or_an_error() -> None:
    assert render(Var("x", "1", neg_invalid=True), -1) is None
    assert render(Var("x", "1", zero_invalid=True), 0) is None
    assert render(Var("x", "1", string=True, na_invalid=True), "N/A") is None
    with pytest.raises(ValueError):
        render(Var("x", "1"), "garbage")
    with pytest.raises(ValueError):
        render(Var("x", "1"), "nan")


def test_strings_and_bytes() -> None:
    assert render(Var("x", "1", string=True), "  Smart-UPS\x00") == "Smart-UPS"
    assert render(Var("x", "1", string=True), b"\xffab") == "\ufffdab"
    assert render(Var("x", "1", convert="mac"), b"\x00\x30\xd6") == "00:30:d6"


def test_enumerations_both_ways() -> None:
    beeper = Var("ups.beeper.status", "1", enum=enum_of((1, "disabled"), (2, "enabled")),
                 writable=Writable())
    assert render(beeper, 2) == "enabled"
    assert render(beeper, "2") == "enabled"  # an agent sending the number as text
    assert render(beeper, 7) is None
    assert unrender(beeper, "disabled") == 1
    with pytest.raises(ValueError, match="not one of disabled, enabled"):
        unrender(beeper, "loud")
    assert render(Var("s", "1", enum=enum_of((1, "OL"), other="")), 9) == ""


def test_set_values_undo_the_multiplier() -> None:
    runtime_low = Var("battery.runtime.low", "1", scale=60, writable=Writable(low=0, high=3600))
    assert unrender(runtime_low, "300") == 5
    name = Var("ups.id", "1", string=True, writable=Writable(SetType.STRING, 63))
    assert unrender(name, "rack 4") == "rack 4"
    with pytest.raises(ValueError):
        unrender(runtime_low, "soon")


@pytest.mark.parametrize(("text", "expected"), [
    ("03/27/2019", "2019/03/27"), ("12/01/99", "1999/12/01"), ("01/02/05", "2005/01/02")])
def test_dates(text: str, expected: str) -> None:
    assert render(Var("battery.date", "1", convert="date_mdy"), text) == expected


def test_other_conversions() -> None:
    assert render(Var("x", "1", convert="ticks"), 12345) == "123"
    assert render(Var("x", "1", convert="hms"), "01:02:03") == "3723"
    with pytest.raises(ValueError):
        render(Var("x", "1", convert="date_mdy"), "yesterday")


def test_templates_fill_placeholders_in_order() -> None:
    assert expand("device.%i.outlet.%i.current", [2, 5]) == "device.2.outlet.5.current"
    assert expand("1.3.6.%i.7", [0]) == "1.3.6.0.7"


def test_sysoid_matching_exact_before_prefix() -> None:
    broad = Mib("broad", "1", (), sysoids=("1.3.6.1.4.1.99.",))
    exact = Mib("exact", "1", (), sysoids=("1.3.6.1.4.1.99.1.2",))
    assert broad.matches_sysoid(".1.3.6.1.4.1.99.1.2")
    assert not broad.matches_sysoid("1.3.6.1.4.1.990.1")
    assert by_sysoid([broad, exact], "1.3.6.1.4.1.99.1.2") is exact
    assert by_sysoid([broad, exact], "1.3.6.1.4.1.99.7") is broad
    assert by_sysoid([broad, exact], "1.3.6.1.4.1.5") is None


# ------------------------------------------------ every registered table
TABLES = mibs.names()


def test_detection_probes_the_generic_table_last() -> None:
    order = mibs.detection_order()
    assert sorted(order) == TABLES
    assert order[-1] == "ietf"


def test_an_unknown_table_name_lists_the_known_ones() -> None:
    with pytest.raises(mibs.UnknownMib, match="ietf"):
        mibs.load("no-such-mib")


@pytest.mark.parametrize("name", TABLES)
def test_table_rules(name: str) -> None:
    mib = mibs.load(name)
    assert mib.name == name
    assert mib.variables and mib.model_oid
    if name != "ietf" and mib.model_oid.startswith("1.3.6.1.2.1."):
        # a vendor table on a standard MIB must prove its vendor, or it would claim
        # every agent of that MIB (NUT 2.8.0's "every RFC 1628 card is Tripp Lite")
        assert mib.vendor_oid, f"{name}: model_oid is a standard OID: set vendor_oid"
    for row in mib.variables:
        where = f"{name}: {row.name} ({row.oid})"
        if row.status is not None:
            assert row.name == "ups.status" and row.enum is not None, where
            assert row.poll is Poll.STATUS, where
        assert row.name.count("%i") == len(row.each) == row.oid.count("%i"), where
        if not row.oid:  # a driver-side setting (writable) or a constant
            assert row.default is not None, where
        else:
            assert all(part.isdigit() for part in row.oid.replace("%i", "0").split(".")), where
        if row.writable is not None and row.enum is None and not row.string:
            assert row.writable.kind in (SetType.INTEGER, SetType.UNSIGNED,
                                         SetType.TIMETICKS), where
    for cmd in mib.commands:
        assert cmd.name.count("%i") == len(cmd.each) == cmd.oid.count("%i"), cmd.name
        if cmd.value_from is not None:
            assert mib.var(cmd.value_from) is not None, cmd.name


def test_status_words_are_nut_tokens() -> None:
    known = {"OL", "OB", "LB", "HB", "RB", "CHRG", "DISCHRG", "BYPASS", "CAL", "OFF",
             "OVER", "TRIM", "BOOST", "FSD", "ECO", "ALARM", "TEST"}
    for name in TABLES:
        mib = mibs.load(name)
        for row in mib.variables:
            if row.status is not None and row.enum is not None:
                for word in row.enum.words():
                    assert set(word.split()) <= known, (name, word)
        for column in mib.alarms:
            for alarm in column.alarms:
                assert set(alarm.status.split()) <= known, (name, alarm)


def test_ietf_is_a_plain_data_module() -> None:
    mib = mibs.load("ietf")
    assert mib.matches_sysoid("1.3.6.1.2.1.33")
    assert Status.POWER in {r.status for r in mib.variables}
    assert isinstance(mib.var("battery.charge"), Var)
    assert Index("outlet.count").base == 1
