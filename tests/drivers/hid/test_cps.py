"""The CyberPower subdriver on a CyberPower-like descriptor written here."""

from __future__ import annotations

import pytest

from tests.drivers.hid.builder import Builder
from tests.drivers.hid.vendor import VendorHid, start
from upskit.drivers.hid.descriptor import parse_descriptor
from upskit.drivers.hid.subdrivers import pick
from upskit.drivers.hid.subdrivers.cps import CPS, CPS_0501, fix_voltages
from upskit.model import CmdResult

PD, BS = 0x84, 0x85
VOLT, SECOND = 0x00F0D121, 0x00001001


def descriptor(hvt: tuple[int, int] = (140, 150), volts: tuple[int, int] | None = None
               ) -> bytes:
    volts = volts or hvt
    b = Builder().page(PD).usage(0x04).collection(1)  # UPS
    b.usage(0x24).collection(0)  # PowerSummary
    b.report_id(1).page(BS).field(0x66, 8, 0, 255)  # RemainingCapacity
    b.field(0x67, 8, 0, 100)  # FullChargeCapacity
    b.page(PD).unit(VOLT).exponent(7).field(0x30, 8, 0, 255)  # Voltage
    b.field(0x40, 8, 0, 255)  # ConfigVoltage
    b.unit(0).exponent(0).field(0x5A, 8, 1, 3)  # AudibleAlarmControl
    b.page(PD).usage(0x02).collection(2)  # PresentStatus
    b.report_id(2).page(BS)
    for usage in (0xD0, 0x44, 0x45, 0x42):  # ACPresent Charging Discharging BelowRCL
        b.usage(usage)
    b.logical(0, 1).size(1).count(4).feature().size(4).count(1).feature(0x03)
    b.end().end()  # PresentStatus, PowerSummary
    b.page(PD).usage(0x1A).collection(0)  # Input
    b.report_id(0x0F).unit(VOLT).exponent(7).field(0x30, 16, *volts)  # Voltage
    b.report_id(0x10).field(0x54, 16, *hvt)  # HighVoltageTransfer
    b.end()
    b.usage(0x1C).collection(0)  # Output
    b.report_id(0x12).field(0x30, 16, *volts)  # Voltage
    b.report_id(0x13).unit(0).exponent(0).field(0x35, 8, 0, 100)  # PercentLoad
    b.report_id(0x14).field(0x58, 8, 0, 6)  # Test
    b.report_id(0x15).unit(SECOND).field(0x57, 16, -1, 32767)  # DelayBeforeShutdown
    b.field(0x56, 16, -1, 32767)  # DelayBeforeStartup
    b.report_id(0x16).unit(0).page(0xFF01).field(0x43, 8, 0, 2)  # CPSInputSensitivity
    b.report_id(0x17).page(PD).usage(0x6E).usage(0x65)  # Boost Overload
    b.logical(0, 1).size(1).count(2).feature().size(6).count(1).feature(0x03)
    b.end().end()
    return bytes(b)


FEATURES = {
    1: bytes([110, 100, 27, 24, 2]),  # charge 110 %, battery 27 V of 24 V, beeper on
    2: bytes([0b0011]),  # on line, charging
    0x0F: (231).to_bytes(2, "little"),
    0x10: (150).to_bytes(2, "little"),
    0x12: (230).to_bytes(2, "little"),
    0x13: bytes([35]),
    0x14: bytes([6]),
    0x15: (-1).to_bytes(2, "little", signed=True) * 2,
    0x16: bytes([1]),
    0x17: bytes([0b10]),  # overload
}


def unit(pid: int = 0x0501) -> VendorHid:
    return VendorHid(0x0764, pid, descriptor(), FEATURES, product="CP1500PFCLCD")


@pytest.mark.parametrize(("vid", "pid"), [(0x0764, 0x0501), (0x0764, 0x0601),
                                          (0x0764, 0x0005), (0x0483, 0xA430),
                                          (0x0764, 0x1234)])
def test_claims(vid: int, pid: int) -> None:
    assert pick(vid, pid)[0] is (CPS_0501 if (vid, pid) == (0x0764, 0x0501) else CPS)
    assert pick(vid, pid)[0].name == "cps"


async def test_publishes_cyberpower_variables() -> None:
    dev = (await start(unit())).device
    assert dev.get("driver.version.data") == "CyberPower HID 0.82"
    assert dev.get("battery.charge") == "100"  # clamped
    assert dev.get("battery.status") == "100%"
    assert dev.get("battery.voltage") == "27.0"
    assert dev.get("battery.voltage.nominal") == "24"
    assert dev.get("input.voltage") == "231.0"
    assert dev.get("output.voltage") == "230.0"
    assert dev.get("input.transfer.high") == "150"
    assert dev.get("input.sensitivity") == "normal"
    assert dev.get("ups.load") == "35"
    assert dev.get("ups.test.result") == "No test initiated"
    assert dev.get("ups.beeper.status") == "enabled"
    assert dev.get("ups.status") == "OL CHRG OVER"


async def test_voltage_ranges_fixed_unless_disabled() -> None:
    dev = (await start(unit(), {"disable_fix_report_desc": True})).device
    assert dev.get("output.voltage") == "150.0"  # clamped to the borrowed range
    assert dev.get("input.voltage") == "150.0"
    desc = fix_voltages(parse_descriptor(descriptor(hvt=(0, 255))))
    assert {(f.report_id, f.logical_max) for f in desc.fields if f.usage == 0x840030
            and f.report_id in (0x0F, 0x12)} == {(0x0F, 511), (0x12, 511)}
    assert fix_voltages(parse_descriptor(descriptor(hvt=(0, 255)))).fields[0] == \
        parse_descriptor(descriptor(hvt=(0, 255))).fields[0]


def test_mis_encoded_maxima_are_widened() -> None:
    desc = parse_descriptor(descriptor(volts=(0, -1)))  # LogMax -1: read as 65535
    other = parse_descriptor(descriptor(volts=(0, 300)))
    assert fix_voltages(other) is other  # nothing to fix: the unit is left alone
    fixed = {(f.report_id, f.logical_max) for f in fix_voltages(desc).fields
             if f.usage == 0x840030 and f.report_id in (0x0F, 0x12)}
    assert fixed == {(0x0F, 511), (0x12, 511)}  # the 1-byte -1 read as 255, widened


async def test_commands_and_sets() -> None:
    driver = await start(unit())
    port = driver.port
    assert isinstance(port, VendorHid)
    assert await driver.instcmd("test.battery.start.quick", None) is CmdResult.HANDLED
    assert port.writes[-1] == (0x14, bytes([0x14, 1]))
    assert await driver.instcmd("beeper.off", None) is CmdResult.HANDLED
    assert port.writes[-1] == (1, bytes([1, 110, 100, 27, 24, 3]))
    assert await driver.instcmd("shutdown.reboot", None) is CmdResult.UNKNOWN  # no path
    assert await driver.instcmd("load.off.delay", "60") is CmdResult.HANDLED
    assert port.writes[-1] == (0x15, bytes([0x15, 60, 0, 0xFF, 0xFF]))
    assert await driver.setvar("input.sensitivity", "high") is CmdResult.HANDLED
    assert port.writes[-1] == (0x16, bytes([0x16, 2]))


def cps_with_output_delays() -> bytes:
    b = Builder().page(PD).usage(0x04).collection(1).usage(0x1C).collection(0)  # Output
    b.report_id(1).unit(SECOND).field(0x57, 16, -1, 32767)  # DelayBeforeShutdown
    b.field(0x56, 16, -1, 32767)  # DelayBeforeStartup
    b.end().end()
    return bytes(b)


@pytest.mark.parametrize(("options", "off", "on"), [
    ({}, "60", "120"),  # NUT's CyberPower defaults
    ({"offdelay": "45", "ondelay": "90"}, "45", "90"),  # the options win when given
])
async def test_cyberpower_delay_defaults(options: dict[str, str | bool], off: str,
                                         on: str) -> None:
    port = VendorHid(0x0764, 0x0501, cps_with_output_delays(),
                     {1: (-1).to_bytes(2, "little", signed=True) * 2})
    driver = await start(port, options)
    assert driver.device.get("ups.delay.shutdown") == off
    assert driver.device.get("ups.delay.start") == on
    assert await driver.instcmd("shutdown.return", None) is CmdResult.HANDLED
    assert port.writes[-1] == (1, bytes([1, int(off), 0, int(on), 0]))


@pytest.mark.parametrize(("pid", "volts", "shown"), [
    (0x0501, 36, "24.0"),  # 1.5 times the 24 V nominal: read 1.5 times too high
    (0x0501, 27, "27.0"),  # plausible: left alone
    (0x0601, 36, "36.0"),  # only 0501 units have the fault
])
async def test_battery_voltage_scale(pid: int, volts: int, shown: str) -> None:
    port = unit(pid)
    port.features[1] = bytes([100, 100, volts, 24, 2])
    driver = await start(port)
    assert driver.device.get("battery.voltage") == shown
    port.features[1] = bytes([100, 100, volts - 3, 24, 2])  # the scale stays decided
    driver._last_full = float("-inf")  # the next poll is a full one
    await driver.poll()
    assert driver.device.get("battery.voltage") == (
        "22.0" if shown == "24.0" else f"{volts - 3:.1f}")
