"""The cost of one poll, guarded without timing: count the Python calls it makes."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from types import FrameType

from upskit.drivers.qx.driver import QxDriver
from upskit.model import Device


def _calls_per_quick_poll(polls: int) -> Counter[str]:
    calls: Counter[str] = Counter()

    def count(frame: FrameType, event: str, arg: object) -> None:
        if event == "call":
            calls[frame.f_code.co_filename.rsplit("/", 1)[-1]] += 1

    async def run() -> None:
        drv = QxDriver(Device("cost"), {"port": "sim://megatec?id=poll-cost",
                                        "protocol": "megatec", "pollfreq": "1000000"})
        await drv.open()
        try:
            await drv.initialise()
            await drv.poll()
            sys.setprofile(count)
            try:
                for _ in range(polls):
                    await drv.poll()
            finally:
                sys.setprofile(None)
        finally:
            await drv.close()

    asyncio.run(run())
    return Counter({name: n // polls for name, n in calls.items()})


def test_a_quick_update_does_no_enum_arithmetic() -> None:
    calls = _calls_per_quick_poll(20)
    # Flag tests on table rows used to build a new IntFlag each (about 140 per poll);
    # an unchanged variable's immutable flag and the walk mode's hash were the last.
    assert calls["enum.py"] == 0, calls
    # a megatec quick update, simulator included: 120 calls before the rows of a walk
    # were planned once and the status composition remembered, 60 since
    assert sum(calls.values()) < 80, calls
    assert calls["mapping.py"] == calls["status.py"] == 0, calls  # status composed once
