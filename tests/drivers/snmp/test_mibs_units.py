"""The UPS vendor tables' rows rendered without an agent: status words, scales and
conversions as the MIBs define them, commands' values, detection by sysObjectID."""

from __future__ import annotations

import pytest

from upskit.drivers.snmp import mibs
from upskit.drivers.snmp.detect import by_sysoid
from upskit.drivers.snmp.table import Mib, SetType, Status, Var, render

UPS_TABLES = ("apcc", "pw", "eaton_pxg_ups", "mge", "cyberpower", "tripplite", "xppc",
              "huawei", "delta_ups", "netvision", "bestpower", "cpqpower", "vertiv")


def rows(mib: Mib, oid: str) -> list[Var]:
    return [r for r in mib.variables if r.oid == oid]


def status_words(mib: Mib, oid: str, value: int) -> str | None:
    (row,) = [r for r in rows(mib, oid) if r.status is not None]
    return render(row, value)


def first(mib: Mib, name: str) -> Var:
    row = mib.var(name)
    assert row is not None, name
    return row


def test_every_ups_table_is_registered_and_probed_before_ietf() -> None:
    order = mibs.detection_order()
    for name in UPS_TABLES:
        mib = mibs.load(name)
        assert mib.name == name and mib.device_type == "ups"
        assert mib.model_oid and order.index(name) < order.index("ietf")
        assert any(r.status is Status.POWER for r in mib.variables) or name == "huawei"


@pytest.mark.parametrize(("sysoid", "table"), [
    ("1.3.6.1.4.1.318.1.3.27", "apcc"),            # AP9631 / NMC3 cards
    ("1.3.6.1.4.1.534.1", "pw"),
    ("1.3.6.1.4.1.534.2.12", "eaton_pxg_ups"),
    ("1.3.6.1.4.1.705.1", "mge"),
    ("1.3.6.1.4.1.3808.1.1.1", "cyberpower"),
    ("1.3.6.1.4.1.3808.1.1.3", "cyberpower"),
    ("1.3.6.1.4.1.850.1", "tripplite"),
    ("1.3.6.1.4.1.935.1.1.1", "xppc"),
    ("1.3.6.1.4.1.8072.3.2.10", "huawei"),
    ("1.3.6.1.4.1.2254.2.4", "delta_ups"),
    ("1.3.6.1.4.1.4555.1.1.1", "netvision"),
    ("1.3.6.1.4.1.232.165.3", "cpqpower"),
    ("1.3.6.1.4.1.476.1.42.2.4.1", "vertiv"),
    ("1.3.6.1.2.1.33", "ietf"),
])
def test_sysobjectids(sysoid: str, table: str) -> None:
    # the UPS tables only: the ATS table of Eaton's NMC shares MGE's sysObjectID, and
    # detection tells them apart by their model OIDs (the driver test)
    tables = [mibs.load(n) for n in mibs.detection_order() if n in UPS_TABLES or n == "ietf"]
    found = by_sysoid(tables, sysoid)
    assert found is not None and found.name == table


def test_apcc_rows() -> None:
    apc = mibs.load("apcc")
    out = "1.3.6.1.4.1.318.1.1.1.4.1.1.0"
    assert [status_words(apc, out, v) for v in (2, 3, 4, 7, 9, 12)] == \
        ["OL", "OB", "OL BOOST", "OFF", "OL BYPASS", "OL TRIM"]
    assert status_words(apc, "1.3.6.1.4.1.318.1.1.1.2.1.1.0", 3) == "LB"
    assert status_words(apc, "1.3.6.1.4.1.318.1.1.1.2.2.4.0", 2) == "RB"
    assert status_words(apc, "1.3.6.1.4.1.318.1.1.1.7.2.6.0", 3) == "CAL"
    assert render(first(apc, "battery.runtime"), 570900) == "5709"   # TimeTicks
    assert render(first(apc, "battery.charge"), 1000) == "100"       # tenths first
    assert render(first(apc, "ups.load"), 202) == "20.20"
    stayoff = apc.command("shutdown.stayoff")
    assert stayoff is not None and (stayoff.oid, stayoff.value) == \
        ("1.3.6.1.4.1.318.1.1.1.6.2.1.0", 3)


def test_pw_rows() -> None:
    pw = mibs.load("pw")
    source = "1.3.6.1.4.1.534.1.4.5.0"
    assert [status_words(pw, source, v) for v in (2, 3, 4, 5, 6, 7, 10)] == \
        ["OFF", "OL", "OL BYPASS", "OB", "OL BOOST", "OL TRIM", "OL"]
    assert status_words(pw, "1.3.6.1.4.1.534.1.2.5.0", 1) == "CHRG"
    assert render(first(pw, "battery.date"), "01/01/2001") == "2001-01-01"
    assert render(first(pw, "ups.type"), 64) == "On-Line UPS, Single Phase"
    # topology codes are hexadecimal families: 0x22 is a three-phase line-interactive
    assert render(first(pw, "ups.type"), 0x22) == "Line-Interactive UPS, Three Phase"
    assert render(first(pw, "ups.type"), 0x61) == "Parallel for Capacity On-Line UPS, Two Phase"
    assert render(first(pw, "ups.type"), 20) is None
    (column,) = pw.alarms
    alarm = column.find("1.3.6.1.4.1.534.1.7.13")
    assert alarm is not None and alarm.status == "OFF"
    shed = pw.command("shutdown.return")
    assert shed is not None and shed.oid == "1.3.6.1.4.1.534.1.9.6.0"
    assert shed.value_from == "ups.delay.shutdown"
    assert mibs.load("eaton_pxg_ups").variables == pw.variables
    alias = mibs.load("pxgx_ups")  # NUT 2.8.0's name, accepted in ups.conf
    assert alias.name == "pxgx_ups" and alias.variables == pw.variables


def test_mge_rows() -> None:
    mge = mibs.load("mge")
    assert status_words(mge, "1.3.6.1.4.1.705.1.7.3.0", 1) == "OB"
    assert status_words(mge, "1.3.6.1.4.1.705.1.7.3.0", 2) == "OL"
    assert status_words(mge, "1.3.6.1.4.1.705.1.7.4.0", 1) == "BYPASS"
    assert status_words(mge, "1.3.6.1.4.1.705.1.5.16.0", 1) == "LB"
    assert status_words(mge, "1.3.6.1.4.1.705.1.5.11.0", 1) == "RB"
    assert render(first(mge, "output.voltage"), 2300) == "230"
    assert render(first(mge, "ups.test.result"), 1) == "done and passed"
    assert render(first(mge, "ambient.temperature"), 0) == "0.0"


def test_cyberpower_xppc_huawei_delta_rows() -> None:
    cps = mibs.load("cyberpower")
    assert status_words(cps, "1.3.6.1.4.1.3808.1.1.1.4.1.1.0", 2) == "OL"
    assert render(first(cps, "battery.runtime"), 174000) == "1740"
    assert render(first(cps, "input.voltage"), 1195) == "119.50"
    xppc = mibs.load("xppc")
    assert status_words(xppc, "1.3.6.1.4.1.935.1.1.1.4.1.1.0", 3) == "OB"
    hw = mibs.load("huawei")
    assert status_words(hw, "1.3.6.1.4.1.2011.6.174.1.2.101.1.1.1", 6) == "OL ECO"
    assert render(first(hw, "output.frequency"), 4999) == "49.99"
    assert render(first(hw, "output.power.nominal"), 7) == "40000"
    # three distinct phases where NUT 2.8.0 repeats L1 (realpower) and L2 (powerfactor)
    assert {first(hw, f"output.L{n}.realpower").oid for n in (1, 2, 3)} == {
        f"1.3.6.1.4.1.2011.6.174.1.4.100.1.{c}.1" for c in (8, 9, 10)}
    assert first(hw, "output.L3.powerfactor").oid.endswith(".21.1")
    delta = mibs.load("delta_ups")
    assert status_words(delta, "1.3.6.1.4.1.2254.2.4.5.1.0", 0) == "OL"


def test_writable_settings_have_types_and_ranges() -> None:
    apc = mibs.load("apcc")
    low = first(apc, "input.transfer.low")
    assert low.writable is not None and (low.writable.low, low.writable.high) == (0, 300)
    ident = first(apc, "ups.id")
    assert ident.writable is not None and ident.writable.kind is SetType.STRING
    assert ident.writable.length == 8
