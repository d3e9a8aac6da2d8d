"""The Phoenixtec/Liebert subdriver on a Phoenixtec-like descriptor written here."""

from __future__ import annotations

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.liebert import LIEBERT
from upskit.model import CmdResult

PD, BS = 0x84, 0x85
VOLT = 0x00F0D121


def descriptor() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1)  # UPS
    b.usage(0x24).collection(0)  # PowerSummary
    b.report_id(1).page(BS).field(0x66, 8, 0, 100)  # RemainingCapacity
    b.page(PD).field(0x5A, 8, 1, 3)  # AudibleAlarmControl
    b.usage(0x02).collection(2).report_id(2).page(BS)  # PresentStatus
    b.usage(0xD0).usage(0x45).page(PD).usage(0x61)  # ACPresent Discharging Good
    b.logical(0, 1).size(1).count(3).feature().size(5).count(1).feature(0x03)
    b.end().end()
    b.usage(0x16).collection(0)  # PowerConverter
    b.usage(0x1C).collection(0)  # Output
    b.report_id(3).page(0xFFFF).field(0x57, 16, 0, 500).field(0x58, 16, 0, 500)
    b.end().end()
    b.page(PD).usage(0x10).collection(0).usage(0x12).collection(0)  # BatterySystem.Battery
    b.report_id(4).field(0x58, 8, 0, 6)  # Test
    b.end().end().end()
    return bytes(b)


FEATURES = {1: bytes([55, 2]), 2: bytes([0b110]), 3: (170).to_bytes(2, "little")
            + (280).to_bytes(2, "little"), 4: bytes([2])}


def test_claims() -> None:
    assert pick(0x06DA, 0xFFFF)[0] is LIEBERT
    assert pick(0x06DA, 0x0002)[0] is LIEBERT


async def test_publishes_and_commands() -> None:
    driver = await start(VendorHid(0x06DA, 0xFFFF, descriptor(), FEATURES))
    dev = driver.device
    assert dev.get("driver.version.data") == "Phoenixtec/Liebert HID 0.41"
    assert dev.get("input.transfer.low") == "170"  # unnamed vendor usage ffff0057
    assert dev.get("input.transfer.high") == "280"
    assert dev.get("battery.charge") == "55"
    assert dev.get("ups.test.result") == "Done and warning"
    assert dev.get("ups.status") == "OB DISCHRG"
    port = driver.port
    assert isinstance(port, VendorHid)
    assert await driver.instcmd("test.battery.start", None) is CmdResult.HANDLED
    assert port.writes[-1] == (4, bytes([4, 1]))
    assert await driver.instcmd("beeper.toggle", None) is CmdResult.HANDLED
    assert port.writes[-1] == (1, bytes([1, 55, 1]))
