"""How often each of many serial UPSes is polled when one process drives them all.

N simulated Megatec UPSes on N 2400-baud ptys (served by a separate simulator process,
``bench/_ptyfarm.py``); one asyncio loop in this process runs N ``QxDriver``s with the
default polling.  Prints, once every driver has data, the polls per UPS per second, the
median and worst gap between two polls of one UPS (how old a status change can get
before the driver reads it), the threads this process used and its CPU.

    python bench/serial_rate.py [--count 100] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import start_pty_farm
from upskit.drivers.qx.driver import QxDriver
from upskit.model import Device


class _Counted(QxDriver):
    """A QxDriver that notes when each poll finished."""

    def __init__(self, device: Device, options: dict[str, str]) -> None:
        super().__init__(device, options)
        self.finished: list[float] = []

    async def poll(self) -> None:
        await super().poll()
        self.finished.append(time.monotonic())


async def _measure(paths: list[str], seconds: float) -> dict[str, float]:
    drivers = [_Counted(Device(f"ups{i}"), {"port": p, "protocol": "megatec"})
               for i, p in enumerate(paths)]
    tasks = [asyncio.create_task(d.run()) for d in drivers]
    threads = threading.active_count()
    try:
        deadline = time.monotonic() + 120
        while not all(d.finished for d in drivers):
            if time.monotonic() > deadline:
                raise TimeoutError("not every driver got data within 120 s")
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        start, cpu0 = time.monotonic(), time.process_time()
        await asyncio.sleep(seconds)
        end, cpu = time.monotonic(), time.process_time() - cpu0
        threads = max(threads, threading.active_count())
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    gaps: list[float] = []
    polls = 0
    for d in drivers:
        inside = [t for t in d.finished if start <= t <= end]
        polls += len(inside)
        gaps += [b - a for a, b in itertools.pairwise(inside)]
    return {
        "rate": polls / len(drivers) / (end - start),
        "median_gap": statistics.median(gaps) if gaps else float("inf"),
        "max_gap": max(gaps) if gaps else float("inf"),
        "threads": float(threads),
        "cpu": cpu / (end - start) * 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    farm, paths = start_pty_farm(args.count)
    try:
        result = asyncio.run(_measure(paths, args.seconds))
    finally:
        assert farm.stdin is not None
        farm.stdin.close()
        farm.wait(30)
    print(f"| {args.count} Q* UPSes on 2400-baud ptys | polls per UPS per second "
          "| median gap (s) | worst gap (s) | threads | CPU (% of one core) |")
    print("|---|---|---|---|---|---|")
    print(f"| upskit | {result['rate']:.2f} | {result['median_gap']:.2f} "
          f"| {result['max_gap']:.2f} | {result['threads']:.0f} | {result['cpu']:.0f} |")


if __name__ == "__main__":
    main()
