"""The HID driver's ports: ``port = auto`` means a HID Power Device (``hid://``), the
HID port options (``subdriver`` is the HID driver's, not a bridge chip's), and a NUT
debug log served as the device (``sim://usb/hid?capture=PATH``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from upskit.config.settings import Settings, UpsSettings
from upskit.drivers.build import build_driver
from upskit.drivers.hid.descriptor import ReportType, parse_descriptor
from upskit.drivers.hid.driver import HidDriver
from upskit.drivers.hid.usages import field_path, nut_fields
from upskit.drivers.hid.values import write_value
from upskit.drivers.options import OptionError
from upskit.drivers.qx.driver import QxDriver
from upskit.drivers.registry import driver_class
from upskit.model import Device
from upskit.sim.usb.hidcapture import CapturedHidPort
from upskit.sim.usb.hidups_models import MODELS
from upskit.transport.hidports import HidPortOptions
from upskit.transport.usb.hid import UsbHidPort
from upskit.transport.usb.options import UsbOptions


def ups(options: dict[str, str | bool]) -> tuple[Settings, UpsSettings]:
    port = str(options["port"])
    section = UpsSettings("hid", "usbhid-ups", port, options=options)
    settings = Settings()
    settings.ups.ups["hid"] = section
    return settings, section


def test_auto_is_a_hid_power_device_for_usbhid_ups_only() -> None:
    assert driver_class("usbhid-ups") is HidDriver
    assert HidDriver.port_url("auto") == "hid://"
    assert HidDriver.port_url("auto:051d:0002") == "hid://051d:0002"
    assert HidDriver.port_url("sim://usb/cyberpower") == "sim://usb/cyberpower"
    assert QxDriver.port_url("auto") == "auto"  # the Q* bridges keep theirs
    _, section = ups({"port": "auto", "subdriver": "apc", "vendorid": "051d",
                      "hid_access": "libusb"})
    parsed = HidDriver.parse_options(section.options, section)
    assert isinstance(parsed.port, HidPortOptions)
    assert parsed.driver.subdriver == "apc"
    qx = QxDriver.parse_options({"port": "auto", "subdriver": "cypress"}, section)
    assert isinstance(qx.port, UsbOptions)


def test_the_driver_opens_a_hid_port_for_auto() -> None:
    settings, section = ups({"port": "auto", "hid_access": "libusb", "vendorid": "051d"})
    driver = build_driver(settings, section, Device("hid"))
    port = driver.open_port_as(UsbHidPort)
    assert port.url == "hid://" and port.access.matcher.has("vendorid")


def test_a_bad_hid_access_names_the_option() -> None:
    _, section = ups({"port": "auto", "hid_access": "usb"})
    with pytest.raises(OptionError, match="hid_access"):
        HidDriver.parse_options(section.options, section)


def nut_log(path: Path, charge: int) -> Path:
    """A NUT usbhid-ups -DDD log of the simulated Back-UPS reading its charge."""
    model = MODELS["apc-back-ups"]
    descriptor = model.layout().descriptor
    desc = parse_descriptor(descriptor)
    field = next(f for f in nut_fields(desc) if f.report_type is ReportType.FEATURE
                 and field_path(f) == "UPS.PowerSummary.RemainingCapacity")
    data = bytearray(desc.report_length(ReportType.FEATURE, field.report_id))
    write_value(field, data, charge)
    report = bytes([field.report_id]) + bytes(data)
    hexs = " ".join(f"{b:02x}" for b in descriptor)
    path.write_text("\n".join([
        f"   0.001 [D2] - VendorID: {model.vendorid:04x}",
        f"   0.001 [D2] - ProductID: {model.productid:04x}",
        "   0.001 [D2] - Manufacturer: American Power Conversion",
        "   0.001 [D2] - Product: Back-UPS ES 700G",
        "   0.001 [D2] - Serial Number: 4B1234P56789",
        f"   0.002 [D3] Report Descriptor: ({len(descriptor)} bytes) => {hexs}",
        f"   0.003 [D3] Report[get]: ({len(report)} bytes) => "
        + " ".join(f"{b:02x}" for b in report),
        ""]))
    return path


async def test_a_nut_log_is_served_as_the_device(tmp_path: Path) -> None:
    log = nut_log(tmp_path / "nut.log", 87)
    url = f"sim://usb/hid?capture={log}"
    settings, section = ups({"port": url, "subdriver": "apc"})
    device = Device("hid")
    driver = build_driver(settings, section, device)
    task = asyncio.create_task(driver.run())
    try:
        async with asyncio.timeout(20):
            while device.get("battery.charge") is None:
                await asyncio.sleep(0.05)
        assert isinstance(driver.port, CapturedHidPort)
        assert device.get("battery.charge") == "87"
        assert device.get("ups.mfr") == "American Power Conversion"
        assert device.get("ups.productid") == "0002"
        assert device.get("driver.parameter.port") == url
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_missing_log_is_a_clear_error_and_the_driver_keeps_trying(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings, section = ups({"port": f"sim://usb/hid?capture={tmp_path}/none.log"})
    device = Device("hid")
    driver = build_driver(settings, section, device)
    task = asyncio.create_task(driver.run())
    try:
        async with asyncio.timeout(20):
            while "cannot read the capture" not in caplog.text:
                await asyncio.sleep(0.05)
        assert not task.done()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_auto_over_libusb_takes_only_a_unit_a_subdriver_claims() -> None:
    from upskit.sim.usb import simulated_bus
    from upskit.transport.usb import set_default_backend

    # a USB-to-serial bridge first on the bus: port = auto must never claim it
    bus = simulated_bus("cypress", "apc-back-ups")
    set_default_backend(bus.backend)
    settings, section = ups({"port": "auto", "hid_access": "libusb"})
    device = Device("hid")
    driver = build_driver(settings, section, device)
    task = asyncio.create_task(driver.run())
    try:
        async with asyncio.timeout(20):
            while device.get("battery.charge") is None:
                await asyncio.sleep(0.05)
        assert device.get("ups.vendorid") == "051d"
        assert device.get("driver.parameter.port") == "auto"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        set_default_backend(None)
