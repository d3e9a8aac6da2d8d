"""genericups under trouble: the port vanishing and returning, bouncing relays, a
broken cable, a port without modem lines.  The driver never raises out of its loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from tests.drivers.contact.support import contact, start, status
from tests.support import eventually
from upskit.drivers.contact.driver import ContactDriver
from upskit.drivers.context import DriverContext
from upskit.model import Device
from upskit.sim.contact import ContactUps, get_or_create
from upskit.sim.pty import PtyServer


@contextlib.asynccontextmanager
async def running(driver: ContactDriver) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(driver.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert task.cancelled()  # it never ended on its own


async def test_port_vanishes_goes_stale_and_recovers_when_it_returns() -> None:
    driver, ups, device = contact(2, pollinterval="0.05")
    async with running(driver):
        await eventually(lambda: status(device) == "OL" and not device.stale, 10)
        ups.fault("unplugged")
        await eventually(lambda: device.stale, 10)
        ups.mains(False)  # changed while the port was gone
        ups.fault(None)
        await eventually(lambda: not device.stale and status(device) == "OB", 15)
    # every (re)open raised the cable power again, and nothing else
    assert {(e.dtr, e.rts) for e in ups.events if e.kind == "outputs"} == {(False, True)}


class StepClock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_bouncing_relay_does_not_flap_the_status() -> None:
    clock = StepClock()
    url = "sim://contact/7?id=bounce"
    device = Device("ups")
    driver = ContactDriver(device, {"port": url, "upstype": "7", "debounce": "0.5"},
                           context=DriverContext(clock=clock))
    ups = get_or_create(url)
    seen: list[str] = []
    device.subscribe(lambda event: seen.append(device.get("ups.status") or ""))
    await start(driver)
    assert status(device) == "OL"
    ups.fault("bounce", 8)  # eight readings, every other one with the OL line flipped
    for _ in range(8):
        clock.now += 0.1
        await driver.poll()
        assert status(device) == "OL"
    assert "OB" not in seen
    ups.mains(False)  # a real change: published once it held half a second
    clock.now += 0.1
    await driver.poll()
    assert status(device) == "OL"
    for _ in range(5):
        clock.now += 0.1
        await driver.poll()
    assert status(device) == "OB"


async def test_debounce_zero_publishes_every_reading() -> None:
    driver, ups, device = contact(7)
    await start(driver)
    ups.fault("bounce", 2)
    await driver.poll()
    assert status(device) == "OB"  # the flicker shows
    await driver.poll()
    assert status(device) == "OL"


@pytest.mark.parametrize(("number", "reads_as"), [(2, "OL"), (5, "OB LB"), (1, "OL")])
async def test_a_broken_cable_reads_as_the_type_makes_of_all_lines_low(
        number: int, reads_as: str) -> None:
    # NUT's documented limit: a cut cable cannot be told from a UPS
    driver, ups, device = contact(number, query="fault=cable")
    await start(driver)
    assert status(device) == reads_as
    ups.fault(None)
    await driver.poll()
    assert status(device) == "OL"


async def test_a_pty_has_no_modem_lines_stale_not_a_crash(pty_sim: PtyServer) -> None:
    device = Device("ups")
    driver = ContactDriver(device, {"port": pty_sim.path, "upstype": "2",
                                    "pollinterval": "0.05"})
    async with running(driver):
        await eventually(lambda: device.stale, 10)
    assert device.get("ups.status") is None


async def test_without_upstype_the_driver_retries_and_says_why(
        caplog: pytest.LogCaptureFixture) -> None:
    device = Device("ups")
    driver = ContactDriver(device, {"port": "sim://contact/2"})
    async with running(driver):
        await eventually(lambda: "no upstype set" in caplog.text, 10)
    assert device.get("ups.status") is None


def test_the_simulator_refuses_unknown_types_and_faults() -> None:
    with pytest.raises(ValueError, match="no such upstype"):
        get_or_create("sim://contact/24")
    with pytest.raises(ValueError, match="must be a number"):
        get_or_create("sim://contact/apc")
    with pytest.raises(ValueError, match="unknown contact fault"):
        get_or_create("sim://contact/2?fault=garbage")
    with pytest.raises(ValueError, match="charge needs a number"):
        get_or_create("sim://contact/2?charge=full")
    ups = get_or_create("sim://contact/2?id=x&charge=0.1&mains=off&hold=2")
    assert isinstance(ups, ContactUps) and ups.hold == 2.0 and ups.physics.on_battery
