"""Requests per second of the NUT network server, upskit against NUT's upsd, and upskit's RSS.

Both servers publish the same .dev data: upsd through Debian's dummy-ups, upskit from
a Device loaded with the same ``var: value`` lines.  N clients (1, 10, 100 by default)
each run ``GET VAR`` or ``LIST VAR`` in a closed loop over loopback for a few seconds;
the load generator runs in its own process, the same for both servers.

Needs Debian's NUT (upsd, dummy-ups) and root for the upsd side; without them only
upskit is measured.  Writes bench/results/load.txt.

    python bench/load.py [--seconds 3] [--clients 1,10,100]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEV = """\
battery.charge: 100
battery.charge.low: 20
battery.runtime: 2280
battery.type: PbAc
battery.voltage: 27.2
battery.voltage.nominal: 24.0
device.mfr: Acme Power
device.model: Smart 1500
device.serial: AP123456789
device.type: ups
input.frequency: 50.0
input.transfer.high: 264
input.transfer.low: 170
input.voltage: 230.4
input.voltage.nominal: 230
output.frequency: 50.0
output.voltage: 230.4
output.voltage.nominal: 230
ups.beeper.status: enabled
ups.delay.shutdown: 20
ups.delay.start: 30
ups.firmware: 01.02
ups.load: 23
ups.mfr: Acme Power
ups.model: Smart 1500
ups.power.nominal: 1500
ups.productid: 0001
ups.realpower.nominal: 900
ups.serial: AP123456789
ups.status: OL CHRG
ups.temperature: 31.5
ups.test.result: Done and passed
ups.type: line-interactive
ups.vendorid: 0665
"""

UPS = "bench"


# ---------------------------------------------------------------- upskit side
def serve(dev_path: str) -> None:
    """Child process: serve one UPS loaded from ``dev_path``; print the port; run until stdin EOF."""
    from upskit.config.settings import Listen, UpsdSettings
    from upskit.model import Device, DeviceRegistry
    from upskit.server import NutServer

    async def main() -> None:
        device = Device(UPS, desc="benchmark UPS")
        for line in Path(dev_path).read_text().splitlines():
            name, sep, value = line.partition(":")
            if sep and not line.startswith("#"):
                device.set(name.strip(), value.strip())
        device.set_connected(True)
        device.data_ok()

        async def keep_fresh() -> None:
            while True:
                device.data_ok()
                await asyncio.sleep(1)

        registry = DeviceRegistry()
        registry.add(device)
        server = NutServer(registry, UpsdSettings(listen=[Listen("127.0.0.1", 0)]), {})
        await server.start()
        print(server.ports[0][1], flush=True)
        fresh = asyncio.create_task(keep_fresh())
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
        fresh.cancel()
        await server.stop()

    asyncio.run(main())


# ------------------------------------------------------------ load generator
async def client_loop(port: int, request: bytes, end: bytes, stop_at: float) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = 0
    try:
        while time.monotonic() < stop_at:
            writer.write(request)
            await reader.readuntil(end)
            done += 1
    finally:
        writer.close()
    return done


async def measure(port: int, clients: int, kind: str, seconds: float) -> float:
    if kind == "GET VAR":
        request, end = f"GET VAR {UPS} ups.status\n".encode(), b"\n"
    else:
        request, end = f"LIST VAR {UPS}\n".encode(), f"END LIST VAR {UPS}\n".encode()
    start = time.monotonic()
    counts = await asyncio.gather(*(client_loop(port, request, end, start + seconds)
                                    for _ in range(clients)))
    return sum(counts) / (time.monotonic() - start)


def run_generator(port: int, clients: int, kind: str, seconds: float) -> float:
    """Run the load in a separate process so it never shares an interpreter with a server."""
    out = subprocess.run(
        [sys.executable, __file__, "--generate", str(port), str(clients), kind, str(seconds)],
        capture_output=True, text=True, check=True,
    )
    return float(out.stdout.strip())


Results = dict[tuple[str, int], tuple[float, float]]


def bench_server(port: int, client_counts: list[int], seconds: float) -> Results:
    """(requests per second, server CPU microseconds per request) per request kind and N."""
    from bench._common import pid_listening
    from tests.support import cpu_seconds

    pid = pid_listening(port)
    results = {}
    for kind in ("GET VAR", "LIST VAR"):
        for n in client_counts:
            cpu0 = cpu_seconds(pid) if pid else 0.0
            rate = run_generator(port, n, kind, seconds)
            cpu = (cpu_seconds(pid) - cpu0) if pid else float("nan")
            results[(kind, n)] = (rate, cpu / (rate * seconds) * 1e6)
    return results


# ---------------------------------------------------------------------- main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", default="1,10,100")
    parser.add_argument("--serve", metavar="DEV", help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    if args.generate:
        port, clients, kind, seconds = args.generate
        print(asyncio.run(measure(int(port), int(clients), kind, float(seconds))))
        return 0

    from tests.support import rss_kb  # not in the measured --serve child

    counts = [int(n) for n in args.clients.split(",")]
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        dev = Path(tmp) / "bench.dev"
        dev.write_text(DEV)
        child = subprocess.Popen([sys.executable, __file__, "--serve", str(dev)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None
            port = int(child.stdout.readline())
            time.sleep(0.5)
            rss_idle = rss_kb(child.pid)
            ours = bench_server(port, counts, args.seconds)
            rss_loaded = rss_kb(child.pid)
        finally:
            if child.stdin:
                child.stdin.close()
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

        theirs: Results | None = None
        from tests.nutreal import NUT_AVAILABLE, nut_server

        if NUT_AVAILABLE:
            with nut_server(Path(tmp), {UPS: DEV}) as nut:
                theirs = bench_server(nut.port, counts, args.seconds)

    lines.append(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
                 f"{args.seconds:g} s per run, loopback, generator in its own process")
    lines.append("")
    lines.append("| request | clients | upskit req/s | NUT upsd req/s | upskit / upsd "
                 "| upskit CPU µs/req | upsd CPU µs/req |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for kind in ("GET VAR", "LIST VAR"):
        for n in counts:
            mine, mine_cpu = ours[(kind, n)]
            if theirs is None:
                lines.append(f"| {kind} | {n} | {mine:,.0f} | n/a | n/a | {mine_cpu:.1f} | n/a |")
            else:
                other, other_cpu = theirs[(kind, n)]
                lines.append(f"| {kind} | {n} | {mine:,.0f} | {other:,.0f} | "
                             f"{mine / other:.2f} | {mine_cpu:.1f} | {other_cpu:.1f} |")
    lines.append("")
    lines.append(f"upskit server process, one UPS: RSS {rss_idle / 1024:.1f} MB idle, "
                 f"{rss_loaded / 1024:.1f} MB after the runs")
    text = "\n".join(lines)
    print(text)
    out = ROOT / "bench" / "results" / "load.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
