"""A fake HID port for vendor subdriver tests: a unit's identity, descriptor and
feature reports given by the test; writes recorded and kept."""

from __future__ import annotations

from tests.drivers.hid.test_driver import FakeHid
from upskit.drivers.hid.driver import HidDriver
from upskit.model import Device


class VendorHid(FakeHid):
    """A FakeHid answering with the given unit."""

    def __init__(self, vid: int, pid: int, desc: bytes, features: dict[int, bytes],
                 product: str = "UPS") -> None:
        super().__init__()
        self.ids = (vid, pid)
        self.desc = desc
        self.features = dict(features)
        self.product = product

    def device_info(self) -> dict[str, str]:
        return {"ups.vendorid": f"{self.ids[0]:04x}", "ups.productid": f"{self.ids[1]:04x}",
                "driver.parameter.vendor": "Vendor", "driver.parameter.product": self.product,
                "driver.parameter.serial": ""}

    async def report_descriptor(self) -> bytes:
        return self.desc


async def start(port: VendorHid, options: dict[str, str | bool] | None = None
                ) -> HidDriver:
    """A driver initialised on ``port``."""
    driver = HidDriver(Device("ups"), options or {}, port=port)
    await driver.open()
    await driver.initialise()
    return driver
