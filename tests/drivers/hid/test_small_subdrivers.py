"""The small subdrivers (arduino, ever, salicru, openups) on descriptors written here."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.arduino import ARDUINO
from upskit.drivers.hid.subdrivers.ever import EVER, hardware, version
from upskit.drivers.hid.subdrivers.openups import OPENUPS_D004, OPENUPS_D005, temperature
from upskit.drivers.hid.subdrivers.salicru import SALICRU
from upskit.model import CmdResult

PD, BS, EV = 0x84, 0x85, 0xFF00
SECOND = 0x00001001


def summary_timers(b: Builder) -> Builder:
    b.usage(0x24).collection(0)  # PowerSummary
    b.report_id(1).page(BS).field(0x66, 8, 0, 100)  # RemainingCapacity
    b.report_id(2).page(PD).unit(SECOND).field(0x57, 16, -1, 32767)  # DelayBeforeShutdown
    b.field(0x56, 16, -1, 32767)  # DelayBeforeStartup
    b.unit(0).usage(0x02).collection(2).report_id(3).page(BS)  # PresentStatus
    b.usage(0xD0).usage(0x45).logical(0, 1).size(1).count(2).feature()
    b.size(6).count(1).feature(0x03)
    return b.end().end()


def arduino_descriptor() -> bytes:
    return bytes(summary_timers(Builder().page(PD).usage(0x04).collection(1)).end())


def ever_descriptor() -> bytes:
    b = summary_timers(Builder().page(PD).usage(0x04).collection(1))
    b.page(0).usage(0).collection(0)  # EVER1 (usage 0)
    b.report_id(4).page(EV).field(0x11, 16, 0, 65535)  # EVER13: inverter firmware
    b.field(0x13, 16, 0, 65535)  # EVER15: hardware revision
    b.usage(0x16).collection(0).report_id(5)  # EVER18
    b.usage(0x17).usage(0x18).logical(0, 1).size(1).count(2).feature()  # EVER19, EVER20
    b.size(6).count(1).feature(0x03)
    b.end().end().end()
    return bytes(b)


FEATURES = {1: bytes([80]), 2: (-1).to_bytes(2, "little", signed=True) * 2,
            3: bytes([0b01])}


@pytest.mark.parametrize(("vid", "pid"), [(0x2341, 0x8036), (0x2A03, 0x0040),
                                          (0x2341, 0x1234)])
def test_arduino_claims(vid: int, pid: int) -> None:
    assert pick(vid, pid)[0] is ARDUINO


async def test_arduino_maps_only_the_timers() -> None:
    driver = await start(VendorHid(0x2341, 0x8036, arduino_descriptor(), FEATURES))
    dev = driver.device
    assert dev.get("driver.version.data") == "Arduino HID 0.1"
    assert dev.get("ups.timer.shutdown") == "-1"
    assert dev.get("ups.delay.shutdown") == "20"
    assert dev.get("battery.charge") is None  # NUT's arduino table leaves it to explore
    port = driver.port
    assert isinstance(port, VendorHid)
    assert await driver.instcmd("shutdown.return", None) is CmdResult.HANDLED
    assert port.writes[-1] == (2, bytes([2, 20, 0, 30, 0]))


@pytest.mark.parametrize(("vid", "pid"), [(0x0483, 0xA113), (0x2E51, 0xFFFF),
                                          (0x2E51, 0x0001)])
def test_ever_claims(vid: int, pid: int) -> None:
    assert pick(vid, pid)[0] is EVER


def test_ever_versions() -> None:
    assert version(0x1203) == "v1.2b03"
    assert hardware(0x0205) == "rev.Bv05"
    assert hardware(0x1F01) is None  # no letter for 31


async def test_ever_tree() -> None:
    features = {**FEATURES, 4: (0x2A10).to_bytes(2, "little") + (0x0102).to_bytes(2, "little"),
                5: bytes([0b10])}
    dev = (await start(VendorHid(0x2E51, 0xFFFF, ever_descriptor(), features))).device
    assert dev.get("driver.version.data") == "Ever HID 0.1"
    assert dev.get("id.firmware_version_inverter") == "v2.Ab16"
    assert dev.get("id.hardware_version") == "rev.Av02"
    assert dev.get("powersummary.remaining_capacity") == "80"
    assert dev.get("powersummary.delay_before_shutdown") == "20"
    assert dev.get("ups.status") == "OL LB"


def salicru_descriptor() -> bytes:
    b = summary_timers(Builder().page(PD).usage(0x04).collection(1))
    b.page(PD).usage(0x1C).collection(0)  # Output
    b.report_id(6).field(0x35, 8, 0, 100)  # PercentLoad
    b.usage(0x6E).usage(0x65).logical(0, 1).size(1).count(2).feature()  # Boost, Overload
    b.size(6).count(1).feature(0x03)
    b.end().end()
    return bytes(b)


def test_salicru_claims() -> None:
    assert pick(0x2E66, 0x0300)[0] is SALICRU
    assert pick(0x2E66, 0x0301)[0] is SALICRU


async def test_salicru_status_under_output_and_no_commands() -> None:
    features = {**FEATURES, 6: bytes([33, 0b01])}
    driver = await start(VendorHid(0x2E66, 0x0300, salicru_descriptor(), features))
    dev = driver.device
    assert dev.get("driver.version.data") == "Salicru HID 0.1"
    assert dev.get("ups.load") == "33"
    assert dev.get("ups.status") == "OL BOOST"
    assert await driver.instcmd("shutdown.return", None) is CmdResult.UNKNOWN


def openups_descriptor() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1).usage(0x24).collection(0)
    b.usage(0x1A).collection(0).report_id(1).field(0x30, 16, 0, 65535).end()  # Input.Voltage
    b.report_id(2).field(0x36, 16, 0, 65535)  # Temperature
    b.end().end()
    return bytes(b)


@pytest.mark.parametrize(("pid", "volts"), [(0xD004, "354.50"), (0xD005, "10.00")])
async def test_openups_model_scales(pid: int, volts: str) -> None:
    features = {1: (100).to_bytes(2, "little"), 2: (10).to_bytes(2, "little")}
    dev = (await start(VendorHid(0x04D8, pid, openups_descriptor(), features))).device
    assert dev.get("input.voltage") == volts
    assert dev.get("battery.temperature") == "125"  # 1000 beyond the thermistor table


def test_openups_claims_only_its_products() -> None:
    assert pick(0x04D8, 0xD004)[0] is OPENUPS_D004
    assert pick(0x04D8, 0xD005)[0] is OPENUPS_D005
    assert pick(0x04D8, 0x000A)[0].name == "generic"


@pytest.mark.parametrize(("reading", "celsius"), [(0.2, "-40"), (0.49, "-40"),
                                                  (0x200 / 100, "25"), (0x3CC / 100, "125"),
                                                  (0x208 / 100, "25.85")])
def test_openups_thermistor(reading: float, celsius: str) -> None:
    assert temperature(reading) == celsius
