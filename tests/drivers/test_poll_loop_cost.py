"""The cost of the poll loop itself (wake-up, port claim, pause), guarded without timing:
count the Python calls it makes per poll of drivers whose poll does nothing."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from types import FrameType

from tests.support import eventually
from upskit.drivers.base import Driver
from upskit.drivers.context import DriverContext
from upskit.drivers.supervisor import Supervisor
from upskit.model import Device


class _Idle(Driver):
    name = "idle"

    async def initialise(self) -> None:
        self.device.set_status(["OL"])

    async def poll(self) -> None:
        pass


async def test_the_poll_loop_costs_few_calls_per_poll() -> None:
    context = DriverContext()
    drivers = [_Idle(Device(f"ups{n}"), {"pollinterval": "0.2"}, context=context)
               for n in range(100)]
    calls: Counter[str] = Counter()

    def count(frame: FrameType, event: str, arg: object) -> None:
        if event == "call":
            calls[f"{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_code.co_name}"] += 1

    async with Supervisor(drivers):
        await eventually(lambda: all(d.polls_done >= 3 for d in drivers), 30)
        before = sum(d.polls_done for d in drivers)
        sys.setprofile(count)
        try:
            await asyncio.sleep(1.0)
        finally:
            sys.setprofile(None)
        polls = sum(d.polls_done for d in drivers) - before
    assert polls >= 300, polls  # five intervals of a hundred drivers: none skipped
    # A timer per poll (its heap compared in Python), an async-with claim and a pause
    # coroutine made 54 calls per poll; one timer per slot and a plain claim about 26.
    per_poll = sum(calls.values()) / polls
    assert per_poll < 34, (per_poll, calls.most_common(12))
    # timers in the loop's heap: a timer per poll compared about 8 times per poll
    assert calls["events.py:__lt__"] < polls * 1.5, calls.most_common(12)
