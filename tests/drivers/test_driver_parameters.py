"""Which ups.conf settings a driver publishes as ``driver.parameter.*`` (as NUT's drivers)."""

from pathlib import Path

from upskit.config.nutfiles import load_nut_dir
from upskit.drivers.build import build_driver
from upskit.model import Device


def test_upsdrvctl_settings_are_not_driver_parameters(tmp_path: Path) -> None:
    (tmp_path / "empty.dev").write_text("")
    (tmp_path / "ups.conf").write_text(
        "maxretry = 3\nretrydelay = 5\npollinterval = 4\n"
        "[dummy]\n  driver = dummy-ups\n  port = empty.dev\n")
    settings = load_nut_dir(tmp_path)
    device = Device("dummy")
    build_driver(settings, settings.ups.ups["dummy"], device)
    published = {k: v for k, v in device.snapshot().items() if k.startswith("driver.parameter.")}
    # maxretry and retrydelay are for upsdrvctl; the poll interval is the driver's own
    assert published == {"driver.parameter.pollinterval": "4",
                         "driver.parameter.port": "empty.dev",
                         "driver.parameter.mode": "dummy-once",
                         "driver.parameter.synchronous": "auto"}
