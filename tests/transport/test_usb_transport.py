"""The USB transport on a simulated bus: finding, claiming, NUT's error handling table."""

from __future__ import annotations

import asyncio
import contextlib
import random

import pytest

from upskit.sim.usb import simulated_bus
from upskit.sim.usb.catalog import build
from upskit.sim.usb.responder import FixedMegatec
from upskit.transport import (
    PortBusy,
    PortGarbled,
    PortGone,
    PortSilent,
    TransportError,
    open_transport,
)
from upskit.transport.usb import UsbTransport, set_default_backend

Q1 = b"(230.0 230.0 230.0 015 50.0 13.6 25.0 00001001\r"


async def opened(name: str = "cypress", **options: str) -> tuple[object, UsbTransport]:
    bus = simulated_bus(name, responder=FixedMegatec())
    transport = bus.transport(options)
    await transport.open()
    return bus, transport


async def test_open_detaches_configures_claims_and_reports_device_info() -> None:
    bus = simulated_bus("cypress", responder=FixedMegatec())
    transport = bus.transport()
    await transport.open()
    kinds = [r.kind for r in bus.device.log if r.kind in ("detach", "set_configuration", "claim")]
    assert kinds == ["detach", "set_configuration", "claim"]
    assert bus.device.kernel_driver is False and bus.device.configuration == 1
    info = transport.device_info()
    assert info["ups.vendorid"] == "0665" and info["ups.productid"] == "5161"
    assert info["driver.parameter.subdriver"] == "cypress"
    assert info["driver.parameter.bus"] == "001"
    assert await transport.exchange(b"Q1\r") == Q1


async def test_busy_device_is_port_busy() -> None:
    bus = simulated_bus("cypress")
    bus.device.faults.busy = 1
    with pytest.raises(PortBusy):
        await bus.transport().open()


async def test_nothing_supported_gives_nut_message() -> None:
    backend_bus = simulated_bus()
    with pytest.raises(PortGone, match="No supported devices found"):
        await backend_bus.transport().open()


async def test_vendor_only_match_is_not_accepted() -> None:
    from dataclasses import replace

    from upskit.sim.usb.serial_chips import CypressDevice
    bus = simulated_bus()
    spec = replace(build("cypress").spec, productid=0x9999)
    bus.backend.add(CypressDevice(spec, FixedMegatec()))
    with pytest.raises(PortGone, match="No supported"):
        await bus.transport().open()
    forced = bus.transport({"subdriver": "cypress", "vendorid": "0665", "productid": "9999"})
    await forced.open()
    assert await forced.exchange(b"Q1\r") == Q1


def test_forced_subdriver_needs_vendorid_and_productid() -> None:
    with pytest.raises(ValueError, match="vendorid and productid"):
        UsbTransport("auto", {"subdriver": "ippon"})
    with pytest.raises(ValueError, match="unknown subdriver"):
        UsbTransport("auto", {"subdriver": "nope", "vendorid": "1", "productid": "2"})


async def test_regex_options_choose_among_several_devices() -> None:
    bus = simulated_bus("cypress", "ippon-backpro", "armac-r2000i")
    t = bus.transport({"product": "ippon.*"})
    await t.open()
    assert t.bridge is not None and t.bridge.name == "ippon"
    t2 = bus.transport({"vendorid": "0925"})
    await t2.open()
    assert t2.bridge is not None and t2.bridge.name == "armac"
    t3 = bus.transport({"vendor": "NOBODY"})
    with pytest.raises(PortGone):
        await t3.open()


async def test_usb_url_and_default_backend_setter() -> None:
    bus = simulated_bus("cypress", "armac")
    set_default_backend(bus.backend)
    try:
        transport = open_transport("usb://0925:1234", {})
        await transport.open()
        assert transport.device_info()["ups.vendorid"] == "0925"
        assert (await transport.exchange(b"Q1\r")).startswith(b"(")
        auto = open_transport("auto", {"vendorid": "0665"})
        await auto.open()
        assert auto.device_info()["ups.productid"] == "5161"
    finally:
        set_default_backend(None)


async def test_unplug_mid_exchange_then_replug_same_transport() -> None:
    bus, transport = await opened("cypress")
    old_address = bus.device.address  # type: ignore[attr-defined]
    bus.unplug()  # type: ignore[attr-defined]
    with pytest.raises(PortGone):
        await transport.exchange(b"Q1\r")
    with pytest.raises(PortGone, match="not present"):
        await transport.exchange(b"Q1\r")
    bus.replug()  # type: ignore[attr-defined]
    assert bus.device.kernel_driver  # type: ignore[attr-defined]
    assert await transport.exchange(b"Q1\r") == Q1
    assert bus.device.address != old_address  # type: ignore[attr-defined]
    assert transport.reconnects == 1


async def test_reconnect_uses_exact_matcher_of_the_first_unit() -> None:
    from dataclasses import replace

    from upskit.sim.usb.serial_chips import CypressDevice
    bus = simulated_bus()
    spec = build("cypress").spec
    first = bus.backend.add(CypressDevice(replace(spec, serial="A1"), FixedMegatec()))
    transport = bus.transport()
    await transport.open()
    first.unplug()
    bus.backend.add(CypressDevice(replace(spec, serial="B2"), FixedMegatec()))
    with pytest.raises(PortGone):
        await transport.exchange(b"Q1\r")
    with pytest.raises(PortGone):
        await transport.exchange(b"Q1\r")  # the other unit is not taken
    bus.backend.replug(first)
    assert await transport.exchange(b"Q1\r") == Q1
    assert transport.identity is not None and transport.identity.serial == "A1"


async def test_close_and_open_again_finds_same_unit() -> None:
    _bus, transport = await opened("armac")
    await transport.close()
    assert not transport.is_open
    with pytest.raises(PortGone):
        await transport.exchange(b"Q1\r")
    await transport.open()
    assert await transport.exchange(b"Q1\r") == Q1


async def test_three_overflows_reset_the_port_and_recover() -> None:
    bus, transport = await opened("cypress")
    device = bus.device  # type: ignore[attr-defined]
    device.faults.overflow_wedged = True
    for _ in range(3):
        with pytest.raises(PortGarbled):
            await transport.exchange(b"Q1\r")
    device.faults.overflow_wedged = False  # a reset un-wedges the chip
    assert device.resets == 1 and transport.resets == 1
    assert await transport.exchange(b"Q1\r") == Q1


async def test_stall_clears_halt() -> None:
    bus, transport = await opened("phoenixtec")
    bus.device.faults.stalls = 1  # type: ignore[attr-defined]
    with pytest.raises(PortSilent, match="stalled"):
        await transport.exchange(b"Q1\r")
    assert [r.endpoint for r in bus.device.log if r.kind == "clear_halt"] == [0x81]  # type: ignore[attr-defined]
    assert await transport.exchange(b"Q1\r") == Q1


async def test_ippon_hang_from_big_read_is_reset_and_recovered() -> None:
    bus, transport = await opened("ippon-backpro")
    device = bus.device  # type: ignore[attr-defined]
    # Another program (or an old driver) read 256 bytes: the chip hangs.
    handle_read = bus.backend.intr_read  # type: ignore[attr-defined]
    import usb.core
    dev = usb.core.find(backend=bus.backend, idVendor=0x06DA)  # type: ignore[attr-defined]
    with pytest.raises(usb.core.USBTimeoutError):
        dev.read(0x81, 256, 100)
    assert device.hung and handle_read
    assert await transport.exchange(b"Q1\r") == Q1  # reset + retry inside one exchange
    assert device.resets == 1 and not device.hung


async def test_ippon_hang_from_leftover_bytes() -> None:
    bus, transport = await opened("ippon")
    device = bus.device  # type: ignore[attr-defined]
    import usb.core
    dev = usb.core.find(backend=bus.backend, idVendor=0x06DA)  # type: ignore[attr-defined]
    dev.ctrl_transfer(0x21, 0x09, 0x0002, 0, b"Q1\r")
    assert dev.read(0x81, 8, 100)  # 8-byte read leaves 56 bytes behind
    assert await transport.exchange(b"I\r") != b""
    assert device.resets == 1


async def test_repeated_timeouts_reset() -> None:
    bus, transport = await opened("cypress")
    bus.device.faults.timeouts = 50  # type: ignore[attr-defined]
    for _ in range(3):
        with pytest.raises(PortSilent):
            await transport.exchange(b"Q1\r")
    assert transport.resets == 0
    with pytest.raises(PortSilent):
        await transport.exchange(b"Q1\r")  # 4th in a row: reset, retried once, still silent
    assert transport.resets == 1 and bus.device.resets == 1  # type: ignore[attr-defined]
    bus.device.faults.timeouts = 0  # type: ignore[attr-defined]
    assert await transport.exchange(b"Q1\r") == Q1


async def test_stale_replies_drained_on_0665_5161() -> None:
    bus, transport = await opened("cypress")
    bus.device.faults.late = 1  # type: ignore[attr-defined]
    with pytest.raises(PortSilent):
        await transport.exchange(b"I\r")
    assert await transport.exchange(b"Q1\r") == Q1  # the late "#..." reply was dropped


async def test_stale_replies_confuse_when_not_drained() -> None:
    bus, transport = await opened("cypress", drain="no")
    bus.device.faults.late = 1  # type: ignore[attr-defined]
    with pytest.raises(PortSilent):
        await transport.exchange(b"I\r")
    assert (await transport.exchange(b"Q1\r")).startswith(b"#")


@pytest.mark.parametrize("name", ["cypress", "phoenix", "phoenixtec", "gtec", "sgs", "fuji",
                                  "armac", "armac-interrupt"])
async def test_random_chunking_still_decodes(name: str) -> None:
    bus = simulated_bus(name, responder=FixedMegatec())
    bus.device.faults.chunking = True
    options = {"subdriver": "gtec", "vendorid": "0665", "productid": "5161"} if name == "gtec" else {}
    transport = bus.transport(options)
    await transport.open()
    for _ in range(5):
        assert await transport.exchange(b"Q1\r") == Q1


@pytest.mark.parametrize("name", ["cypress", "phoenix", "phoenixtec", "ippon", "omron", "sgs",
                                  "fuji", "ablerex", "krauler", "fabula", "hunnox", "armac",
                                  "armac-interrupt", "energizer", "vultech-v2000"])
async def test_garbage_never_escapes_as_other_exceptions(name: str) -> None:
    bus = simulated_bus(name, responder=FixedMegatec())
    bus.device.faults.rng = random.Random(name)
    transport = bus.transport()
    await transport.open()
    for _ in range(12):
        bus.device.faults.garbage = 1
        try:
            reply = await transport.exchange(b"Q1\r")
        except TransportError:
            continue
        assert isinstance(reply, bytes)
    bus.device.faults.garbage = 0
    # and the port still works afterwards (maybe after draining leftovers)
    replies = []
    for _ in range(3):
        with contextlib.suppress(TransportError):
            replies.append(await transport.exchange(b"Q1\r"))
    assert Q1 in replies


async def test_exchanges_from_several_tasks_are_serialised() -> None:
    _bus, transport = await opened("armac")
    replies = await asyncio.gather(*(transport.exchange(b"Q1\r") for _ in range(8)))
    assert replies == [Q1] * 8
