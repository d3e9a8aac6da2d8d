"""The small subdrivers (arduino, ever) on descriptors written here."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.arduino import ARDUINO
from upskit.drivers.hid.subdrivers.ever import EVER, hardware, version
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
