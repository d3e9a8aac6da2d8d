"""A flood of instant commands never starves the status poll, and the queue is bounded."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time

from tests.support import eventually
from upskit.drivers.base import Driver
from upskit.drivers.supervisor import Supervisor
from upskit.model import CmdResult, Device

#: Seconds one instant command holds the port (a UPS that never answers it).
COMMAND_TIME = 0.2
FLOOD = 500


class SlowCommandDriver(Driver):
    """Polls a simulated mains flag; every instant command takes ``COMMAND_TIME`` on the port."""

    name = "slowcmd"
    default_poll_interval = 0.05

    def __init__(self, device: Device) -> None:
        super().__init__(device, {"port": "sim://slow"})
        self.mains = True
        self.polls: list[float] = []
        self.commands_started = 0
        self.on_port = 0
        self.overlaps = 0

    async def initialise(self) -> None:
        self.device.add_command("beeper.toggle")

    async def poll(self) -> None:
        await self._use_port(0.005)
        self.polls.append(time.monotonic())
        self.device.set_status(["OL" if self.mains else "OB"])

    async def instcmd(self, name: str, param: str | None) -> CmdResult:
        self.commands_started += 1
        await self._use_port(COMMAND_TIME)
        return CmdResult.HANDLED

    async def _use_port(self, seconds: float) -> None:
        self.on_port += 1
        if self.on_port > 1:
            self.overlaps += 1
        try:
            await asyncio.sleep(seconds)
        finally:
            self.on_port -= 1


async def _flood(dev: Device) -> list[asyncio.Task[CmdResult]]:
    tasks = [asyncio.ensure_future(dev.instcmd("beeper.toggle")) for _ in range(FLOOD)]
    await asyncio.sleep(0)
    return tasks


async def _cancel(tasks: list[asyncio.Task[CmdResult]]) -> None:
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_polls_interleave_with_a_command_flood() -> None:
    dev = Device("ups")
    drv = SlowCommandDriver(dev)
    async with Supervisor([drv]):
        await eventually(lambda: dev.get("ups.status") == "OL")
        tasks = await _flood(dev)
        try:
            # the poll keeps its pace: a few commands long at most between two polls
            await eventually(lambda: drv.commands_started >= 6)
            seen = len(drv.polls)
            await eventually(lambda: len(drv.polls) >= seen + 3, timeout=3 * COMMAND_TIME * 4 + 2)
            drv.mains = False
            changed = time.monotonic()
            await eventually(lambda: dev.get("ups.status") == "OB", timeout=5)
            assert time.monotonic() - changed < 4 * COMMAND_TIME + 2
            assert not dev.is_stale(maxage=2.0)
            recent = [t for t in drv.polls if t >= changed - 1.0]
            gaps = [b - a for a, b in itertools.pairwise(recent)]
            assert gaps and max(gaps) < 2 * COMMAND_TIME + 1.0, gaps
            assert drv.overlaps == 0  # one user of the port at a time
        finally:
            await _cancel(tasks)


async def test_commands_beyond_the_bound_fail_at_once(caplog) -> None:
    dev = Device("ups")
    drv = SlowCommandDriver(dev)
    limit = getattr(drv, "command_queue_limit", 16)
    async with Supervisor([drv]):
        await eventually(lambda: dev.get("ups.status") == "OL")
        tasks = await _flood(dev)
        try:
            # refused without waiting for any command: before the first one has finished
            await eventually(lambda: sum(t.done() for t in tasks) >= FLOOD - limit - 1,
                           timeout=COMMAND_TIME * 0.9)
            refused = [t for t in tasks if t.done()]
            assert all(t.result() is CmdResult.FAILED for t in refused)
            # ``limit`` waiting, and one more on the port unless a poll held it
            assert FLOOD - limit - 1 <= len(refused) <= FLOOD - limit
            assert drv.commands_started <= 1
            assert "queue" in caplog.text and "full" in caplog.text
            # the log says so once per burst, not once per refused command
            assert caplog.text.count("full") < 5
        finally:
            await _cancel(tasks)


async def test_cancelled_commands_never_reach_the_port() -> None:
    dev = Device("ups")
    drv = SlowCommandDriver(dev)
    async with Supervisor([drv]):
        await eventually(lambda: dev.get("ups.status") == "OL")
        tasks = await _flood(dev)
        await eventually(lambda: drv.commands_started >= 2)
        running = drv.commands_started
        await _cancel(tasks)
        await asyncio.sleep(COMMAND_TIME * 4)
        # the command already on the wire completes; none of the waiting ones starts
        assert drv.commands_started == running
        assert drv.overlaps == 0
        # the port is free again for new commands and polls
        assert await dev.instcmd("beeper.toggle") is CmdResult.HANDLED
        polls = len(drv.polls)
        await eventually(lambda: len(drv.polls) > polls + 2)


async def test_a_command_on_the_wire_completes_when_its_caller_leaves() -> None:
    dev = Device("ups")
    drv = SlowCommandDriver(dev)
    async with Supervisor([drv]):
        await eventually(lambda: dev.get("ups.status") == "OL")
        task = asyncio.ensure_future(dev.instcmd("beeper.toggle"))
        await eventually(lambda: drv.on_port == 1 and drv.commands_started == 1)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert drv.on_port == 1  # not interrupted mid-exchange
        await eventually(lambda: drv.on_port == 0)
        assert drv.overlaps == 0


async def test_a_stopped_driver_fails_its_queue_and_runs_commands_again_when_restarted() -> None:
    dev = Device("ups")
    drv = SlowCommandDriver(dev)
    supervisor = Supervisor([drv])
    await supervisor.start()
    await eventually(lambda: dev.get("ups.status") == "OL")
    tasks = [asyncio.ensure_future(dev.instcmd("beeper.toggle")) for _ in range(5)]
    await eventually(lambda: drv.commands_started == 1)
    await supervisor.stop()
    # the one on the wire is stopped with the port; nothing queued starts
    assert await asyncio.gather(*tasks) == [CmdResult.FAILED] * 5
    assert drv.commands_started == 1
    await supervisor.start()
    try:
        polls = len(drv.polls)
        await eventually(lambda: len(drv.polls) > polls)
        assert await dev.instcmd("beeper.toggle") is CmdResult.HANDLED
    finally:
        await supervisor.stop()
