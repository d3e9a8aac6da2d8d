"""``upskit scan`` names the HID subdriver claiming a HID Power Device and writes a
usbhid-ups section that the driver accepts."""

from __future__ import annotations

import pytest

from upskit.cli.main import main
from upskit.config.nutfiles import load_nut_dir
from upskit.drivers.registry import checked_driver_class
from upskit.sim.usb import simulated_bus
from upskit.transport.usb import set_default_backend


def test_scan_names_the_hid_subdriver(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    bus = simulated_bus("apc-back-ups", "cypress", "eaton-ellipse")
    set_default_backend(bus.backend)
    try:
        assert main(["scan", "--no-serial"]) == 0
    finally:
        set_default_backend(None)
    out = capsys.readouterr().out
    assert '"American Power Conversion Back-UPS BK650M2-CH": usbhid-ups, subdriver apc' in out
    assert ": usbhid-ups, subdriver mge" in out
    assert "bridge cypress, protocol megatec" in out
    assert out.count("driver = usbhid-ups") == 2 and out.count("driver = nutdrv_qx") == 1
    conf = out.split("# ups.conf\n", 1)[1].split("# upskit.toml", 1)[0]
    (tmp_path / "ups.conf").write_text(conf)
    settings = load_nut_dir(tmp_path)
    hid = [ups for ups in settings.ups.ups.values() if ups.driver == "usbhid-ups"]
    assert len(hid) == 2
    for ups in hid:
        assert ups.port == "auto"
        assert checked_driver_class(ups).name == "usbhid-ups"


def _scan_with(*extra: object) -> str:
    import io
    from contextlib import redirect_stdout

    bus = simulated_bus("apc-back-ups", "cyberpower", "eaton-ellipse")
    for device in extra:
        bus.backend.add(device)
    set_default_backend(bus.backend)
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            assert main(["scan", "--no-serial"]) == 0
    finally:
        set_default_backend(None)
    return out.getvalue()


def test_scan_probes_unclaimed_hid_units_and_skips_keyboards(tmp_path) -> None:
    from dataclasses import replace

    from upskit.sim.usb.descriptors import DeviceSpec, InterfaceSpec, gamepad_report_descriptor
    from upskit.sim.usb.device import SimUsbDevice
    from upskit.sim.usb.hidups import HidUpsDevice
    from upskit.sim.usb.hidups_models import MODELS

    unknown = HidUpsDevice(replace(MODELS["apc-back-ups"], vendorid=0x16C0, productid=0x27D9,
                                   manufacturer="Nobody", product="Mystery UPS"))
    apc_new = HidUpsDevice(replace(MODELS["apc-back-ups"], productid=0x9999,
                                   product="Back-UPS Future"))
    pad = SimUsbDevice(DeviceSpec(0x16C0, 0x05DF, "Toys", "Game Pad", interfaces=(
        InterfaceSpec(report_descriptor=gamepad_report_descriptor()),)))
    out = _scan_with(unknown, apc_new, pad)
    assert "Game Pad" not in out and "16c0:05df" not in out.lower()
    assert ('"Nobody Mystery UPS": usbhid-ups, subdriver generic (no subdriver claims it; '
            "try `upskit hid explore`)") in out
    assert '"American Power Conversion Back-UPS Future": usbhid-ups, subdriver apc ' \
           "(possibly supported)" in out
    assert ": usbhid-ups, subdriver cps" in out or ": usbhid-ups, subdriver cyber" in out.lower()
    conf = out.split("# ups.conf\n", 1)[1].split("# upskit.toml", 1)[0]
    sections = {s.split("]", 1)[0]: s for s in conf.split("\n[")}
    assert 'subdriver = apc' in next(s for s in sections.values() if "Back-UPS Future" in s)
    assert 'productid = 9999' in next(s for s in sections.values() if "Back-UPS Future" in s)
    mystery = next(s for s in sections.values() if "Mystery" in s)
    assert "subdriver = generic" in mystery and "productid = 27d9" in mystery
    (tmp_path / "ups.conf").write_text(conf)
    hid = [u for u in load_nut_dir(tmp_path).ups.ups.values() if u.driver == "usbhid-ups"]
    assert len(hid) == 5
    for ups in hid:
        assert checked_driver_class(ups).name == "usbhid-ups"


def test_scan_reports_a_hid_device_that_fails_to_open_in_one_line() -> None:
    from upskit.sim.usb.descriptors import DeviceSpec, InterfaceSpec, gamepad_report_descriptor
    from upskit.sim.usb.device import SimUsbDevice

    pad = SimUsbDevice(DeviceSpec(0x16C0, 0x05DF, "Toys", "Broken Pad", interfaces=(
        InterfaceSpec(report_descriptor=gamepad_report_descriptor()),)))
    pad.faults.busy = 1000  # every claim fails: another program holds it
    out = _scan_with(pad)
    line = next(x for x in out.splitlines() if "Broken Pad" in x)
    assert "cannot open" in line
