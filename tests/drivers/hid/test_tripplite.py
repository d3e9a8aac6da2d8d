"""The Tripp Lite subdriver on a Tripp Lite-like descriptor written here."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.subdrivers import by_name, pick
from upskit.drivers.hid.subdrivers.tripplite import TRIPPLITE, TRIPPLITE_LCDT, TRIPPLITE_TENTH
from upskit.model import CmdResult

PD, BS, TL = 0x84, 0x85, 0xFFFF
VOLT, SECOND = 0x00F0D121, 0x00001001


def descriptor() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1)  # UPS
    b.usage(0x24).collection(0)  # PowerSummary
    b.report_id(1).page(BS).field(0x66, 8, 0, 100)  # RemainingCapacity
    b.page(PD).field(0x5A, 8, 1, 3)  # AudibleAlarmControl
    b.usage(0x02).collection(2).report_id(2)  # PresentStatus
    # ACPresent and Discharging on the Power Device page, as OMNI1000LCD firmware has it
    b.usage(0xD0).usage(0x45).logical(0, 1).size(1).count(2).feature()
    b.size(6).count(1).feature(0x03)
    b.end().end()
    b.usage(0x10).collection(0)  # BatterySystem
    b.usage(0x12).collection(0)  # Battery
    b.report_id(3).unit(VOLT).exponent(7).field(0x30, 16, 0, 65535)  # Voltage
    b.end()
    b.report_id(4).unit(0).exponent(0).field(0x58, 8, 0, 6)  # Test
    b.end()
    b.usage(0x16).collection(0)  # PowerConverter
    b.usage(0x1A).collection(0)  # Input
    b.report_id(5).field(0x32, 16, 0, 65535)  # Frequency
    b.end().end()
    b.usage(0x18).collection(0).usage(0x20).collection(0)  # OutletSystem.Outlet
    b.report_id(6).unit(SECOND).field(0x57, 16, -1, 32767)  # DelayBeforeShutdown
    b.page(TL).field(0x56, 16, -1, 32767)  # TLDelayBeforeStartup
    b.field(0x92, 8, 0, 255)  # TLWatchdog
    b.end().end().end()
    return bytes(b)


FEATURES = {
    1: bytes([64, 2]),
    2: bytes([0b10]),  # not on line, discharging
    3: (136).to_bytes(2, "little"),
    4: bytes([6]),
    5: (5998).to_bytes(2, "little"),
    6: (-1).to_bytes(2, "little", signed=True) * 2 + bytes([0]),
}


def unit(pid: int) -> VendorHid:
    return VendorHid(0x09AE, pid, descriptor(), FEATURES, product="OMNI1000LCD")


@pytest.mark.parametrize(("vid", "pid", "family"), [
    (0x09AE, 0x2005, TRIPPLITE_TENTH), (0x09AE, 0x1003, TRIPPLITE_TENTH),
    (0x09AE, 0x3012, TRIPPLITE), (0x09AE, 0x4001, TRIPPLITE), (0x03F0, 0x1FE0, TRIPPLITE),
    (0x03F0, 0x1F0A, TRIPPLITE), (0x09AE, 0x3016, TRIPPLITE_LCDT),
    (0x09AE, 0x7777, TRIPPLITE)])
def test_claims(vid: int, pid: int, family: object) -> None:
    assert pick(vid, pid)[0] is family


def test_the_name_is_the_unscaled_family() -> None:
    assert by_name("tripplite") is TRIPPLITE


@pytest.mark.parametrize(("pid", "battery", "frequency"), [
    (0x3012, "136.0", "5998.0"), (0x2005, "13.6", "5998.0"), (0x3016, "13600000.0", "60.0")])
async def test_family_scales(pid: int, battery: str, frequency: str) -> None:
    dev = (await start(unit(pid))).device
    assert dev.get("driver.version.data") == "TrippLite HID 0.82"
    assert dev.get("battery.voltage") == battery
    assert dev.get("input.frequency") == frequency


async def test_page_84_status_and_outlet_timers() -> None:
    dev = (await start(unit(0x2005))).device
    assert dev.get("ups.status") == "OB DISCHRG"
    assert dev.get("battery.charge") == "64"
    assert dev.get("ups.timer.start") == "-1"
    assert dev.get("ups.delay.start") == "30"
    assert dev.get("ups.test.result") == "No test initiated"
    assert dev.get("ups.watchdog.status") == "0"


async def test_commands() -> None:
    driver = await start(unit(0x2005))
    port = driver.port
    assert isinstance(port, VendorHid)
    assert await driver.instcmd("beeper.off", None) is CmdResult.HANDLED
    assert port.writes[-1] == (1, bytes([1, 64, 3]))
    assert await driver.instcmd("reset.watchdog", None) is CmdResult.HANDLED
    assert port.writes[-1] == (6, bytes([6, 0xFF, 0xFF, 0xFF, 0xFF, 60]))
    assert await driver.instcmd("shutdown.reboot", None) is CmdResult.HANDLED  # watchdog
    assert port.writes[-1] == (6, bytes([6, 0xFF, 0xFF, 0xFF, 0xFF, 10]))
    assert await driver.instcmd("load.on.delay", "120") is CmdResult.HANDLED
    assert port.writes[-1] == (6, bytes([6, 0xFF, 0xFF, 120, 0, 10]))
