"""Listening drivers: a device that pushes its status changes, and what a reconnection does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tests.support import PollOnly, eventually
from upskit.drivers.base import Driver
from upskit.drivers.context import DriverContext
from upskit.drivers.supervisor import Supervisor
from upskit.model import Device
from upskit.transport import PortGone


class PushingUps:
    """A simulated UPS that announces each status change instead of waiting to be asked.

    Each connection gets its own stream of announcements; unplugging ends the stream
    with ``PortGone`` (as a HID device's interrupt endpoint does).
    """

    def __init__(self) -> None:
        self.status = "OL"
        self.connections: list[asyncio.Queue[str | None]] = []
        self.plugged = True

    def connect(self) -> asyncio.Queue[str | None]:
        if not self.plugged:
            raise PortGone("no such device")
        stream: asyncio.Queue[str | None] = asyncio.Queue()
        self.connections.append(stream)
        return stream

    def change(self, status: str) -> None:
        self.status = status
        if self.connections:
            self.connections[-1].put_nowait(status)

    def unplug(self) -> None:
        self.plugged = False
        if self.connections:
            self.connections[-1].put_nowait(None)


class PushDriver(Driver):
    """Reads the status once at start, then only listens."""

    name = "push-test"
    max_backoff = 0.05

    def __init__(self, device: Device, ups: PushingUps, *, listen_bug: bool = False,
                 pollinterval: float = 3600.0, context: DriverContext | None = None) -> None:
        # by default, after the first poll only the listener updates the device
        super().__init__(device, {"port": "push://", "pollinterval": str(pollinterval)},
                         context=context)
        self.ups = ups
        self.listen_bug = listen_bug
        self.stream: asyncio.Queue[str | None] | None = None
        self.opens = 0
        self.polls = 0
        self.listening = 0
        self.cancelled = 0

    async def open(self) -> None:
        self.stream = self.ups.connect()
        self.opens += 1

    async def initialise(self) -> None:
        self.device.set("ups.model", "Pusher")

    async def poll(self) -> None:
        self.polls += 1
        if not self.ups.plugged:
            raise PortGone("unplugged")
        self.device.set_status([self.ups.status])

    async def listen(self) -> None:
        assert self.stream is not None
        stream = self.stream
        self.listening += 1
        try:
            while True:
                status = await stream.get()
                if status is None:
                    raise PortGone("the device went away")
                if self.listen_bug and status == "BUG":
                    raise KeyError("a bug in the listener")
                self.device.set_status([status])
                self.device.data_ok()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.listening -= 1

    async def close(self) -> None:
        self.stream = None


async def test_pushed_status_changes_reach_the_model_without_polling() -> None:
    ups, dev = PushingUps(), Device("ups")
    drv = PushDriver(dev, ups)
    assert drv.listens
    async with Supervisor([drv]):
        await eventually(lambda: dev.get("ups.status") == "OL" and drv.listening == 1)
        polls = drv.polls

        def shows(status: str) -> Callable[[], bool]:
            return lambda: dev.get("ups.status") == status

        for status in ("OB", "OB LB", "OL CHRG"):
            ups.change(status)
            await eventually(shows(status))
        assert drv.polls == polls == 1
        assert not dev.stale
    assert drv.listening == 0 and drv.cancelled == 1  # stopping the driver ends the listener


async def test_reconnection_cancels_the_listener_and_starts_a_fresh_one() -> None:
    ups, dev = PushingUps(), Device("ups")
    drv = PushDriver(dev, ups, pollinterval=0.05)  # polls notice the unplugged port
    async with Supervisor([drv]):
        await eventually(lambda: drv.listening == 1)
        first = ups.connections[0]
        ups.plugged = False  # the poll fails first: the listener is cancelled, not failed
        await eventually(lambda: drv.cancelled == 1)
        assert drv.listening == 0
        await eventually(lambda: dev.stale)
        ups.plugged = True
        await eventually(lambda: drv.opens == 2 and drv.listening == 1 and not dev.stale)
        ups.change("OB")
        await eventually(lambda: dev.get("ups.status") == "OB")
        assert first.empty() and len(ups.connections) == 2


async def test_a_listener_that_loses_the_device_makes_the_data_stale_and_reconnects() -> None:
    ups, dev = PushingUps(), Device("ups")
    drv = PushDriver(dev, ups)
    async with Supervisor([drv]):
        await eventually(lambda: drv.listening == 1 and not dev.stale)
        ups.unplug()
        await eventually(lambda: dev.stale)
        assert drv.listening == 0 and drv.opens == 1 and drv.cancelled == 0
        ups.plugged = True
        await eventually(lambda: drv.opens == 2 and drv.listening == 1)
        ups.change("OB")
        await eventually(lambda: dev.get("ups.status") == "OB" and not dev.stale)


async def test_a_listener_bug_counts_as_a_lost_connection_not_a_crash() -> None:
    ups, dev = PushingUps(), Device("ups")
    drv = PushDriver(dev, ups, listen_bug=True)
    async with Supervisor([drv]) as supervisor:
        await eventually(lambda: drv.listening == 1)
        task = supervisor._tasks["ups"]
        ups.change("BUG")
        await eventually(lambda: drv.opens == 2 and drv.listening == 1)
        assert not task.done()  # the driver's own loop reconnected; nothing crashed
        ups.change("OB")
        await eventually(lambda: dev.get("ups.status") == "OB")


async def test_removing_a_driver_cancels_and_awaits_its_listener() -> None:
    ups, dev = PushingUps(), Device("ups")
    drv = PushDriver(dev, ups)
    supervisor = Supervisor([drv])
    await supervisor.start()
    try:
        await eventually(lambda: drv.listening == 1)
        await supervisor.remove("ups")
        assert drv.listening == 0 and drv.cancelled == 1 and drv.stream is None
    finally:
        await supervisor.stop()


def test_only_drivers_that_override_listen_listen() -> None:
    assert not PollOnly(Device("a"), {}).listens
    assert PushDriver(Device("b"), PushingUps()).listens


async def test_the_poll_loop_keeps_time_with_the_context_clock() -> None:
    ticks = iter(range(0, 10**9, 10))
    context = DriverContext(clock=lambda: float(next(ticks)))
    ups, dev = PushingUps(), Device("ups")
    # each poll "takes" 10 s on that clock, longer than the interval: no pause
    drv = PushDriver(dev, ups, pollinterval=5.0, context=context)
    async with Supervisor([drv]):
        await eventually(lambda: drv.polls >= 20)

