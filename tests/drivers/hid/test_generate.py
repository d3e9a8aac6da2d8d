"""The subdriver generator: NUT debug logs and our explore output in, a subdriver
module that loads and a test that passes out; installed subdrivers picked first."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from upskit.drivers.hid.descriptor import ReportType
from upskit.drivers.hid.generate import LogError, generate, module_name, parse_log
from upskit.drivers.hid.subdriver import Claim, HidVar, Subdriver
from upskit.drivers.hid.subdrivers import by_name, pick
from upskit.drivers.hid.subdrivers.apc import APC
from upskit.drivers.hid.subdrivers.installed import HID_SUBDRIVERS

#: A NUT 2.8 ``-DD -x explore`` log of an imaginary unit, with timestamps and levels.
LOG = """\
   0.000000\t[D1] upsdrv_initups (non-SHUT)...
   0.101000\t[D2] Checking device 1 of 2 (0D9F/0004)
   0.101100\t[D2] - VendorID: 0d9f
   0.101200\t[D2] - ProductID: 0004
   0.101300\t[D2] - Manufacturer: POWERCOM Co.,LTD
   0.101400\t[D2] - Product: HID UPS Battery
   0.101500\t[D2] - Serial Number: 004-0D9F-000
   0.300000\t[D1] Path: UPS.PowerSummary.RemainingCapacity, Type: Feature, ReportID: 0x0c, \
Offset: 0, Size: 8, Value: 97
   0.300100\t[D1] Path: UPS.PowerSummary.RemainingCapacity, Type: Feature, ReportID: 0x0c, \
Offset: 0, Size: 8, Value: 96
   0.300200\t[D1] Path: UPS.PowerSummary.Voltage, Type: Feature, ReportID: 0x09, Offset: 0, \
Size: 16, Value: 13.58
   0.300300\t[D1] Path: UPS.PowerConverter.Input.[1].Voltage, Type: Feature, ReportID: 0x31, \
Offset: 0, Size: 16, Value: 225
   0.300400\t[D1] Path: UPS.PowerSummary.AudibleAlarmControl, Type: Feature, ReportID: 0x13, \
Offset: 0, Size: 8, Value: 2
   0.300500\t[D1] Path: UPS.PowerSummary.DelayBeforeShutdown, Type: Feature, ReportID: 0x15, \
Offset: 0, Size: 16, Value: -1
   0.300600\t[D1] Path: UPS.PowerSummary.PresentStatus.ACPresent, Type: Input, ReportID: 0x16, \
Offset: 2, Size: 1, Value: 1
   0.300700\t[D1] Path: UPS.PowerConverter.ffff0041, Type: Feature, ReportID: 0x4a, Offset: 0, \
Size: 8, Value: 1
   0.300800\t[D1] Path: UPS.Flow.[4].ConfigVoltage, Type: Feature, ReportID: 0x72, Offset: 0, \
Size: 8, Value: 220
Path: UPS.Battery.ManufacturerDate, Type: Feature, ReportID: 0x20, Offset: 0, Size: 16, \
Value: 20617
   0.400000\t[D1] upsdrv_initinfo...
"""


def test_the_log_lines_are_read_past_their_prefixes() -> None:
    log = parse_log(LOG)
    assert log.vendor_product == (0x0D9F, 0x0004)
    assert log.identity["Manufacturer"] == "POWERCOM Co.,LTD"
    first = log.lines[0]
    assert (first.path, first.report_type, first.report_id, first.offset, first.size,
            first.value) == ("UPS.PowerSummary.RemainingCapacity", ReportType.FEATURE,
                             0x0C, 0, 8, 97.0)
    assert [line.path for line in log.lines].count("UPS.PowerSummary.RemainingCapacity") == 1
    assert len(log.lines) == 9


@pytest.mark.parametrize("text", ["", "garbage\n\x00\xff", "Path: UPS.x, Type: Sideways\n"])
def test_input_without_explore_lines_is_refused(text: str) -> None:
    with pytest.raises(LogError, match="no explore lines"):
        parse_log(text)


def test_a_log_without_ids_needs_them_given() -> None:
    lines = "\n".join(line for line in LOG.splitlines() if "- " not in line)
    with pytest.raises(LogError, match="--vendorid"):
        generate(lines)
    made = generate(lines, name="Acme UPS", vendor=0x1234, product=0xABCD)
    assert made.name == "acme_ups"
    assert "supported=((0x1234, 0xabcd),)" in made.module


def test_module_names_are_python_identifiers() -> None:
    assert module_name("POWERCOM Co.,LTD") == "powercom_co_ltd"
    assert module_name("3M") == "ups_3m"
    assert module_name("class") == "ups_class"
    assert module_name("!!!") == "ups"


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_subdriver_loads_maps_the_known_paths_and_its_test_passes(
        tmp_path: Path) -> None:
    made = generate(LOG)
    assert made.name == "powercom"
    (tmp_path / "powercom.py").write_text(made.module)
    (tmp_path / "test_powercom.py").write_text(made.test)
    sub = _load(tmp_path / "powercom.py").SUBDRIVER
    assert isinstance(sub, Subdriver)
    assert sub.claim(0x0D9F, 0x0004) is Claim.SUPPORTED
    assert sub.claim(0x0D9F, 0x0005) is None
    rows = {(r.name, r.path) for r in sub.variables}
    assert ("battery.charge", "UPS.PowerSummary.RemainingCapacity") in rows
    assert ("battery.voltage", "UPS.PowerSummary.Voltage") in rows
    assert ("input.voltage", "UPS.PowerConverter.Input.[1].Voltage") in rows
    assert ("battery.mfr.date", "UPS.Battery.ManufacturerDate") in rows
    assert ("ups.delay.shutdown", "UPS.PowerSummary.DelayBeforeShutdown") in rows
    by_row = {r.name: r for r in sub.variables}
    assert by_row["battery.mfr.date"].to_nut(20617) == "2020/04/09"
    assert by_row["ups.beeper.status"].to_nut(2) == "enabled"
    assert not any("ffff0041" in (r.path or "") or "Flow" in (r.path or "")
                   for r in sub.variables)
    assert "# HidVar(\"experimental.?\", 'UPS.PowerConverter.ffff0041'),  # 1" in made.module
    assert "'UPS.Flow.[4].ConfigVoltage'),  # 220 (Feature 0x72)" in made.module
    assert "# 0xffff0041" in made.module
    assert [(r.path, r.bit) for r in sub.status] == [
        ("UPS.PowerSummary.PresentStatus.ACPresent", "online")]
    assert {c.name for c in sub.commands} == {"load.off.delay", "shutdown.stop"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_the_generated_test_fails_when_a_row_changes(tmp_path: Path) -> None:
    made = generate(LOG)
    (tmp_path / "powercom.py").write_text(made.module.replace(
        "'UPS.PowerSummary.Voltage', Poll.FULL, fmt='%.1f'",
        "'UPS.PowerSummary.Voltage', Poll.FULL, fmt='%.3f'"))
    (tmp_path / "test_powercom.py").write_text(made.test)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(tmp_path)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, check=False)
    assert done.returncode == 1, done.stdout
    assert "1 failed" in done.stdout


@pytest.fixture
def registry() -> Iterator[None]:
    HID_SUBDRIVERS.reset()
    yield
    HID_SUBDRIVERS.reset()


@pytest.mark.usefixtures("registry")
def test_an_installed_subdriver_is_picked_before_the_built_in_ones() -> None:
    mine = Subdriver("mine", "0.1", (HidVar("battery.charge", "UPS.Battery.X"),),
                     supported=((0x051D, 0x0002),))
    assert pick(0x051D, 0x0002)[0] is APC
    HID_SUBDRIVERS.register("mine", mine)
    assert pick(0x051D, 0x0002) == (mine, Claim.SUPPORTED)
    assert by_name("MINE") is mine
    assert pick(0x051D, 0x0003)[0] is APC


@pytest.mark.usefixtures("registry")
def test_an_installed_subdriver_that_cannot_load_is_left_out(
        caplog: pytest.LogCaptureFixture) -> None:
    HID_SUBDRIVERS.register("broken", "no_such_module_here:SUBDRIVER")
    HID_SUBDRIVERS.register("wrong", "upskit.drivers.hid.subdrivers.apc:USAGES")
    assert pick(0x051D, 0x0002)[0] is APC
    assert "broken" in caplog.text and "wrong" in caplog.text
    with pytest.raises(KeyError, match="apc"):
        by_name("broken")


@pytest.mark.usefixtures("registry")
async def test_a_subdriver_generated_from_a_simulated_unit_serves_it(tmp_path: Path) -> None:
    from upskit.drivers.hid.descriptor import parse_descriptor
    from upskit.drivers.hid.driver import HidDriver
    from upskit.drivers.hid.explore import explore, identity_lines
    from upskit.model import Device
    from upskit.transport.hid import HidPort
    from upskit.transport.url import open_port

    port = open_port("sim://usb/apc-back-ups", {}, HidPort)  # type: ignore[type-abstract]
    async with port:
        lines, _ = await explore(port, parse_descriptor(await port.report_descriptor()))
        text = "\n".join([*identity_lines(port.device_info()), *map(str, lines)])
    made = generate(text, name="mine")
    (tmp_path / "mine.py").write_text(made.module)
    sub = _load(tmp_path / "mine.py").SUBDRIVER
    HID_SUBDRIVERS.register("mine", sub)
    driver = HidDriver(Device("ups"), {}, port=open_port(
        "sim://usb/apc-back-ups", {}, HidPort))  # type: ignore[type-abstract]
    await driver.open()
    try:
        await driver.initialise()
        assert driver.subdriver is sub
        dev = driver.device
        assert dev.get("driver.version.data") == "mine HID 0.1"
        assert dev.get("battery.charge") == "100"
        assert dev.get("input.voltage.nominal") == "230"
        assert "OL" in (dev.get("ups.status") or "").split()
        assert "load.off" in dev.commands()
    finally:
        await driver.close()
