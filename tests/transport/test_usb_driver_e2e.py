"""End to end: the Q* driver on ``sim://usb/<device>`` ports, through unplug and replug."""

from __future__ import annotations

import pytest

from upskit.model import Device
from upskit.sim.usb.ports import usb_bus
from upskit.transport import PortGone

qx = pytest.importorskip("upskit.drivers.qx.driver")


@pytest.mark.parametrize(("name", "vid"), [("cypress", "0665"), ("ippon-backpro", "06da"),
                                           ("krauler", "0001"), ("vultech-v2000", "0925"),
                                           ("armac-r3000i", "0925"), ("energizer-er-of800", "0f03")])
async def test_driver_reads_ups_through_each_bridge(name: str, vid: str) -> None:
    key = f"e2e-{name}"
    device = Device("ups")
    driver = qx.QxDriver(device, {"port": f"sim://usb/{name}?id={key}"})
    try:
        await driver.open()
        await driver.initialise()
        await driver.poll()
        assert device.get("ups.vendorid") == vid
        assert "OL" in (device.get("ups.status") or "")
        bus = usb_bus(key)
        bus.unplug()
        with pytest.raises(PortGone):
            await driver.poll()
        bus.replug()
        await driver.poll()
        assert "OL" in (device.get("ups.status") or "")
    finally:
        await driver.close()
