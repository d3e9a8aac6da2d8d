"""The HID driver on a descriptor written here and a fake HID port."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import pytest

from tests.drivers.hid.builder import Builder
from upskit.drivers.base import CommunicationError
from upskit.drivers.hid import subdrivers
from upskit.drivers.hid.descriptor import ReportDescriptor, parse_descriptor
from upskit.drivers.hid.driver import HidDriver, bind
from upskit.drivers.hid.subdriver import HidVar, Subdriver
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.apc import APC
from upskit.model import CmdResult, Device
from upskit.model.flags import VarFlag
from upskit.transport.base import PortGone
from upskit.transport.hid import HidPort

PD, BS = 0x84, 0x85
SECOND = 0x00001001


def descriptor() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1)  # UPS
    b.usage(0x24).collection(0)  # PowerSummary
    b.report_id(1).page(BS).unit(SECOND).exponent(0)
    b.field(0x66, 8, 0, 100)  # RemainingCapacity
    b.field(0x68, 16, 0, 65535)  # RunTimeToEmpty
    b.report_id(5).field(0x29, 8, 0, 100)  # RemainingCapacityLimit
    b.page(PD).usage(0x02).collection(2)  # PresentStatus
    b.report_id(2).page(BS)
    for usage in (0xD0, 0x45, 0x44, 0x42):  # ACPresent Discharging Charging BelowRCL
        b.usage(usage)
    b.logical(0, 1).size(1).count(4).feature()
    b.size(4).count(1).feature(0x03)
    for usage in (0xD0, 0x45, 0x44, 0x42):
        b.usage(usage)
    b.logical(0, 1).size(1).count(4).input()
    b.size(4).count(1).input(0x03)
    b.end()  # PresentStatus
    b.report_id(3).page(PD).unit(SECOND)
    b.field(0x57, 16, -1, 32767)  # DelayBeforeShutdown
    b.field(0x56, 16, -1, 32767)  # DelayBeforeStartup
    b.end()  # PowerSummary
    b.report_id(4).unit(0).field(0x5A, 8, 1, 3)  # AudibleAlarmControl
    b.end()
    return bytes(b)


class FakeHid(HidPort):
    """Feature reports in a dict, input reports from a queue, writes recorded."""

    def __init__(self) -> None:
        super().__init__("fake://hid")
        self.features: dict[int, bytes] = {
            1: bytes([100, 0x10, 0x0E]),  # 100 %, 3600 s
            2: bytes([0b0101]),  # on line, charging
            3: (-1).to_bytes(2, "little", signed=True) * 2,
            4: bytes([2]),
            5: bytes([10]),
        }
        self.writes: list[tuple[int, bytes]] = []
        self.inputs: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.garbage = False
        self._open = False

    @property
    def is_open(self) -> bool:
        return self._open

    async def open(self) -> None:
        self._open = True

    async def close(self) -> None:
        self._open = False

    def describe(self) -> str:
        return "fake HID"

    def device_info(self) -> dict[str, str]:
        return {"ups.vendorid": "051d", "ups.productid": "0002",
                "driver.parameter.vendor": "American Power Conversion",
                "driver.parameter.product": "Back-UPS XS 700U ", "driver.parameter.serial": ""}

    async def report_descriptor(self) -> bytes:
        return descriptor()

    async def get_feature(self, report_id: int, length: int) -> bytes:
        if self.garbage:
            return b"\x7f\x00"
        return (bytes([report_id]) + self.features[report_id])[:length]

    async def set_feature(self, report_id: int, data: bytes) -> None:
        self.writes.append((report_id, data))
        self.features[report_id] = data[1:]

    async def set_output(self, report_id: int, data: bytes) -> None:
        self.writes.append((report_id, data))

    async def input_reports(self) -> AsyncIterator[bytes]:
        while (report := await self.inputs.get()) is not None:
            yield report
        raise PortGone("unplugged")


async def started(options: dict[str, str | bool] | None = None) -> tuple[HidDriver, FakeHid]:
    port = FakeHid()
    driver = HidDriver(Device("ups"), options or {}, port=port)
    await driver.open()
    await driver.initialise()
    return driver, port


def test_apc_claims_its_units() -> None:
    assert pick(0x051D, 0x0002)[0] is APC
    assert pick(0x051D, 0x9999)[0] is APC
    assert pick(0x1234, 0x5678)[0].name == "generic"


async def test_publishes_static_and_polled_variables() -> None:
    driver, _ = await started()
    dev = driver.device
    assert dev.get("driver.version.data") == "APC HID 0.100"
    assert dev.get("ups.vendorid") == "051d"
    assert dev.get("device.mfr") == dev.get("ups.mfr") == "American Power Conversion"
    assert dev.get("device.model") == "Back-UPS XS 700U"
    assert dev.get("device.serial") is None
    assert dev.get("battery.charge") == "100"
    assert dev.get("battery.runtime") == "3600"
    assert dev.get("battery.charge.low") == "10"
    assert dev.get("ups.beeper.status") == "enabled"
    assert dev.get("ups.timer.shutdown") == "-1"
    assert dev.get("ups.delay.shutdown") == "20"
    assert dev.get("ups.delay.start") == "30"
    assert dev.get("ups.status") == "OL CHRG"
    assert dev.variable("battery.charge.low").flags & VarFlag.RW  # type: ignore[union-attr]
    for command in ("load.off", "load.on", "shutdown.return", "shutdown.stayoff",
                    "beeper.mute", "load.off.delay"):
        assert dev.has_command(command)
    assert not dev.has_command("test.battery.start.quick")  # no UPS.Battery.Test here


async def test_status_follows_input_reports_through_listen() -> None:
    driver, port = await started()
    listener = asyncio.create_task(driver.listen())
    seen: list[str] = []

    async def status_after(report: bytes) -> str:
        await port.inputs.put(report)
        for _ in range(1000):
            await asyncio.sleep(0.01)
            if driver.device.get("ups.status") != (seen[-1] if seen else "OL CHRG"):
                break
        seen.append(driver.device.get("ups.status") or "")
        return seen[-1]

    assert await status_after(bytes([2, 0b0010])) == "OB DISCHRG"
    assert await status_after(bytes([2, 0b1010])) == "OB DISCHRG LB"
    assert await status_after(bytes([2, 0b0101])) == "OL CHRG"
    await port.inputs.put(None)
    with pytest.raises(PortGone):
        await asyncio.wait_for(listener, 10)


async def test_garbage_input_reports_are_ignored() -> None:
    driver, _ = await started()
    for report in (b"", b"\x09\x01", b"\x02", bytes(range(40))):
        driver.handle_input(report)
    assert driver.device.get("ups.status") == "OL CHRG"


async def test_onlinedischarge_and_lowbatt_options() -> None:
    driver, _ = await started({"onlinedischarge": True, "lowbatt": "50"})
    driver.handle_input(bytes([2, 0b0011]))  # ACPresent and Discharging
    assert driver.device.get("ups.status") == "OB DISCHRG"
    driver.handle_input(bytes([1, 40, 0, 1]))  # not an input report here: ignored
    driver.device.set("battery.charge", "40")
    driver.handle_input(bytes([2, 0b0011]))
    assert driver.device.get("ups.status") == "OB DISCHRG LB"


async def test_commands_write_feature_reports() -> None:
    driver, port = await started()
    assert await driver.instcmd("beeper.mute", None) is CmdResult.HANDLED
    assert port.writes[-1] == (4, bytes([4, 3]))
    assert await driver.instcmd("load.off", None) is CmdResult.HANDLED
    assert port.writes[-1] == (3, bytes([3, 0, 0, 0xFF, 0xFF]))
    port.writes.clear()
    assert await driver.instcmd("shutdown.return", None) is CmdResult.HANDLED
    assert port.writes == [(3, bytes([3, 0, 0, 30, 0])), (3, bytes([3, 20, 0, 30, 0]))]
    port.writes.clear()
    assert await driver.instcmd("shutdown.stayoff", None) is CmdResult.HANDLED
    assert port.writes[0] == (3, bytes([3, 20, 0, 0xFF, 0xFF]))
    assert await driver.instcmd("load.off.delay", "abc") is CmdResult.INVALID
    assert await driver.instcmd("no.such.command", None) is CmdResult.UNKNOWN


async def test_killpower_sends_shutdown_return() -> None:
    driver, port = await started({"offdelay": "60", "ondelay": "90"})
    assert await driver.shutdown() is CmdResult.HANDLED
    assert port.writes[-1] == (3, bytes([3, 60, 0, 90, 0]))


async def test_set_writes_the_converted_value() -> None:
    driver, port = await started()
    assert await driver.setvar("battery.charge.low", "25") is CmdResult.HANDLED
    assert port.writes[-1] == (5, bytes([5, 25]))
    assert driver.device.get("battery.charge.low") == "25"
    assert await driver.setvar("battery.charge.low", "low") is CmdResult.INVALID
    assert await driver.setvar("ups.delay.shutdown", "45") is CmdResult.HANDLED
    assert driver.device.get("ups.delay.shutdown") == "45"
    assert await driver.setvar("battery.charge", "5") is CmdResult.UNKNOWN


async def test_garbage_feature_reports_go_stale_then_recover() -> None:
    driver, port = await started({"pollinterval": "0.05"})
    task = asyncio.create_task(driver._poll_loop())
    try:
        port.garbage = True
        for _ in range(1500):
            await asyncio.sleep(0.01)
            if driver.device.stale:
                break
        assert driver.device.stale
        port.garbage = False
        port.features[2] = bytes([0b0010])
        for _ in range(1500):
            await asyncio.sleep(0.01)
            if not driver.device.stale:
                break
        assert not driver.device.stale
        assert driver.device.get("ups.status") == "OB DISCHRG"
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def test_first_row_the_unit_has_wins() -> None:
    desc = parse_descriptor(descriptor())
    rows = (HidVar("battery.charge", "UPS.Battery.RemainingCapacity"),
            HidVar("battery.charge", "UPS.PowerSummary.RemainingCapacity"),
            HidVar("battery.charge", "UPS.PowerSummary.RemainingCapacityLimit"),
            HidVar("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup", setting=True,
                   default="30"),
            HidVar("ups.delay.reboot", "UPS.PowerSummary.DelayBeforeReboot", setting=True,
                   default="10"))
    chosen = bind(Subdriver("t", "1", rows), desc).variables
    assert [(r.name, r.path) for r in chosen] == [
        ("battery.charge", "UPS.PowerSummary.RemainingCapacity"),
        ("ups.delay.start", "UPS.PowerSummary.DelayBeforeStartup")]


def tenfold_charge(desc: ReportDescriptor) -> ReportDescriptor:
    fields = tuple(dataclasses.replace(f, unit_exponent=1) if f.usage == 0x850066 else f
                   for f in desc.fields)
    return dataclasses.replace(desc, fields=fields)


@pytest.mark.parametrize(("options", "charge"), [
    ({"subdriver": "fixed"}, "1000"),
    ({"subdriver": "FIXED", "disable_fix_report_desc": True}, "100"),
    ({"explore": True}, "100"),
])
async def test_descriptor_fix_up_hook(monkeypatch: pytest.MonkeyPatch,
                                      options: dict[str, str | bool], charge: str) -> None:
    fixed = dataclasses.replace(APC, name="fixed", fix_descriptor=tenfold_charge)
    monkeypatch.setattr(subdrivers, "SUBDRIVERS", (fixed,))
    driver, _ = await started(options)
    assert driver.device.get("battery.charge") == charge


async def test_unknown_subdriver_is_a_clear_error() -> None:
    port = FakeHid()
    driver = HidDriver(Device("ups"), {"subdriver": "nosuch"}, port=port)
    await driver.open()
    with pytest.raises(CommunicationError, match=r"no HID subdriver 'nosuch' .*apc"):
        await driver.initialise()
