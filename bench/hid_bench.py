"""HID (usbhid-ups) benchmarks on simulated USB HID Power Devices.

    python bench/hid_bench.py latency [--rounds 10]
    python bench/hid_bench.py cpu [--polls 2000]
    python bench/hid_bench.py memory [--count 100]

``latency``: one process runs the Runtime (usbhid-ups on a simulated APC Back-UPS plus
the NUT server); a client polls ``GET VAR ups.status`` every 20 ms while the bench pulls
and restores the mains at random moments, with the driver's interrupt listener and with
``pollonly``.  ``cpu``: CPU time of a status poll and a full poll against the simulated
unit, with the simulator's own share measured apart.  ``memory``: one ``upskit run``
process serving ``--count`` simulated HID UPSes.  NUT's own usbhid-ups cannot be run for
comparison: it talks to real USB devices through libusb or hidraw, and the simulated
units live inside the Python process on pyusb's simulated backend.  Results print as
Markdown table rows for docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import memory_kb
from tests.support import UPSKIT, cpu_seconds, free_port, wait_until
from upskit.client.aio import AsyncClient
from upskit.config.nutfiles import load_nut_dir
from upskit.drivers.hid.driver import HidDriver
from upskit.model import Device
from upskit.runtime import Runtime
from upskit.sim.usb.hidups import HidUpsDevice
from upskit.sim.usb.ports import forget, usb_bus

MODELS = ("apc-back-ups", "cyberpower", "eaton-ellipse")


# ----------------------------------------------------------------------- latency
async def _status(client: AsyncClient) -> str:
    try:
        return await client.get_var("ups", "ups.status")
    except Exception:
        return ""


async def _latency(rounds: int, extra: str) -> list[float]:
    """Seconds from each mains change at the simulated unit to the client seeing it."""
    key = f"hid-bench-{free_port()}"
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        Path(d, "ups.conf").write_text(
            f"[ups]\n  driver = usbhid-ups\n  port = sim://usb/apc-back-ups?id={key}\n{extra}")
        Path(d, "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
        runtime = Runtime(load_nut_dir(Path(d)))
        await runtime.start()
        samples: list[float] = []
        try:
            async with AsyncClient("127.0.0.1", port, timeout=3) as client:
                deadline = time.monotonic() + 60
                while "OL" not in (await _status(client)).split():
                    if time.monotonic() > deadline:
                        raise TimeoutError("the UPS never came on line")
                    await asyncio.sleep(0.1)
                device = usb_bus(key).device
                assert isinstance(device, HidUpsDevice)
                for i in range(rounds):
                    await asyncio.sleep(random.uniform(0.5, 2.5))
                    want = "OB" if i % 2 == 0 else "OL"
                    start = time.monotonic()
                    device.physics.set_mains(want == "OL")
                    while want not in (await _status(client)).split():
                        await asyncio.sleep(0.02)
                        if time.monotonic() - start > 30:
                            raise TimeoutError("status never changed")
                    samples.append(time.monotonic() - start)
        finally:
            await runtime.stop()
            forget(key)
    return samples


def bench_latency(rounds: int) -> None:
    print("| usbhid-ups (simulated APC Back-UPS) + server | median (s) | min (s) | max (s) "
          "| changes |")
    print("|---|---|---|---|---|")
    for label, extra in (("upskit, interrupt reports + default polling (2 s)", ""),
                         ("upskit, pollonly (2 s polls)", "  pollonly\n")):
        samples = asyncio.run(_latency(rounds, extra))
        print(f"| {label} | {statistics.median(samples):.2f} | {min(samples):.2f} "
              f"| {max(samples):.2f} | {len(samples)} |")


# --------------------------------------------------------------------------- cpu
def _sim_cost(device: HidUpsDevice, report_ids: list[int], polls: int) -> float:
    """CPU seconds the simulated unit spends answering one poll's GET_REPORTs."""
    t0 = time.process_time()
    for _ in range(polls):
        for rid in report_ids:
            device.control_in(0xA1, 0x01, 0x0300 | rid, 0, 64)
    return (time.process_time() - t0) / polls


def _report_ids(drv: HidDriver, full: bool) -> list[int]:
    binding = drv.binding
    assert binding is not None
    feature = binding.feature
    paths = {r.path for r in drv._rows(full=full) if r.path in feature}
    paths |= {rule.path for rule in binding.status if rule.path in feature}
    return sorted({feature[p].report_id for p in paths if p is not None})


async def _cpu(model: str, polls: int) -> dict[str, float]:
    key = f"hid-bench-cpu-{model}"
    drv = HidDriver(Device("bench"), {"port": f"sim://usb/{model}?id={key}",
                                      "pollfreq": "1000000", "pollonly": "yes"})
    await drv.open()
    await drv.initialise()
    device = usb_bus(key).device
    assert isinstance(device, HidUpsDevice)
    quick_ids, full_ids = _report_ids(drv, False), _report_ids(drv, True)
    await drv.poll()
    t0 = time.process_time()
    for _ in range(polls):
        await drv.poll()
    quick = (time.process_time() - t0) / polls
    drv.pollfreq = 0.0  # every poll is now a full update
    t0 = time.process_time()
    for _ in range(polls // 5):
        await drv.poll()
    full = (time.process_time() - t0) / (polls // 5)
    result = {"quick": quick, "full": full, "quick_sim": _sim_cost(device, quick_ids, polls),
              "full_sim": _sim_cost(device, full_ids, polls // 5),
              "quick_reports": len(quick_ids), "full_reports": len(full_ids)}
    await drv.close()
    forget(key)
    return result


def bench_cpu(polls: int) -> None:
    print("| simulated unit | status poll: reports | CPU µs (driver + sim) | of it sim "
          "| full poll: reports | CPU µs (driver + sim) | of it sim |")
    print("|---|---|---|---|---|---|---|")
    for model in MODELS:
        r = asyncio.run(_cpu(model, polls))
        print(f"| {model} | {r['quick_reports']:.0f} | {r['quick'] * 1e6:.0f} "
              f"| {r['quick_sim'] * 1e6:.0f} | {r['full_reports']:.0f} "
              f"| {r['full'] * 1e6:.0f} | {r['full_sim'] * 1e6:.0f} |")


# ------------------------------------------------------------------------ memory
def _ups_conf(count: int, extra: list[str]) -> str:
    lines = []
    for i in range(count):
        model = MODELS[i % len(MODELS)]
        lines += [f"[ups{i}]", "  driver = usbhid-ups",
                  f"  port = sim://usb/{model}?id=bench-mem-{i}", *extra]
    return "\n".join(lines) + "\n"


def _all_online(port: int, count: int) -> bool:
    from upskit.client.sync import Client

    try:
        with Client("127.0.0.1", port, timeout=5) as client:
            return all("OL" in client.get_var(f"ups{i}", "ups.status").split()
                       for i in range(count))
    except Exception:
        return False


def _memory(count: int, extra: list[str]) -> tuple[float, int, int, int, int, float]:
    """Seconds until all are on line, RSS and PSS then and 23 s later (KiB), idle CPU %."""
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        Path(d, "ups.conf").write_text(_ups_conf(count, extra))
        Path(d, "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
        started = time.monotonic()
        proc = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir", d],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: _all_online(port, count), 120, "every HID UPS on line")
            ready = time.monotonic() - started
            rss0, pss0 = memory_kb(proc.pid)
            time.sleep(3)
            cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
            time.sleep(20)
            cpu = (cpu_seconds(proc.pid) - cpu0) / (time.monotonic() - t0) * 100
            rss, pss = memory_kb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(20)
    return ready, rss0, pss0, rss, pss, cpu


def bench_memory(count: int) -> None:
    print(f"| {count} simulated HID UPSes, one process | all on line after (s) "
          "| RSS at start / after 23 s (MiB) | PSS (MiB) | CPU idle (% of one core) |")
    print("|---|---|---|---|---|")
    for label, extra in (("upskit run, interrupt listeners + default polling", []),
                         ("upskit run, pollonly", ["  pollonly"])):
        ready, rss0, pss0, rss, pss, cpu = _memory(count, extra)
        print(f"| {label} | {ready:.1f} | {rss0 / 1024:.1f} / {rss / 1024:.1f} "
              f"| {pss0 / 1024:.1f} / {pss / 1024:.1f} | {cpu:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("latency", "cpu", "memory"))
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--polls", type=int, default=2000)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    if args.what == "latency":
        bench_latency(args.rounds)
    elif args.what == "cpu":
        bench_cpu(args.polls)
    else:
        bench_memory(args.count)


if __name__ == "__main__":
    main()
