"""The HID driver across an unplugged cable: the data goes stale (nothing escapes the
driver), the replugged unit is found again, published again and heard again (a new
listening task); stalled reads and garbage input reports change nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import eventually
from tests.transport.hidraw_fake import (
    FakeHidDevice,
    FakeHidrawSys,
    SysNode,
    build_sysfs,
    remove_node,
)
from upskit.config.settings import Settings, UpsSettings
from upskit.drivers.build import build_driver
from upskit.drivers.hid.driver import HidDriver
from upskit.model import Device
from upskit.sim.usb.hidups import INTERRUPT_IN, HidUpsDevice
from upskit.sim.usb.hidups_models import MODELS
from upskit.sim.usb.ports import SimBus, forget, usb_bus
from upskit.transport.hidraw import HidrawPort


def listeners(name: str) -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == f"listen:{name}"
            and not t.done()]


@pytest.fixture
async def running() -> AsyncIterator[tuple[HidDriver, Device, SimBus, asyncio.Task[None]]]:
    key = f"reconnect-{id(object())}"
    url = f"sim://usb/apc-back-ups?id={key}"
    section = UpsSettings("hidre", "usbhid-ups", url,
                          options={"port": url, "pollinterval": "0.2"})
    settings = Settings()
    settings.ups.ups["hidre"] = section
    device = Device("hidre")
    driver = build_driver(settings, section, device)
    assert isinstance(driver, HidDriver)
    driver.max_backoff = 0.3  # type: ignore[misc]
    task = asyncio.create_task(driver.run())
    try:
        await eventually(lambda: device.get("ups.status") == "OL", 20, "the unit on line")
        yield driver, device, usb_bus(key), task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        forget(key)


async def test_unplug_goes_stale_and_replug_recovers_with_a_new_listener(running) -> None:
    driver, device, bus, task = running
    await eventually(lambda: len(listeners("hidre")) == 1, 10, "the listener")
    first = listeners("hidre")[0]
    bus.unplug()
    await eventually(lambda: device.stale, 20, "stale data")
    assert not task.done()
    await eventually(lambda: first.done(), 10, "the old listener to end")
    device.set("battery.charge", "1")  # must be read again after the replug
    bus.replug()
    await eventually(lambda: not device.stale and device.get("battery.charge") != "1",
                     20, "fresh data")
    await eventually(lambda: len(listeners("hidre")) == 1, 10, "a new listener")
    assert listeners("hidre")[0] is not first
    # the new listener hears the unit: with polls an hour apart, only it can say OB
    driver.options.pollinterval = 3600.0
    await asyncio.sleep(0.5)
    sim = bus.device
    assert isinstance(sim, HidUpsDevice)
    sim.physics.mains = False
    await eventually(lambda: "OB" in str(device.get("ups.status")).split(), 20,
                     "OB from an input report")
    assert not task.done()


async def test_garbage_input_reports_and_stalls_never_crash(running) -> None:
    _, device, bus, task = running
    sim = bus.device
    assert isinstance(sim, HidUpsDevice)
    for junk in (b"\xff" * 8, b"\x00", b"\x01", b"\xfe\x01\x02", bytes(range(64))):
        sim.queue_packets(INTERRUPT_IN, [junk])
    await asyncio.sleep(1.0)
    assert not task.done()
    assert device.get("ups.status") == "OL"
    sim.hung = True  # every request now times out
    await eventually(lambda: device.stale, 30, "stale data")
    assert not task.done()
    sim.hung = False
    await eventually(lambda: not device.stale and device.get("ups.status") == "OL", 30,
                     "fresh data")
    sim.physics.mains = False
    await eventually(lambda: "OB" in str(device.get("ups.status")).split(), 20, "OB")
    assert not task.done()


def fake_unit(sim: HidUpsDevice) -> FakeHidDevice:
    """The simulated Back-UPS as a hidraw node answers: its descriptor and its feature
    reports as they read now."""
    values = sim.readings()
    features = {rid: data for rid in sim.layout.report_ids("feature")
                if (data := sim.report("feature", rid, values)) is not None}
    return FakeHidDevice(descriptor=sim.layout.descriptor, features=features)


async def test_hidraw_enodev_goes_stale_and_the_node_coming_back_recovers(
        tmp_path: Path) -> None:
    sim = HidUpsDevice(MODELS["apc-back-ups"])
    build_sysfs(tmp_path, [SysNode(0)])
    sys = FakeHidrawSys()
    node = sys.add("/dev/hidraw0", fake_unit(sim))
    port = HidrawPort("hidraw://", syscalls=sys, sysfs=str(tmp_path), call_timeout=5.0)
    device = Device("raw")
    driver = HidDriver(device, {"pollinterval": "0.2"}, port=port)
    driver.max_backoff = 0.3  # type: ignore[misc]
    task = asyncio.create_task(driver.run())
    try:
        await eventually(lambda: device.get("ups.status") == "OL", 20, "the unit on line")
        await eventually(lambda: len(listeners("raw")) == 1, 10, "the listener")
        first = listeners("raw")[0]
        for junk in (b"\xff" * 8, b"", b"\x01", bytes(range(64))):
            node.push(junk)
        await asyncio.sleep(0.5)
        assert device.get("ups.status") == "OL" and not task.done()
        node.unplug()  # ENODEV on every call, the reader woken
        await eventually(lambda: device.stale, 20, "stale data")
        await eventually(lambda: first.done(), 10, "the old listener to end")
        assert not task.done()
        remove_node(tmp_path, 0)
        await asyncio.sleep(0.5)  # no node at all: still retrying
        assert device.stale and not task.done()
        build_sysfs(tmp_path, [SysNode(2, devnum=7)])
        again = sys.add("/dev/hidraw2", fake_unit(sim))
        await eventually(lambda: not device.stale, 20, "fresh data")
        await eventually(lambda: len(listeners("raw")) == 1, 10, "a new listener")
        assert listeners("raw")[0] is not first
        assert port.node is not None and port.node.path == "/dev/hidraw2"
        sim.physics.mains = False
        driver.options.pollinterval = 3600.0
        await asyncio.sleep(0.5)
        for rid in sim.layout.report_ids("input"):
            report = sim.report("input", rid)
            assert report is not None
            again.push(report)
        await eventually(lambda: "OB" in str(device.get("ups.status")).split(), 20,
                         "OB from an input report")
        assert not task.done()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
