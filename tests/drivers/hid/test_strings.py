"""String-descriptor rows: a field holding a USB string index (``iDeviceChemistry``,
APC's firmware revision, the product string's ``FW:``) publishes the string once at
initialisation; a port that cannot read strings publishes nothing and fails nothing."""

from __future__ import annotations

from upskit.drivers.hid.driver import HidDriver
from upskit.drivers.hid.subdrivers.apc import product_firmware, product_usb_firmware
from upskit.model import Device
from upskit.sim.physics import UpsPhysics
from upskit.sim.usb.backend import SimBackend
from upskit.sim.usb.hidups import HidUpsDevice
from upskit.sim.usb.hidups_models import MODELS
from upskit.transport.usb.hid import UsbHidPort


class NoStrings(UsbHidPort):
    """The simulated unit through a port that reads no strings (hidraw's limit)."""

    async def string(self, index: int) -> str | None:
        return None


async def driver_on(model: str, port_class: type[UsbHidPort] = UsbHidPort,
                    options: dict[str, str | bool] | None = None) -> HidDriver:
    spec = MODELS[model]
    physics = UpsPhysics(clock=lambda: 0.0, battery_nominal=spec.battery_nominal,
                         nominal_voltage=spec.nominal_voltage,
                         input_voltage=spec.nominal_voltage, low_battery=0.1)
    backend = SimBackend([HidUpsDevice(spec, physics)])
    port = port_class(f"usb://{spec.vendorid:04x}:{spec.productid:04x}", backend=backend)
    driver = HidDriver(Device("hid"), options or {}, port=port)
    await driver.open()
    await driver.initialise()
    return driver


async def test_usb_port_reads_string_descriptors() -> None:
    spec = MODELS["apc-back-ups"]
    port = UsbHidPort(f"usb://{spec.vendorid:04x}:{spec.productid:04x}",
                      backend=SimBackend([HidUpsDevice(spec)]))
    await port.open()
    try:
        assert await port.string(4) == "PbAc"
        assert await port.string(1) == spec.product
        assert await port.string(0) is None
        assert await port.string(200) is None  # the unit stalls: no such string
    finally:
        await port.close()


async def test_simulated_apc_publishes_battery_type_and_firmware() -> None:
    driver = await driver_on("apc-back-ups")
    try:
        assert driver.device.get("battery.type") == "PbAc"
        assert driver.device.get("ups.firmware") == "UPS 09.4"
        # the BK product string names no firmware, so no aux either
        assert driver.device.get("ups.firmware.aux") is None
        await driver.poll()  # a poll leaves the static strings alone
        assert driver.device.get("battery.type") == "PbAc"
    finally:
        await driver.close()


async def test_the_generic_subdriver_has_the_rows() -> None:
    driver = await driver_on("cyberpower", options={"subdriver": "generic"})
    try:
        assert driver.device.get("battery.type") == "PbAcid"
    finally:
        await driver.close()


async def test_a_port_without_strings_publishes_nothing() -> None:
    driver = await driver_on("apc-back-ups", NoStrings)
    try:
        for name in ("battery.type", "ups.firmware", "ups.firmware.aux"):
            assert driver.device.get(name) is None
        assert driver.device.get("battery.charge") is not None
    finally:
        await driver.close()


def test_apc_product_strings_name_the_firmware() -> None:
    # the product strings of a Back-UPS CS 500 and a Smart-UPS X 750
    cs = "Back-UPS 500 FW: 6.5.I USB FW: c1"
    assert (product_firmware(cs), product_usb_firmware(cs)) == ("6.5.I", "c1")
    smart = "Smart-UPS X 750  FW:COM 03.8 / UPS 03.8"
    assert (product_firmware(smart), product_usb_firmware(smart)) == (
        "COM 03.8 / UPS 03.8", None)
    assert product_firmware("BK650M2-CH") is None
    assert product_usb_firmware("BK650M2-CH") is None
