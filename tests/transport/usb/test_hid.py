"""The HID capability on pyusb, on the simulated pyusb backend (real descriptor bytes).

The simulated Ablerex chip keeps its Q* reply in feature report 5 and the Cypress chip
takes commands as output reports and answers with interrupt IN reports, so both
directions of HID traffic are exercised through unmodified pyusb.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from upskit.sim.usb import simulated_bus
from upskit.sim.usb.descriptors import vendor_report_descriptor
from upskit.sim.usb.responder import FixedMegatec
from upskit.transport import HidPort, PortBusy, PortGone
from upskit.transport.usb.access import WORKERS, UsbWorkers
from upskit.transport.usb.hid import UsbHidPort
from upskit.transport.usb.port import UsbTransport


async def test_report_descriptor_and_feature_reports() -> None:
    bus = simulated_bus("ablerex")
    port = UsbHidPort("usb://ffff:0000", backend=bus.backend)
    assert isinstance(port, HidPort)
    async with port:
        assert port.device_info()["ups.vendorid"] == "ffff"
        assert await port.report_descriptor() == vendor_report_descriptor(8)
        frame = (b"\x05\x00\x03Q1").ljust(47, b"\x00")
        await port.set_feature(5, frame)
        reply = await port.get_feature(5, 47)
        assert reply.startswith(FixedMegatec().status.encode() + b"\r")
    control = [r for r in bus.device.requests("control") if r.request_type & 0x60 == 0x20]
    assert [(r.request_type, r.request, r.value) for r in control] == [
        (0x21, 0x09, 0x0305), (0xA1, 0x01, 0x0305)]


async def test_output_reports_and_the_input_stream() -> None:
    bus = simulated_bus("cypress")
    async with UsbHidPort("usb://0665:5161", backend=bus.backend) as port:
        await port.set_output(0, b"Q1\r".ljust(8, b"\x00"))
        reply = b""
        stream = port.input_reports()
        async with asyncio.timeout(10):
            async for report in stream:
                reply += report
                if b"\r" in reply:
                    break
        await stream.aclose()
        assert reply.startswith(FixedMegatec().status.encode() + b"\r")
    assert bus.device.requests("control")[-1].value == 0x0200  # output report, id 0


async def test_unplug_gives_port_gone_and_the_same_unit_comes_back() -> None:
    bus = simulated_bus("ablerex")
    async with UsbHidPort("usb://ffff:0000", backend=bus.backend) as port:
        first = port.device_info()["driver.parameter.device"]
        bus.unplug()
        with pytest.raises(PortGone):
            await port.get_feature(5, 47)
        with pytest.raises(PortGone, match="not present"):
            await port.get_feature(5, 47)
        bus.replug()
        assert len(await port.get_feature(5, 47)) == 47
        assert port.device_info()["driver.parameter.device"] != first
        assert port.access.reconnects == 1


async def test_a_device_held_elsewhere_is_busy() -> None:
    bus = simulated_bus("cypress")
    bus.device.faults.busy = 1
    port = UsbHidPort("usb://0665:5161", backend=bus.backend)
    with pytest.raises(PortBusy):
        await port.open()
    assert not port.is_open


async def test_usb_ports_run_in_their_own_pool_sized_for_the_open_ports() -> None:
    bus = simulated_bus("cypress", "cypress", "cypress")
    ports = [UsbTransport("auto", {"device": f"{d.address:03d}"}, backend=bus.backend)
             for d in bus.devices]
    before = WORKERS.users
    for port in ports:
        await port.open()
    assert WORKERS.users == before + 3 and WORKERS.size >= WORKERS.users
    threads: list[str] = []
    real = UsbTransport._exchange_sync

    def noting(self: UsbTransport, command: bytes, timeout_ms: int) -> bytes:
        threads.append(threading.current_thread().name)
        return real(self, command, timeout_ms)

    UsbTransport._exchange_sync = noting  # type: ignore[method-assign]
    try:
        replies = await asyncio.gather(*(p.exchange(b"Q1\r") for p in ports))
    finally:
        UsbTransport._exchange_sync = real  # type: ignore[method-assign]
    assert all(r.startswith(b"(") for r in replies)
    assert threads and all(name.startswith("upskit-usb") for name in threads), threads
    for port in ports:
        await port.close()
    assert WORKERS.users == before


async def test_worker_pool_grows_and_stops_with_the_last_user() -> None:
    workers = UsbWorkers("test-usb")
    for _ in range(3):
        workers.join()
    assert workers.size == 3
    names = await asyncio.gather(*(workers.run(lambda: threading.current_thread().name)
                                   for _ in range(3)))
    assert all(n.startswith("test-usb") for n in names)
    workers.join()
    assert workers.size == 4
    for _ in range(4):
        workers.leave()
    assert workers.size == 0 and workers.users == 0
