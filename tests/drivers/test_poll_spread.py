"""The drivers of one process spread their polls over the poll interval."""

from __future__ import annotations

import asyncio

import pytest

from tests.support import eventually
from upskit.drivers import base
from upskit.drivers.base import Driver
from upskit.drivers.context import DriverContext
from upskit.drivers.scheduler import POLL_SLOTS, PollPhases
from upskit.drivers.supervisor import Supervisor
from upskit.model import Device


def test_phases_cover_the_interval_evenly() -> None:
    phases = PollPhases()
    taken = [phases.next() for _ in range(1000)]
    assert taken[0] == 0.0
    assert all(0.0 <= phase < 1.0 for phase in taken)
    assert all((phase * POLL_SLOTS).is_integer() for phase in taken)
    assert len(set(taken[:10])) == 10  # a few drivers each get a slot of their own
    for count in (100, 1000):
        slots = [0] * POLL_SLOTS
        for phase in taken[:count]:
            slots[int(phase * POLL_SLOTS)] += 1
        # every slot of the interval holds about its share of the drivers
        share = count / POLL_SLOTS
        assert max(slots) <= share + 2 and min(slots) >= share - 2, slots


class _Recorder(Driver):
    """Records the loop time of each poll."""

    name = "recorder"
    default_poll_interval = 1.0

    def __init__(self, device: Device, context: DriverContext) -> None:
        super().__init__(device, {"port": "sim://x"}, context=context)
        self.polled: list[float] = []

    async def initialise(self) -> None:
        self.device.set_status(["OL"])

    async def poll(self) -> None:
        self.polled.append(asyncio.get_running_loop().time())


async def test_drivers_started_together_do_not_poll_together() -> None:
    context = DriverContext()
    drivers = [_Recorder(Device(f"ups{n}"), context) for n in range(20)]
    assert len({d.poll_phase for d in drivers}) == POLL_SLOTS
    async with Supervisor(drivers):
        await eventually(lambda: all(len(d.polled) >= 2 for d in drivers), 30)
    firsts = sorted(d.polled[0] for d in drivers)
    seconds = sorted(d.polled[1] - firsts[0] for d in drivers)
    # the first polls come right after initialisation, all together; without a phase
    # every second poll would follow one interval later, again all together.  A phase
    # only shortens a wait that is already timed, so load cannot shrink this spread.
    assert seconds[-1] - seconds[0] >= 0.5, seconds
    assert all(later - first <= 1.0 + 3.0 for later, first in
               ((d.polled[1], d.polled[0]) for d in drivers))
    lone = _Recorder(Device("lone"), DriverContext())
    assert lone.poll_phase == 0.0  # a driver alone in its process keeps whole intervals


async def test_the_first_poll_still_comes_right_after_initialisation() -> None:
    context = DriverContext()
    context.service(PollPhases).next()  # the next driver gets a phase above a half
    drv = _Recorder(Device("ups"), context)
    drv.options.pollinterval = 60.0
    assert drv.poll_phase > 0.5
    async with Supervisor([drv]):
        await eventually(lambda: drv.polled, 30)  # not 33 s later
        assert len(drv.polled) == 1


async def test_the_drivers_of_one_slot_stay_together(monkeypatch: pytest.MonkeyPatch) -> None:
    # Polls are timed from their slot, not from when they ran: a driver that polled late
    # (after the others of its pass) must not drift into a slot of its own, or a thousand
    # drivers end up on a thousand timers and as many wake-ups of the loop per interval.
    timers: list[float] = []
    wait = base._PollTicks.wait

    def counting(self: base._PollTicks, loop: asyncio.AbstractEventLoop,
                 when: float) -> asyncio.Future[None]:
        if when not in self._due:
            timers.append(when)
        return wait(self, loop, when)

    monkeypatch.setattr(base._PollTicks, "wait", counting)
    context = DriverContext()
    interval = 0.4
    drivers = [_Recorder(Device(f"ups{n}"), context) for n in range(200)]
    for drv in drivers:
        drv.options.pollinterval = interval
    async with Supervisor(drivers):
        await eventually(lambda: all(len(d.polled) >= 2 for d in drivers), 30)
        marks = [len(d.polled) for d in drivers]
        timers.clear()
        await eventually(lambda: all(len(d.polled) >= m + 6 for d, m in
                                     zip(drivers, marks, strict=True)), 30)
        polls = sum(len(d.polled) - m for d, m in zip(drivers, marks, strict=True))
    # stopped drivers leave no waiter behind (nothing keeps a closed loop alive)
    assert base._ticks(asyncio.get_running_loop()).pending() == 0
    # one timer per slot whatever the count of drivers (a few more for the intervals
    # that began while the last drivers caught up), never one per poll
    assert polls >= 200 * 6
    assert len(timers) <= POLL_SLOTS * 8, (len(timers), polls)
    assert len(set(timers)) == len(timers)
