"""APC names the model before ``FW:`` in its product string: usbhid-ups publishes
``device.model``/``ups.model`` without the firmware part (``Back-UPS 350 FW: 1.2.I USB
FW: x9`` is a ``Back-UPS 350``), as NUT's apc subdriver does; a product string without
``FW:`` is the model as it is."""

from __future__ import annotations

from dataclasses import replace

from upskit.drivers.hid.driver import HidDriver
from upskit.drivers.hid.subdrivers.apc import product_model
from upskit.model import Device
from upskit.sim.physics import UpsPhysics
from upskit.sim.usb.backend import SimBackend
from upskit.sim.usb.hidups import HidUpsDevice
from upskit.sim.usb.hidups_models import MODELS
from upskit.transport.usb.hid import UsbHidPort


async def driver_named(product: str) -> HidDriver:
    spec = replace(MODELS["apc-back-ups"], product=product)
    physics = UpsPhysics(clock=lambda: 0.0, battery_nominal=spec.battery_nominal,
                         nominal_voltage=spec.nominal_voltage,
                         input_voltage=spec.nominal_voltage, low_battery=0.1)
    port = UsbHidPort(f"usb://{spec.vendorid:04x}:{spec.productid:04x}",
                      backend=SimBackend([HidUpsDevice(spec, physics)]))
    driver = HidDriver(Device("hid"), {}, port=port)
    await driver.open()
    await driver.initialise()
    return driver


async def test_the_model_stops_before_the_firmware() -> None:
    product = "Back-UPS 350 FW: 1.2.I USB FW: x9"
    driver = await driver_named(product)
    try:
        assert driver.device.get("device.model") == "Back-UPS 350"
        assert driver.device.get("ups.model") == "Back-UPS 350"
        assert driver.device.get("ups.firmware") == "1.2.I"
        assert driver.device.get("ups.firmware.aux") == "x9"
        # the USB string itself stays what the unit said
        assert driver.device.get("driver.parameter.product") == product
        await driver.poll()
        assert driver.device.get("ups.model") == "Back-UPS 350"
    finally:
        await driver.close()


async def test_a_product_without_firmware_is_the_model() -> None:
    driver = await driver_named("BX900Q")
    try:
        assert driver.device.get("device.model") == "BX900Q"
    finally:
        await driver.close()


def test_product_model() -> None:
    assert product_model("Smart-UPS Y 1000  FW:COM 01.2 / UPS 01.2") == "Smart-UPS Y 1000"
    assert product_model("Back-UPS 350 FW: 1.2.I USB FW: x9") == "Back-UPS 350"
    assert product_model("BX900Q") == "BX900Q"
    assert product_model("FW: 1.0") == "FW: 1.0"  # nothing before it: keep the string
