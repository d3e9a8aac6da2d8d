"""The Belkin/Liebert subdriver on Belkin-like and Liebert-like descriptors written here."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.subdriver import StatusRule
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.belkin import BELKIN
from upskit.model import CmdResult

PD, BS, BK = 0x84, 0x85, 0x86
VOLT = 0x00F0D121


def belkin_descriptor() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1)  # UPS
    b.page(BK).usage(0x10).collection(0)  # BELKINBatterySystem
    b.report_id(1).field(0x39, 8, 0, 100).field(0x30, 16, 0, 65535)  # Charge, Voltage
    b.end()
    b.usage(0x2A).collection(0).usage(0x1A).collection(0)  # BELKINPowerState.BELKINInput
    b.report_id(2).field(0x30, 16, 0, 65535).field(0x32, 16, 0, 65535)  # Voltage, Freq.
    b.end().end()
    b.usage(0x27).collection(0)  # BELKINControls
    b.report_id(3).field(0x58, 8, 0, 5)  # BELKINTest
    b.report_id(4).field(0x5A, 8, 1, 3)  # BELKINAudibleAlarmControl
    b.report_id(5).field(0x57, 16, -1, 32767)  # BELKINDelayBeforeShutdown
    b.end()
    b.usage(0x29).collection(0).report_id(6)  # BELKINDevice
    b.field(0x74, 8, 0, 2).field(0x7C, 8, 0, 255)  # VoltageSensitivity, UPSType
    b.end()
    b.usage(0x28).collection(0).report_id(7)  # BELKINStatus
    b.field(0x22, 8, 0, 255).field(0x21, 16, 0, 65535)  # BatteryStatus, PowerStatus
    b.end().end()
    return bytes(b)


BELKIN_FEATURES = {
    1: bytes([77]) + (272).to_bytes(2, "little"),  # 77 %, 27.2 V
    2: (2301).to_bytes(2, "little") + (499).to_bytes(2, "little"),
    3: bytes([1]),
    4: bytes([2]),
    5: (-1).to_bytes(2, "little", signed=True),
    6: bytes([1, 0x32]),  # reduced; firmware 3, line-interactive
    7: bytes([0x04]) + (0x0011).to_bytes(2, "little"),  # low battery; AC failure, overload
}


def liebert_descriptor() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1)  # UPS
    b.usage(0x1A).collection(0)  # Input
    b.report_id(1).unit(VOLT).exponent(0).field(0x30, 16, 0, 65535)  # Voltage, exponent 0
    b.end()
    b.usage(0x24).collection(0)  # PowerSummary
    b.report_id(2).unit(0).page(BS).field(0x66, 8, 0, 100)  # RemainingCapacity
    b.page(PD).usage(0x02).collection(2).report_id(3).page(BS)  # PresentStatus
    b.usage(0xD0).usage(0x44).logical(0, 1).size(1).count(2).feature()
    b.size(6).count(1).feature(0x03)
    b.end().end().end()
    return bytes(b)


@pytest.mark.parametrize(("vid", "pid"), [(0x050D, 0x0980), (0x050D, 0x0F51),
                                          (0x050D, 0x1100), (0x10AF, 0x0001),
                                          (0x10AF, 0x0008), (0x050D, 0x4321)])
def test_claims(vid: int, pid: int) -> None:
    assert pick(vid, pid)[0] is BELKIN


def test_masked_status_rules() -> None:
    online = StatusRule("p", "online", when=0, mask=0x01)
    overload = StatusRule("p", "overload", when=0x10, mask=0x10)
    trim = StatusRule("p", "trim", when=0x08, mask=0x18)
    assert online.holds(0x10) and not online.holds(0x11)
    assert overload.holds(0x11) and not overload.holds(0x01)
    assert trim.holds(0x08) and not trim.holds(0x18) and not trim.holds(0x10)
    assert StatusRule("p", "off", when=0).holds(0) and not StatusRule("p", "x").holds(3)


async def test_publishes_belkin_variables() -> None:
    dev = (await start(VendorHid(0x050D, 0x0980, belkin_descriptor(), BELKIN_FEATURES))).device
    assert dev.get("driver.version.data") == "Belkin/Liebert HID 0.17"
    assert dev.get("battery.charge") == "77"
    assert dev.get("battery.voltage") == "27.2"
    assert dev.get("input.voltage") == "230.1"
    assert dev.get("input.frequency") == "49.9"
    assert dev.get("input.sensitivity") == "reduced"
    assert dev.get("ups.firmware") == "3"
    assert dev.get("ups.type") == "line-interactive"
    assert dev.get("ups.test.result") == "Done and passed"
    assert dev.get("ups.status") == "OB LB OVER"


async def test_belkin_commands() -> None:
    driver = await start(VendorHid(0x050D, 0x0980, belkin_descriptor(), BELKIN_FEATURES))
    port = driver.port
    assert isinstance(port, VendorHid)
    assert await driver.instcmd("beeper.mute", None) is CmdResult.HANDLED
    assert port.writes[-1] == (4, bytes([4, 3]))
    assert await driver.instcmd("test.battery.start.quick", None) is CmdResult.HANDLED
    assert port.writes[-1] == (3, bytes([3, 1]))
    assert await driver.instcmd("shutdown.stop", None) is CmdResult.HANDLED
    assert port.writes[-1] == (5, bytes([5, 0xFF, 0xFF]))


async def test_liebert_broken_voltage_exponent() -> None:
    features = {1: (230).to_bytes(2, "little"), 2: bytes([90]), 3: bytes([0b11])}
    port = VendorHid(0x10AF, 0x0001, liebert_descriptor(), features, product="PSA")
    dev = (await start(port)).device
    assert dev.get("input.voltage") == "230.0"  # 230e-7 V scaled back
    assert dev.get("battery.charge") == "90"
    assert dev.get("ups.status") == "OL CHRG"
