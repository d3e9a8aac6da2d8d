"""Legrand, iDowell, Powervar and EcoFlow subdrivers on descriptors written here."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.subdriver import Subdriver
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.ecoflow import ECOFLOW
from upskit.drivers.hid.subdrivers.idowell import IDOWELL
from upskit.drivers.hid.subdrivers.legrand import LEGRAND
from upskit.drivers.hid.subdrivers.powervar import POWERVAR
from upskit.model import CmdResult

PD, BS = 0x84, 0x85
VOLT, SECOND = 0x00F0D121, 0x00001001


@pytest.mark.parametrize(("vid", "pid", "sub"), [
    (0x1CB0, 0x0038, LEGRAND), (0x1CB0, 0x0032, LEGRAND), (0x075D, 0x0300, IDOWELL),
    (0x4234, 0x0002, POWERVAR), (0x3746, 0xFFFF, ECOFLOW)])
def test_claims(vid: int, pid: int, sub: Subdriver) -> None:
    assert pick(vid, pid)[0] is sub


def summary(b: Builder) -> Builder:
    """PowerSummary with RemainingCapacity (report 1), the RunTimeToEmpty and
    DesignCapacity fields (report 2) and ACPresent/Discharging (report 3)."""
    b.usage(0x24).collection(0)
    b.report_id(1).page(BS).field(0x66, 8, 0, 100)
    b.report_id(2).field(0x68, 16, -1, 32767).field(0x83, 16, 0, 32767)
    b.page(PD).usage(0x02).collection(2).report_id(3).page(BS)
    b.usage(0xD0).usage(0x45).logical(0, 1).size(1).count(2).feature()
    b.size(6).count(1).feature(0x03)
    return b.end().end().page(PD)


FEATURES = {1: bytes([70]), 2: (30).to_bytes(2, "little") + (25200).to_bytes(2, "little"),
            3: bytes([0b01])}


def legrand_descriptor() -> bytes:
    b = summary(Builder().page(PD).usage(0x04).collection(1))
    b.usage(0x16).collection(0).usage(0x1C).collection(0)  # PowerConverter.Output
    b.report_id(4).unit(VOLT).exponent(0).field(0x30, 16, 0, 65535)  # Voltage, exponent 0
    b.end().end()
    b.unit(0).exponent(0).usage(0x18).collection(0).usage(0x20).collection(0)
    b.report_id(5).unit(SECOND).field(0x57, 16, -1, 32767)  # DelayBeforeShutdown
    b.field(0x56, 16, -1, 32767)  # DelayBeforeStartup
    b.end().end().end()
    return bytes(b)


async def test_legrand_scales_and_outlet_shutdown() -> None:
    features = {**FEATURES, 4: (230).to_bytes(2, "little"),
                5: (-1).to_bytes(2, "little", signed=True) * 2}
    driver = await start(VendorHid(0x1CB0, 0x0032, legrand_descriptor(), features))
    dev = driver.device
    assert dev.get("driver.version.data") == "Legrand HID 0.4"
    assert dev.get("output.voltage") == "230.0"  # read as 2.3e-5 V, NUT's x1e7
    assert dev.get("battery.runtime") is None  # NUT's row names RuntimeToEmpty
    port = driver.port
    assert isinstance(port, VendorHid)
    assert await driver.instcmd("shutdown.return", None) is CmdResult.HANDLED
    assert port.writes[-1] == (5, bytes([5, 20, 0, 30, 0]))


async def test_idowell_capacity_in_ampere_hours() -> None:
    b = summary(Builder().page(PD).usage(0x04).collection(1)).end()
    dev = (await start(VendorHid(0x075D, 0x0300, bytes(b), FEATURES))).device
    assert dev.get("battery.capacity") == "7.00"  # 25200 As
    assert dev.get("battery.runtime") == "30"
    assert dev.get("ups.status") == "OL"


async def test_powervar_status_only() -> None:
    b = summary(Builder().page(PD).usage(0x04).collection(1)).end()
    features = {**FEATURES, 3: bytes([0b10])}
    dev = (await start(VendorHid(0x4234, 0x0002, bytes(b), features))).device
    assert dev.get("battery.charge") == "70"
    assert dev.get("battery.runtime") is None
    assert dev.get("ups.status") == "OB DISCHRG"


@pytest.mark.parametrize(("minutes", "seconds"), [(30, "1800"), (-1, None)])
async def test_ecoflow_runtime_in_minutes(minutes: int, seconds: str | None) -> None:
    b = summary(Builder().page(PD).usage(0x04).collection(1)).end()
    features = {**FEATURES, 2: minutes.to_bytes(2, "little", signed=True) + bytes(2)}
    driver = await start(VendorHid(0x3746, 0xFFFF, bytes(b), features))
    assert driver.device.get("battery.runtime") == seconds
    assert driver.device.get("battery.capacity.nominal") == "0"
    assert await driver.instcmd("beeper.enable", None) is CmdResult.UNKNOWN
