"""The Delta UPS subdriver on a Delta-like descriptor written here."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.delta_ups import DELTA_UPS, ups_type
from upskit.model import CmdResult

PD, BS, DELTA = 0x84, 0x85, 0xFFFF
SECOND = 0x00001001


def descriptor() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1)  # UPS
    b.page(DELTA).usage(0x10).collection(0x81)  # DeltaCustom.[1]
    b.report_id(1).field(0x9B, 8, 0, 2).field(0x7C, 8, 0, 255)  # Sensitivity, UPSType
    b.field(0x9C, 8, 0, 1)  # StartPowerRestore
    b.end()
    b.page(PD).usage(0x18).collection(0).usage(0x20).collection(0)  # OutletSystem.Outlet
    b.report_id(2).page(DELTA).field(0x91, 8, 0, 8)  # DeltaOutputSource
    b.report_id(3).page(PD).unit(SECOND).field(0x57, 16, -1, 32767)  # DelayBeforeShutdown
    b.field(0x56, 16, -1, 32767)  # DelayBeforeStartup
    b.end().end()
    b.unit(0).usage(0x10).collection(0).report_id(4).field(0x58, 8, 0, 6).end()  # Test
    b.end()
    return bytes(b)


FEATURES = {1: bytes([1, 0x03, 1]), 2: bytes([4]),
            3: (-1).to_bytes(2, "little", signed=True) * 2, 4: bytes([1])}


def test_claims_only_its_product() -> None:
    assert pick(0x05DD, 0x041B)[0] is DELTA_UPS
    assert pick(0x05DD, 0x0001)[0].name == "generic"  # NUT never guesses for Delta


@pytest.mark.parametrize(("code", "word"), [(0x10, "online"), (0x01, "offline"),
                                            (0x02, "line-interactive"), (0x03, "offline"),
                                            (0x05, "3-phase"), (0x06, "split-phase"),
                                            (0x07, None)])
def test_ups_type(code: int, word: str | None) -> None:
    assert ups_type(code) == word


async def test_publishes_and_commands() -> None:
    driver = await start(VendorHid(0x05DD, 0x041B, descriptor(), FEATURES))
    dev = driver.device
    assert dev.get("driver.version.data") == "Delta UPS HID 0.1"
    assert dev.get("input.sensitivity") == "reduced"
    assert dev.get("ups.type") == "offline"
    assert dev.get("ups.start.auto") == "yes"
    assert dev.get("input.source") == "boosting"
    assert dev.get("ups.test.result") == "Done and passed"
    port = driver.port
    assert isinstance(port, VendorHid)
    assert await driver.instcmd("shutdown.return", None) is CmdResult.HANDLED
    assert port.writes[-1] == (3, bytes([3, 20, 0, 30, 0]))
    assert await driver.instcmd("test.battery.start.deep", None) is CmdResult.HANDLED
    assert port.writes[-1] == (4, bytes([4, 2]))
