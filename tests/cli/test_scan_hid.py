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
