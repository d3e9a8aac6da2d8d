"""The PowerCOM subdriver on PowerCOM-like descriptors written here."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.powercom import (
    POWERCOM,
    encode_startup,
    shutdown_seconds,
    startup_seconds,
)
from upskit.model import CmdResult

PD, BS, PCM = 0x84, 0x85, 0x02


def descriptor() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1)  # UPS
    b.usage(0x24).collection(0)  # PowerSummary
    b.report_id(1).page(BS).field(0x66, 8, 0, 100)  # RemainingCapacity
    b.page(PD).field(0x5A, 8, 0, 2)  # AudibleAlarmControl
    b.report_id(2).field(0x56, 16, 0, 65535)  # DelayBeforeStartup
    b.report_id(3).field(0x57, 16, 0, 65535)  # DelayBeforeShutdown
    b.usage(0x02).collection(2).report_id(4).page(BS)  # PresentStatus
    b.usage(0xD0).usage(0x44).logical(0, 1).size(1).count(2).feature()
    b.size(6).count(1).feature(0x03)
    b.end().end().end()
    return bytes(b)


def dialect_descriptor() -> bytes:
    b = Builder().page(PCM).usage(0x04).collection(1)  # PowercomUPS
    b.usage(0x16).collection(0).usage(0x1C).collection(0)  # PowerConverter.Output
    b.report_id(1).field(0x30, 8, 0, 255).field(0x35, 8, 0, 100)  # Voltage, PercentLoad
    b.field(0x81, 8, 0, 255).field(0x82, 8, 0, 255)  # ChargeController, BatterySupport
    b.end().end().end()
    return bytes(b)


FEATURES = {1: bytes([100, 1]), 2: (0x0100).to_bytes(2, "little"),
            3: (0x0105).to_bytes(2, "little"), 4: bytes([0b11])}


@pytest.mark.parametrize("pid", [0x00A2, 0x00A3, 0x00A6, 0x0004, 0x0001, 0x7000])
def test_claims(pid: int) -> None:
    assert pick(0x0D9F, pid)[0] is POWERCOM


def test_packed_delays() -> None:
    assert startup_seconds(0x0100) == "60"  # one minute, bytes swapped
    assert startup_seconds(0x0002) == str(60 * 512)
    assert shutdown_seconds(0x0105) == "65"  # 1 min 5 s
    assert encode_startup(120) == 0x0200


async def test_publishes_and_packs_commands() -> None:
    driver = await start(VendorHid(0x0D9F, 0x00A3, descriptor(), FEATURES))
    dev = driver.device
    assert dev.get("driver.version.data") == "PowerCOM HID 0.73"
    assert dev.get("ups.beeper.status") == "enabled"
    assert dev.get("ups.timer.start") == "60"
    assert dev.get("ups.timer.shutdown") == "65"
    assert dev.get("ups.status") == "OL CHRG"
    port = driver.port
    assert isinstance(port, VendorHid)
    assert await driver.instcmd("shutdown.return", "90") is CmdResult.HANDLED
    assert port.writes[-1] == (3, bytes([3, 30 | 0x40, 1]))  # 1 min 30 s, restart
    assert await driver.instcmd("shutdown.stayoff", "0") is CmdResult.HANDLED
    assert port.writes[-1] == (3, bytes([3, 1 | 0x80, 0]))  # 0 s sent as 1 s, stay off
    assert await driver.instcmd("load.on.delay", "180") is CmdResult.HANDLED
    assert port.writes[-1] == (2, bytes([2, 0, 3]))
    assert await driver.instcmd("beeper.disable", None) is CmdResult.HANDLED
    assert port.writes[-1] == (1, bytes([1, 100, 0]))


async def test_powercom_ups_dialect() -> None:
    features = {1: bytes([57, 40, 0x02, 0x09])}  # 228 V; bad battery; on battery, trim
    dev = (await start(VendorHid(0x0D9F, 0x0001, dialect_descriptor(), features))).device
    assert dev.get("output.voltage") == "228"
    assert dev.get("ups.load") == "40"
    assert dev.get("ups.status") == "ALARM OB RB TRIM"
    assert dev.get("ups.alarm") == "Replace battery!"
