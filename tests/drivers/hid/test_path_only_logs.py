"""A ``usbhid-ups -D``/``-DD`` log (``Path:`` lines, no descriptor, no report bytes)
served as a device: the rebuilt descriptor puts every field back where the log says,
and the driver publishes what those values mean.

The log is written here for a made-up Phoenixtec-like unit (06da:ffff, the Liebert
subdriver), in the shape such logs have: Feature and Input fields sharing report ids,
a 32-bit delay of -1, decimals, an indexed vendor collection (``Flow.[4]``), unnamed
vendor usages (``ffff0057``), a vendor name only a subdriver table knows
(``APCStatusFlag``) and one no table knows.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.drivers.hid.test_ports import ups
from upskit.drivers.build import build_driver
from upskit.drivers.hid.descriptor import parse_descriptor
from upskit.drivers.hid.explore import explore
from upskit.drivers.hid.subdrivers.apc import USAGES as APC_USAGES
from upskit.drivers.hid.usages import GENERIC
from upskit.model import Device
from upskit.sim.usb.hidcapture import CapturedHidPort, parse_nut_log
from upskit.sim.usb.hidpaths import rebuild

FIELDS = """\
UPS.BatterySystem.Battery.Test, Feature, 0x24, 0, 8, 6
UPS.Flow.[4].ConfigApparentPower, Feature, 0x74, 0, 16, 1500
UPS.Flow.[4].ConfigVoltage, Feature, 0x72, 0, 8, 230
UPS.PowerConverter.Input.[1].Voltage, Feature, 0x31, 0, 16, 229
UPS.PowerConverter.Output.Frequency, Feature, 0x42, 0, 16, 49.9
UPS.PowerConverter.Output.Voltage, Feature, 0x42, 16, 16, 231
UPS.PowerConverter.Output.ffff0057, Feature, 0x43, 0, 16, 165
UPS.PowerConverter.Output.ffff0058, Feature, 0x43, 16, 16, 285
UPS.PowerSummary.APCStatusFlag, Feature, 0x44, 0, 8, 8
UPS.PowerSummary.Frobnication, Feature, 0x45, 0, 8, 1
UPS.PowerSummary.DelayBeforeShutdown, Feature, 0x09, 0, 32, -1
UPS.PowerSummary.PercentLoad, Feature, 0x07, 0, 8, 17
UPS.PowerSummary.RemainingCapacity, Feature, 0x0c, 0, 8, 64
UPS.PowerSummary.RunTimeToEmpty, Feature, 0x0c, 8, 16, 1830
UPS.PowerSummary.Voltage, Feature, 0x0b, 0, 16, 13.65
UPS.PowerSummary.PresentStatus.ACPresent, Feature, 0x01, 0, 8, 0
UPS.PowerSummary.PresentStatus.ACPresent, Input, 0x01, 0, 8, 0
UPS.PowerSummary.PresentStatus.Discharging, Feature, 0x01, 24, 8, 1
UPS.PowerSummary.PresentStatus.Discharging, Input, 0x01, 24, 8, 1
UPS.PowerSummary.PresentStatus.Charging, Feature, 0x01, 16, 8, 0
UPS.PowerSummary.PresentStatus.Charging, Input, 0x01, 16, 8, 0
"""


def path_lines() -> list[str]:
    out = []
    for row in FIELDS.splitlines():
        path, kind, rid, offset, size, value = (part.strip() for part in row.split(","))
        out.append(f"Path: {path}, Type: {kind}, ReportID: {rid}, Offset: {offset}, "
                   f"Size: {size}, Value: {value}")
    return out


def write_log(path: Path) -> Path:
    head = ["   0.000000 [D2] - VendorID: 06da", "   0.000000 [D2] - ProductID: ffff",
            "   0.000000 [D2] - Manufacturer: PPC", "   0.000000 [D2] - Product: Offline UPS",
            "   0.000000 [D2] Device matches"]
    path.write_text("\n".join(head + [f"   0.2 [D1] {line}" for line in path_lines()]) + "\n")
    return path


def test_every_placed_field_reads_back_as_logged() -> None:
    capture = parse_nut_log("\n".join(path_lines()))
    made = rebuild(capture.fields)
    assert made.skipped == ["UPS.PowerSummary.Frobnication (Feature, report 0x45, bit 0)"]
    parse_descriptor(made.descriptor)  # a descriptor the parser takes without a word
    assert made.reports[0x09] == b"\x09\xff\xff\xff\xff"
    assert made.reports[0x0C] == bytes([0x0C, 64]) + (1830).to_bytes(2, "little")


async def test_explore_of_the_served_log_gives_the_log_back() -> None:
    port = CapturedHidPort(parse_nut_log("\n".join(path_lines())))
    await port.open()
    try:
        descriptor = parse_descriptor(await port.report_descriptor())
        lines, unreadable = await explore(port, descriptor, (APC_USAGES, GENERIC))
        got = {str(line) for line in lines}
    finally:
        await port.close()
    want = {line for line in path_lines() if "Frobnication" not in line}
    assert got == want
    assert not unreadable


def test_fields_left_out_are_named_when_the_log_is_opened(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from upskit.transport import HidPort
    from upskit.transport.url import open_port

    log = write_log(tmp_path / "nut-dd.log")
    open_port(f"sim://usb/hid?capture={log}", {}, HidPort)  # type: ignore[type-abstract]
    assert "1 field(s) of the log name a usage no table knows" in caplog.text
    assert "UPS.PowerSummary.Frobnication" in caplog.text


async def test_the_driver_publishes_a_path_only_log(tmp_path: Path) -> None:
    url = f"sim://usb/hid?capture={write_log(tmp_path / 'nut-dd.log')}"
    settings, section = ups({"port": url, "vendorid": "06da"})
    device = Device("ippon")
    driver = build_driver(settings, section, device)
    task = asyncio.create_task(driver.run())
    try:
        async with asyncio.timeout(20):
            while device.get("battery.charge") is None:
                await asyncio.sleep(0.05)
        assert device.get("driver.version.data") == "Phoenixtec/Liebert HID 0.41"
        assert device.get("battery.charge") == "64"
        assert device.get("battery.runtime") == "1830"
        assert device.get("battery.voltage") == "13.65"
        assert device.get("output.frequency") == "49.90"
        assert device.get("input.voltage") == "229.0"
        assert device.get("input.transfer.low") == "165"
        assert device.get("output.voltage.nominal") == "230"
        assert device.get("ups.power.nominal") == "1500"
        assert device.get("ups.load") == "17"
        assert device.get("ups.status") == "OB DISCHRG"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
