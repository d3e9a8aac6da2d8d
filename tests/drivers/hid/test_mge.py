"""The Eaton / MGE subdriver on an Eaton-like descriptor written here."""

from __future__ import annotations

import time

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.descriptor import parse_descriptor
from upskit.drivers.hid.driver import bind
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.mge import MGE
from upskit.model import CmdResult

PD, BS, MGE_PAGE = 0x84, 0x85, 0xFFFF
VOLT, SECOND, VA = 0x00F0D121, 0x00001001, 0x0000D121
NOON = 1_700_000_000


def descriptor() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1)  # UPS
    b.usage(0x24).collection(0)  # PowerSummary
    b.report_id(1).page(BS).field(0x66, 8, 0, 100)  # RemainingCapacity
    b.page(PD).field(0x35, 8, 0, 100)  # PercentLoad
    b.page(MGE_PAGE).field(0x97, 32, 0, 0x7FFFFFFF)  # Time
    b.report_id(3).page(PD).unit(SECOND)
    b.field(0x57, 16, -1, 32767).field(0x56, 16, -1, 32767)  # DelayBefore Shutdown/Startup
    b.report_id(4).unit(0).field(0x5A, 8, 1, 3)  # AudibleAlarmControl
    b.usage(0x02).collection(2)  # PresentStatus
    b.report_id(2).page(BS)
    for usage in (0xD0, 0x45, 0x44, 0x42):  # ACPresent Discharging Charging BelowRCL
        b.usage(usage)
    b.page(PD).usage(0x61)  # Good
    b.logical(0, 1).size(1).count(5).feature().size(3).count(1).feature(0x03)
    b.end().end()  # PresentStatus, PowerSummary
    b.usage(0x10).collection(0)  # BatterySystem
    b.usage(0x12).collection(0).report_id(5).field(0x58, 8, 0, 6).end()  # Battery.Test
    b.usage(0x14).collection(0)  # Charger
    b.report_id(6).page(MGE_PAGE).field(0x94, 8, 0, 6).end()  # Mode
    b.page(PD).end()
    b.usage(0x16).collection(0)  # PowerConverter
    b.usage(0x1A).collection(0x81)  # Input.[1]
    b.report_id(7).unit(VOLT).exponent(7).field(0x30, 16, 0, 500)  # Voltage
    b.unit(0).exponent(0).usage(0x02).collection(2)  # PresentStatus
    b.usage(0x6E).logical(0, 1).size(1).count(1).feature().size(7).feature(0x03)  # Boost
    b.end().end().end()
    b.usage(0x1E).collection(0x84)  # Flow.[4]
    b.report_id(8).unit(VA).exponent(7).field(0x43, 16, 0, 20000)  # ConfigApparentPower
    b.end()
    b.unit(0).exponent(0).usage(0x18).collection(0)  # OutletSystem
    b.usage(0x20).collection(0x82)  # Outlet.[2]
    b.report_id(9).usage(0x02).collection(2)  # PresentStatus
    b.usage(0x6B).logical(0, 1).size(1).count(1).feature().size(7).feature(0x03)
    b.end()
    b.unit(SECOND).field(0x57, 16, -1, 32767)  # DelayBeforeShutdown
    b.end().end().end()
    return bytes(b)


FEATURES = {
    1: bytes([87, 42]) + NOON.to_bytes(4, "little"),
    2: bytes([0b10101]),  # on line, charging, good
    3: (-1).to_bytes(2, "little", signed=True) * 2,
    4: bytes([2]),
    5: bytes([1]),
    6: bytes([3]),
    7: (229).to_bytes(2, "little") + bytes([1]),  # boost
    8: (1500).to_bytes(2, "little"),
    9: bytes([1]) + (-1).to_bytes(2, "little", signed=True),
}


def unit() -> VendorHid:
    return VendorHid(0x0463, 0xFFFF, descriptor(), FEATURES, product="Ellipse PRO")


@pytest.mark.parametrize(("vid", "pid"), [(0x0463, 0x0001), (0x0463, 0xFFFF),
                                          (0x047C, 0xFFFF), (0x0592, 0x0004),
                                          (0x03F0, 0x1FE5), (0x03F0, 0x1FE8),
                                          (0x2B2D, 0xFFFF), (0x04B3, 0x0001),
                                          (0x0463, 0x1234)])
def test_claims(vid: int, pid: int) -> None:
    assert pick(vid, pid)[0] is MGE


def test_hp_and_dell_other_products_are_not_claimed() -> None:
    assert pick(0x03F0, 0x0002)[0].name == "generic"
    assert pick(0x047C, 0x0001)[0].name == "generic"


def test_eaton_paths_with_index_nodes() -> None:
    paths = set(bind(MGE, parse_descriptor(descriptor())).feature)
    assert {"UPS.PowerConverter.Input.[1].Voltage", "UPS.Flow.[4].ConfigApparentPower",
            "UPS.OutletSystem.Outlet.[2].PresentStatus.SwitchOn/Off",
            "UPS.BatterySystem.Charger.Mode", "UPS.PowerSummary.Time"} <= paths


async def test_publishes_eaton_variables() -> None:
    dev = (await start(unit())).device
    assert dev.get("driver.version.data") == "MGE HID 1.51"
    assert dev.get("battery.charge") == "87"
    assert dev.get("ups.load") == "42"
    assert dev.get("input.voltage") == "229.0"
    assert dev.get("ups.power.nominal") == "1500"
    assert dev.get("battery.charger.status") == "floating"
    assert dev.get("ups.test.result") == "Done and passed"
    assert dev.get("outlet.1.status") == "on"
    assert dev.get("outlet.1.desc") is None  # no Outlet.[2].OutletID on this unit
    assert dev.get("ups.date") == time.strftime("%Y/%m/%d", time.localtime(NOON))
    assert dev.get("ups.time") == time.strftime("%H:%M:%S", time.localtime(NOON))
    assert dev.get("ups.status") == "OL CHRG BOOST"


async def test_not_good_is_off() -> None:
    port = unit()
    port.features[2] = bytes([0b00001])  # on line, not good
    dev = (await start(port)).device
    assert dev.get("ups.status") == "OL BOOST OFF"


async def test_commands_write_eaton_fields() -> None:
    driver = await start(unit())
    port = driver.port
    assert isinstance(port, VendorHid)
    assert await driver.instcmd("test.battery.start.deep", None) is CmdResult.HANDLED
    assert port.writes[-1] == (5, bytes([5, 2]))
    assert await driver.instcmd("beeper.off", None) is CmdResult.HANDLED  # 1 on Eaton
    assert port.writes[-1] == (4, bytes([4, 1]))
    assert await driver.instcmd("outlet.1.load.off", None) is CmdResult.HANDLED
    assert port.writes[-1] == (9, bytes([9, 1, 0, 0]))
    assert await driver.instcmd("outlet.2.load.off", None) is CmdResult.UNKNOWN
    assert await driver.instcmd("shutdown.return", None) is CmdResult.HANDLED
    assert port.writes[-1][0] == 3
