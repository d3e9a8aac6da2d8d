"""The simulated HID Power Device UPSes through unmodified pyusb and the real HID port.

Descriptors are decoded with the project's own parser, so the paths and values are
what the usbhid-ups driver will see.  Time is the physics model's: a frozen clock and
``advance``, never sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from upskit.drivers.hid.descriptor import Field, ReportDescriptor, parse_descriptor
from upskit.drivers.hid.usages import field_path, nut_fields
from upskit.drivers.hid.values import read_value
from upskit.sim.physics import UpsPhysics
from upskit.sim.usb import SimBus
from upskit.sim.usb.backend import SimBackend
from upskit.sim.usb.hidups import HidUpsDevice
from upskit.sim.usb.hidups_models import MODELS
from upskit.transport import HidPort, PortSilent
from upskit.transport.usb.hid import UsbHidPort


def frozen_bus(name: str = "apc-back-ups", **physics: float) -> tuple[SimBus, HidUpsDevice]:
    model = MODELS[name]
    ups = UpsPhysics(clock=lambda: 0.0, battery_nominal=model.battery_nominal,
                     nominal_voltage=model.nominal_voltage,
                     input_voltage=model.nominal_voltage, low_battery=0.1, **physics)
    device = HidUpsDevice(model, ups)
    backend = SimBackend([device])
    return SimBus(backend, [device]), device


class Reader:
    """Reads fields by NUT path through a HID port."""

    def __init__(self, port: HidPort, descriptor: ReportDescriptor) -> None:
        self.port = port
        self.fields = {(field_path(f), f.report_type.value): f
                       for f in nut_fields(descriptor)}

    def field(self, path: str, kind: str = "Feature") -> Field:
        return self.fields[(path, kind)]

    async def get(self, path: str) -> float:
        f = self.field(path)
        data = await self.port.get_feature(f.report_id, 64)
        assert data[0] == f.report_id
        return read_value(f, data[1:])

    async def set(self, path: str, raw: int) -> None:
        f = self.field(path)
        size = (f.offset + f.size + 7) // 8
        value = raw & ((1 << f.size) - 1)
        await self.port.set_feature(f.report_id,
                                    bytes([f.report_id]) + value.to_bytes(size, "little"))

    def decode(self, path: str, report: bytes) -> float | None:
        """``path``'s value in an input report, None when the report is another one."""
        f = self.field(path, "Input")
        return read_value(f, report[1:]) if report[0] == f.report_id else None


async def opened(bus: SimBus) -> tuple[UsbHidPort, Reader]:
    spec = bus.device.spec
    port = UsbHidPort(f"usb://{spec.vendorid:04x}:{spec.productid:04x}", backend=bus.backend)
    await port.open()
    return port, Reader(port, parse_descriptor(await port.report_descriptor()))


async def wait_for(port: HidPort, check: Callable[[bytes], bool]) -> list[bytes]:
    """Input reports up to the first one ``check`` accepts."""
    seen = []
    stream = port.input_reports()
    try:
        async with asyncio.timeout(20):
            async for report in stream:
                seen.append(report)
                if check(report):
                    return seen
    finally:
        await stream.aclose()
    raise AssertionError("unreachable")


async def drain(device: HidUpsDevice) -> None:
    device.push_changes()
    device.in_queue.clear()


async def test_apc_descriptor_identity_and_feature_reports() -> None:
    bus, device = frozen_bus(load=20.0)
    port, ups = await opened(bus)
    try:
        assert port.device_info()["ups.vendorid"] == "051d"
        assert port.device_info()["ups.productid"] == "0002"
        paths = {path for path, _kind in ups.fields}
        for wanted in ("UPS.PowerSummary.RemainingCapacity", "UPS.PowerSummary.RunTimeToEmpty",
                       "UPS.PowerSummary.PresentStatus.ACPresent",
                       "UPS.PowerSummary.PresentStatus.ShutdownImminent",
                       "UPS.PowerSummary.DelayBeforeShutdown",
                       "UPS.PowerSummary.DelayBeforeStartup", "UPS.Battery.Test",
                       "UPS.Battery.Voltage", "UPS.Input.Voltage", "UPS.Output.Voltage",
                       "UPS.PowerSummary.AudibleAlarmControl",
                       "UPS.PowerSummary.iManufacturer"):
            assert wanted in paths
        assert await ups.get("UPS.PowerSummary.RemainingCapacity") == 100
        assert await ups.get("UPS.PowerSummary.RunTimeToEmpty") == 1500  # 300 s * 100 / 20 %
        assert await ups.get("UPS.PowerSummary.PresentStatus.ACPresent") == 1
        assert await ups.get("UPS.PowerSummary.PresentStatus.Discharging") == 0
        assert await ups.get("UPS.Input.Voltage") == 230
        assert await ups.get("UPS.Battery.ConfigVoltage") == 12.0
        assert 13.0 < await ups.get("UPS.Battery.Voltage") < 14.0
        assert await ups.get("UPS.PowerConverter.PercentLoad") == 20
        assert await ups.get("UPS.PowerSummary.DelayBeforeShutdown") == -1
        # the string index fields point at the device's strings
        assert await ups.get("UPS.PowerSummary.iManufacturer") == 3
        assert device.spec.strings()[3] == "American Power Conversion"
    finally:
        await port.close()


async def test_mains_loss_and_return_push_input_reports() -> None:
    bus, device = frozen_bus()
    port, ups = await opened(bus)
    try:
        await drain(device)
        device.physics.set_mains(False)
        status = "UPS.PowerSummary.PresentStatus.Discharging"
        seen = await wait_for(port, lambda r: ups.decode(status, r) == 1)
        assert any(ups.decode("UPS.PowerSummary.ACPresent", r) == 0 for r in seen)
        assert await ups.get("UPS.PowerSummary.PresentStatus.ACPresent") == 0
        device.physics.advance(60)
        seen = await wait_for(port, lambda r: ups.decode(
            "UPS.PowerSummary.RemainingCapacity", r) is not None)
        assert ups.decode("UPS.PowerSummary.RemainingCapacity", seen[-1]) == 97  # 60 s at 14 % of 300 s full-load runtime
        device.physics.set_mains(True)
        await wait_for(port, lambda r: ups.decode(
            "UPS.PowerSummary.PresentStatus.ACPresent", r) == 1)
        assert await ups.get("UPS.PowerSummary.PresentStatus.Charging") == 1
    finally:
        await port.close()


async def test_low_battery_is_pushed_and_the_battery_runs_out() -> None:
    bus, device = frozen_bus(charge=0.15, load=50.0)
    port, ups = await opened(bus)
    try:
        await drain(device)
        device.physics.set_mains(False)
        device.physics.advance(40)  # 50 % load drains 1/600 of the charge a second
        await wait_for(port, lambda r: ups.decode(
            "UPS.PowerSummary.BelowRemainingCapacityLimit", r) == 1)
        assert await ups.get("UPS.PowerSummary.PresentStatus.ShutdownImminent") == 1
        device.physics.advance(120)
        assert not device.physics.output_on
        assert await ups.get("UPS.Output.Voltage") == 0
    finally:
        await port.close()


async def test_shutdown_and_startup_delays_count_down_cut_and_restore_the_load() -> None:
    bus, device = frozen_bus()
    port, ups = await opened(bus)
    try:
        device.physics.set_mains(False)
        await ups.set("UPS.PowerSummary.DelayBeforeStartup", 30)
        await ups.set("UPS.PowerSummary.DelayBeforeShutdown", 20)
        assert await ups.get("UPS.PowerSummary.DelayBeforeShutdown") == 20
        device.physics.advance(5)
        assert await ups.get("UPS.PowerSummary.DelayBeforeShutdown") == 15
        assert await ups.get("UPS.PowerSummary.DelayBeforeStartup") == 25
        assert await ups.get("UPS.PowerSummary.PresentStatus.ShutdownImminent") == 1
        device.physics.advance(16)
        assert await ups.get("UPS.PowerSummary.DelayBeforeShutdown") == -1
        assert await ups.get("UPS.Output.Voltage") == 0
        device.physics.set_mains(True)
        device.physics.advance(2)
        assert await ups.get("UPS.Output.Voltage") == 0  # the startup delay still runs
        device.physics.advance(10)
        assert await ups.get("UPS.Output.Voltage") == 230
        assert await ups.get("UPS.PowerSummary.DelayBeforeStartup") == -1
    finally:
        await port.close()


async def test_a_cancelled_shutdown_and_a_load_off_on_mains() -> None:
    bus, device = frozen_bus()
    port, ups = await opened(bus)
    try:
        await ups.set("UPS.PowerSummary.DelayBeforeShutdown", 10)
        device.physics.advance(3)
        await ups.set("UPS.PowerSummary.DelayBeforeShutdown", -1)
        device.physics.advance(20)
        assert device.physics.output_on
        await ups.set("UPS.PowerSummary.DelayBeforeShutdown", 0)  # load.off
        device.physics.advance(60)
        assert await ups.get("UPS.Output.Voltage") == 0  # stays off on mains
        await ups.set("UPS.PowerSummary.DelayBeforeStartup", 5)  # load.on.delay
        device.physics.advance(6)
        assert await ups.get("UPS.Output.Voltage") == 230
    finally:
        await port.close()


async def test_battery_test_runs_and_reports_its_result() -> None:
    bus, device = frozen_bus()
    port, ups = await opened(bus)
    try:
        assert await ups.get("UPS.Battery.Test") == 6  # no test initiated
        await ups.set("UPS.Battery.Test", 1)
        assert await ups.get("UPS.Battery.Test") == 5  # in progress
        assert await ups.get("UPS.PowerSummary.PresentStatus.Discharging") == 1
        device.physics.advance(11)
        assert await ups.get("UPS.Battery.Test") == 1  # done and passed
        await ups.set("UPS.Battery.Test", 2)
        await ups.set("UPS.Battery.Test", 3)
        assert await ups.get("UPS.Battery.Test") == 4  # aborted
        device.physics.failed = True
        await ups.set("UPS.Battery.Test", 1)
        device.physics.advance(11)
        assert await ups.get("UPS.Battery.Test") == 3  # done and error
        assert await ups.get("UPS.PowerSummary.PresentStatus.NeedReplacement") == 1
    finally:
        await port.close()


async def test_settings_are_kept_and_a_bad_report_stalls_without_harm() -> None:
    bus, device = frozen_bus()
    port, ups = await opened(bus)
    try:
        await ups.set("UPS.PowerSummary.RemainingCapacityLimit", 30)
        await ups.set("UPS.PowerSummary.AudibleAlarmControl", 1)
        assert await ups.get("UPS.PowerSummary.RemainingCapacityLimit") == 30
        assert await ups.get("UPS.PowerSummary.AudibleAlarmControl") == 1
        assert not device.physics.beeper
        with pytest.raises(PortSilent):
            await port.get_feature(0x77, 8)
        with pytest.raises(PortSilent):
            await port.set_feature(0x77, b"\x77\x01")
        with pytest.raises(PortSilent):
            await port.set_feature(0x15, b"\x16\x01\x00")  # id byte of another report
        assert await ups.get("UPS.PowerSummary.RemainingCapacity") == 100
    finally:
        await port.close()


@pytest.mark.parametrize(("name", "charge", "battery", "test", "delay"), [
    ("cyberpower", "UPS.PowerSummary.RemainingCapacity", "UPS.PowerSummary.Voltage",
     "UPS.Output.Test", "UPS.Output.DelayBeforeShutdown"),
    ("eaton-ellipse", "UPS.PowerSummary.RemainingCapacity", "UPS.PowerSummary.Voltage",
     "UPS.BatterySystem.Battery.Test", "UPS.PowerSummary.DelayBeforeShutdown"),
])
async def test_other_vendors_through_a_sim_url(name: str, charge: str, battery: str,
                                               test: str, delay: str) -> None:
    from upskit.sim.usb.ports import forget, usb_bus
    from upskit.transport.url import open_port

    url = f"sim://usb/{name}?id=hid-{name}&mains=0&charge=0.5&load=25"
    port = open_port(url, {}, HidPort)  # type: ignore[type-abstract]
    device = usb_bus(f"hid-{name}").device
    assert isinstance(device, HidUpsDevice)
    await port.open()
    try:
        ups = Reader(port, parse_descriptor(await port.report_descriptor()))
        assert port.device_info()["ups.vendorid"] == f"{MODELS[name].vendorid:04x}"
        assert await ups.get(charge) == 50
        assert await ups.get("UPS.PowerSummary.PresentStatus.Discharging") == 1
        nominal = MODELS[name].battery_nominal
        assert nominal * 0.8 < await ups.get(battery) < nominal * 1.2
        await ups.set(delay, 10)
        device.physics.advance(11)
        assert not device.physics.output_on
        device.physics.set_mains(True)
        device.physics.advance(1)
        assert device.physics.output_on  # back with the mains
        await ups.set(test, 1)
        assert await ups.get(test) == 5
    finally:
        await port.close()
        forget(f"hid-{name}")


def test_the_cyberpower_voltages_carry_the_firmware_logical_maximum() -> None:
    descriptor = parse_descriptor(MODELS["cyberpower"].layout().descriptor)
    fields = {field_path(f): f for f in nut_fields(descriptor)}
    assert fields["UPS.Input.Voltage"].size == 16
    assert fields["UPS.Input.Voltage"].logical_max == 255


def test_a_bad_sim_url_option_names_itself() -> None:
    from upskit.transport.url import open_port

    with pytest.raises(ValueError, match="charge"):
        open_port("sim://usb/apc-back-ups?id=hid-bad&charge=lots", {})


async def test_an_idle_interrupt_read_waits_like_a_real_endpoint() -> None:
    """Nothing to send: the read waits out its timeout (a real endpoint does), instead
    of failing at once and making the reader spin; news arriving meanwhile ends it."""
    bus, device = frozen_bus()
    port, ups = await opened(bus)
    loop = asyncio.get_running_loop()
    try:
        await drain(device)
        stream = port.input_reports()
        task = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(1.2)
        reads = len(device.requests("read"))
        assert 1 <= reads <= 4  # 500 ms reads, not one every 20 ms
        started = loop.time()
        device.physics.set_mains(False)
        report = await asyncio.wait_for(task, 10)
        assert loop.time() - started < 0.45  # within a slice, not at the read's timeout
        assert ups.decode("UPS.PowerSummary.ACPresent", report) == 0 or report
        await stream.aclose()
    finally:
        await port.close()


async def test_a_feature_poll_does_not_queue_behind_a_waiting_read() -> None:
    bus, device = frozen_bus()
    port, ups = await opened(bus)
    loop = asyncio.get_running_loop()
    try:
        await drain(device)
        stream = port.input_reports()
        task = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0.1)  # the read is waiting on the endpoint now
        slowest = 0.0
        for _ in range(5):
            started = loop.time()
            assert await ups.get("UPS.PowerSummary.RemainingCapacity") == 100
            slowest = max(slowest, loop.time() - started)
        assert slowest < 0.3  # a read holds its thread up to 500 ms
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await stream.aclose()
    finally:
        await port.close()
