"""Q* driver benchmarks: CPU per poll, protocol detection time, memory for many UPSes.

    python bench/qx_bench.py cpu
    python bench/qx_bench.py detect [--nut]
    python bench/qx_bench.py memory [--count 100] [--nut]
    python bench/qx_bench.py many [--count 1000] [--idle] [--window 10]

``many`` runs ``--count`` Q* drivers on sim://megatec (or, with ``--idle``, drivers whose
poll does nothing: the poll loop alone) under one Supervisor in this process at
pollinterval 2, and prints CPU (% of one core) and CPU per poll over ``--window``
seconds, simulators included.

``--nut`` runs Debian's nutdrv_qx (and upsd) on the same simulated devices for
comparison; it needs root and the nut-server package.  Results are printed as
Markdown table rows for docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import memory_kb, start_pty_farm
from tests.support import UPSKIT, cpu_seconds, free_port, nut_binary, wait_until
from upskit.drivers.base import Driver
from upskit.drivers.context import DriverContext
from upskit.drivers.qx.driver import QxDriver
from upskit.drivers.supervisor import Supervisor
from upskit.model import Device
from upskit.sim.device import SimDevice
from upskit.sim.pty import PtyServer


# --------------------------------------------------------------------------- cpu
async def _cpu(dialect: str, polls: int) -> tuple[float, float, float]:
    dev = Device("bench")
    url = f"sim://{dialect}?id=bench-cpu-{dialect}"
    drv = QxDriver(dev, {"port": url, "protocol": dialect, "pollfreq": "1000000"})
    await drv.open()
    await drv.initialise()
    from upskit.sim.ports import get_or_create

    sim = get_or_create(url)
    # the simulator's own cost per Q1 reply, subtracted below
    t0 = time.process_time()
    for _ in range(polls):
        sim.respond(b"Q1\r")
    sim_cost = (time.process_time() - t0) / polls
    t0 = time.process_time()
    for _ in range(polls):
        await drv.poll()
    quick = (time.process_time() - t0) / polls - sim_cost
    drv.pollfreq = 0.0  # every poll is now a full update
    t0 = time.process_time()
    for _ in range(polls // 10):
        await drv.poll()
    full = (time.process_time() - t0) / (polls // 10)
    await drv.close()
    return quick, full, sim_cost


def bench_cpu() -> None:
    print("| dialect | quick update (CPU µs) | full update incl. simulator (CPU µs) |")
    print("|---|---|---|")
    for dialect in ("megatec", "q1", "mustek"):
        quick, full, _ = asyncio.run(_cpu(dialect, 5000))
        print(f"| {dialect} | {quick * 1e6:.0f} | {full * 1e6:.0f} |")


# ------------------------------------------------------------------------ detect
async def _detect_upskit(path: str) -> float:
    dev = Device("bench")
    drv = QxDriver(dev, {"port": path})
    start = time.monotonic()
    await drv.open()
    await drv.initialise()
    elapsed = time.monotonic() - start
    await drv.close()
    return elapsed


def _nut_env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "NUT_CONFPATH": str(tmp), "NUT_STATEPATH": str(tmp)}


def _detect_nut(path: str, tmp: Path) -> float:
    exe = nut_binary("nutdrv_qx")
    assert exe, "nutdrv_qx not found"
    (tmp / "ups.conf").write_text(f"[b]\n  driver = nutdrv_qx\n  port = {path}\n")
    start = time.monotonic()
    # without -F the driver forks into the background once it has initialised
    subprocess.run([exe, "-a", "b", "-u", "root"], env=_nut_env(tmp), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    elapsed = time.monotonic() - start
    _kill_pidfiles(tmp)
    return elapsed


def _kill_pidfiles(tmp: Path) -> None:
    for pidfile in tmp.glob("*.pid"):
        with contextlib.suppress(ValueError, ProcessLookupError):
            os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)


def bench_detect(with_nut: bool) -> None:
    print("| device (2400 baud pty) | upskit auto-detect (s) | NUT nutdrv_qx start-up (s) |")
    print("|---|---|---|")
    for dialect in ("megatec", "mustek", "zinto", "q1"):
        with PtyServer(SimDevice(dialect), baud=2400) as pty:
            ours = asyncio.run(_detect_upskit(pty.path))
        theirs = "-"
        if with_nut:
            with PtyServer(SimDevice(dialect), baud=2400) as pty, \
                    tempfile.TemporaryDirectory() as d:
                try:
                    theirs = f"{_detect_nut(pty.path, Path(d)):.1f}"
                except (subprocess.SubprocessError, AssertionError) as exc:
                    theirs = f"failed ({exc.__class__.__name__})"
        print(f"| {dialect} | {ours:.2f} | {theirs} |")


# ------------------------------------------------------------------------ memory
def _ups_conf(paths: list[str], pollinterval: str | None) -> str:
    lines = [f"pollinterval = {pollinterval}"] if pollinterval else []
    for i, path in enumerate(paths):
        lines += [f"[ups{i}]", "  driver = nutdrv_qx", f"  port = {path}",
                  "  protocol = megatec"]
    return "\n".join(lines) + "\n"


def _all_have_data(port: int, count: int) -> bool:
    from upskit.client.sync import Client

    try:
        with Client("127.0.0.1", port, timeout=5) as client:
            for i in range(count):
                if not client.get_var(f"ups{i}", "ups.status"):
                    return False
    except Exception:
        return False
    return True


def _memory_upskit(paths: list[str], pollinterval: str | None) -> tuple[int, int, float]:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        port = free_port()
        (tmp / "ups.conf").write_text(_ups_conf(paths, pollinterval))
        (tmp / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
        proc = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir", d],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: _all_have_data(port, len(paths)), 120, "upskit data")
            time.sleep(3)
            cpu0, t0 = cpu_seconds(proc.pid), time.monotonic()
            time.sleep(10)
            cpu = (cpu_seconds(proc.pid) - cpu0) / (time.monotonic() - t0) * 100
            rss, pss = memory_kb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(10)
    return rss, pss, cpu


def _memory_nut(paths: list[str]) -> tuple[int, int, float, int]:
    upsd, drv = nut_binary("upsd"), nut_binary("nutdrv_qx")
    assert upsd and drv
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        port = free_port()
        (tmp / "ups.conf").write_text(_ups_conf(paths, None))
        (tmp / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\nMAXCONN 2048\n")
        (tmp / "upsd.users").write_text("")
        env = _nut_env(tmp)
        try:
            for i in range(len(paths)):
                subprocess.run([drv, "-a", f"ups{i}", "-u", "root"], env=env, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
            subprocess.run([upsd, "-u", "root"], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
            wait_until(lambda: _all_have_data(port, len(paths)), 120, "NUT data")
            time.sleep(3)
            pids = [int(p.read_text().strip()) for p in tmp.glob("*.pid")]
            cpu0, t0 = sum(cpu_seconds(p) for p in pids), time.monotonic()
            time.sleep(10)
            cpu = (sum(cpu_seconds(p) for p in pids) - cpu0) / (time.monotonic() - t0) * 100
            rss = pss = 0
            for pid in pids:
                r, p = memory_kb(pid)
                rss += r
                pss += p
        finally:
            _kill_pidfiles(tmp)
            time.sleep(1)
    return rss, pss, cpu, len(pids)


def bench_memory(count: int, with_nut: bool) -> None:
    farm, paths = start_pty_farm(count)
    try:
        print(f"| {count} Q* UPSes on ptys (2400 baud) | processes | RSS (MiB) | PSS (MiB) "
              "| CPU (% of one core) |")
        print("|---|---|---|---|---|")
        for label, interval in (("upskit, default polling", None),
                                ("upskit, pollinterval = 2", "2")):
            rss, pss, cpu = _memory_upskit(paths, interval)
            print(f"| {label} | 1 | {rss / 1024:.1f} | {pss / 1024:.1f} | {cpu:.1f} |")
        if with_nut:
            rss, pss, cpu, procs = _memory_nut(paths)
            print(f"| NUT 2.8.0 nutdrv_qx x{count} + upsd | {procs} | {rss / 1024:.1f} "
                  f"| {pss / 1024:.1f} | {cpu:.1f} |")
    finally:
        assert farm.stdin is not None
        farm.stdin.close()
        farm.wait(10)


# -------------------------------------------------------------------------- many
class _IdleDriver(Driver):
    """A driver whose poll does nothing: what the poll loop alone costs."""

    name = "idle"

    async def initialise(self) -> None:
        self.device.set_status(["OL"])

    async def poll(self) -> None:
        pass


async def _many(count: int, idle: bool, window: float, settle: float) -> tuple[float, float]:
    context = DriverContext()
    drivers: list[Driver] = [
        _IdleDriver(Device(f"ups{n}"), {"pollinterval": "2"}, context=context) if idle
        else QxDriver(Device(f"ups{n}"), {"port": f"sim://megatec?id=many{n}",
                                          "protocol": "megatec", "pollinterval": "2"},
                      context=context)
        for n in range(count)]
    async with Supervisor(drivers):
        while not all(d.polls_done for d in drivers):
            await asyncio.sleep(0.1)
        await asyncio.sleep(settle)
        polls, cpu = sum(d.polls_done for d in drivers), time.process_time()
        started = time.monotonic()
        await asyncio.sleep(window)
        cpu = time.process_time() - cpu
        polls = sum(d.polls_done for d in drivers) - polls
        return cpu / (time.monotonic() - started) * 100, cpu / polls * 1e6


def bench_many(count: int, idle: bool, window: float) -> None:
    share, per_poll = asyncio.run(_many(count, idle, window, 5.0))
    what = "idle drivers (the poll loop alone)" if idle else "Q* UPSes on sim://megatec"
    print(f"| {count:,} {what}, pollinterval 2 | {share:.1f} | {per_poll:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("cpu", "detect", "memory", "many"))
    parser.add_argument("--nut", action="store_true", help="compare with Debian's NUT")
    parser.add_argument("--count", type=int, default=None,
                        help="UPSes (memory: 100, many: 1,000)")
    parser.add_argument("--idle", action="store_true", help="many: drivers that do nothing")
    parser.add_argument("--window", type=float, default=10.0, help="many: seconds measured")
    args = parser.parse_args()
    if args.what == "cpu":
        bench_cpu()
    elif args.what == "many":
        bench_many(args.count or 1000, args.idle, args.window)
    elif args.what == "detect":
        bench_detect(args.nut)
    else:
        bench_memory(args.count or 100, args.nut)


if __name__ == "__main__":
    main()
