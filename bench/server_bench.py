"""upskit's NUT server against Debian's upsd, driven by a C load generator (bench/nutload.c).

The generator is compiled here with gcc; it is one thread on epoll and prints its own
CPU time, so every row says whether the generator (its share of a core) or a server
was the limit.  Both servers get the same settings: one UPS with the 34 variables of
``bench/load.py``, ``MAXCONN 8192``, the open files limit raised to 65,536, loopback.
upskit runs in its own process (``--serve``), with asyncio's default loop or uvloop
(``--loop``), its plain-TCP connections on the native fast path (the default) or on
Python sessions (``--path python``).  ``--rate R`` paces the generator to R requests
per second in all, so that both servers are compared at the same rate with the
generator well under half a core; without it each connection sends its next request
as soon as its reply is in (closed loop).  Each (request, clients) cell runs upskit and upsd one after the other,
alternating which goes first, ``--rounds`` times; the table gives the median of each
and the ratio of the medians.  Server CPU is the server process's own user + system
time over the run (upsd without its driver: dummy-ups does nothing per request).

    python bench/server_bench.py [--seconds 3] [--clients 1,10,100,1000,5000]
        [--rounds 2] [--loop asyncio|uvloop] [--path native|python] [--rate R]
        [--connections 1000,5000] [--no-nut]

Writes bench/results/server.txt.  Needs root and Debian's nut-server for the upsd
column.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import memory_kb  # noqa: E402
from bench.load import DEV, UPS  # noqa: E402

MAXCONN = 8192
OPEN_FILES = 65536


def build_generator(out_dir: Path) -> Path:
    """Compile bench/nutload.c (gcc -O2) into ``out_dir``."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        raise SystemExit("gcc is needed to build bench/nutload.c")
    exe = out_dir / "nutload"
    subprocess.run([gcc, "-O2", "-Wall", "-o", str(exe), str(ROOT / "bench" / "nutload.c")],
                   check=True)
    return exe


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ servers
def serve(dev_path: str, loop: str) -> None:
    """Child process: one UPS from ``dev_path``, MAXCONN 8192; print the port; run until
    standard input closes."""
    import asyncio

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
        registry = DeviceRegistry()
        registry.add(device)
        settings = UpsdSettings(listen=[Listen("127.0.0.1", 0)], maxconn=MAXCONN)
        server = NutServer(registry, settings, {})
        await server.start()
        print(server.ports[0][1], flush=True)
        running = asyncio.get_running_loop()
        done = running.create_future()
        running.add_reader(sys.stdin.fileno(), lambda: done.done() or done.set_result(None))
        while not done.done():
            device.data_ok()
            await asyncio.wait([done], timeout=1.0)
        await server.stop()

    if loop == "uvloop":
        import uvloop

        uvloop.run(main())
    else:
        asyncio.run(main())


@contextlib.contextmanager
def upskit_server(dev: Path, loop: str, wrapper: Sequence[str] = (),
                  grace: float = 10, path: str = "native") -> Iterator[tuple[int, int]]:
    """``(port, pid)`` of this script serving ``dev`` in a child process (run under
    ``wrapper``, e.g. valgrind); closing its standard input stops it.  ``path`` is
    "native" (the fast path) or "python" (sessions on the event loop)."""
    env = dict(os.environ, UPSKIT_FASTPATH="1" if path == "native" else "0")
    child = subprocess.Popen([*wrapper, sys.executable, __file__, "--serve", str(dev),
                              "--loop", loop], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL if wrapper else None, text=True, env=env)
    try:
        assert child.stdout is not None
        yield int(child.stdout.readline()), child.pid
    finally:
        if child.stdin:
            child.stdin.close()
        try:
            child.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@contextlib.contextmanager
def nut_upsd(tmp: Path) -> Iterator[tuple[int, int] | None]:
    from bench._common import pid_listening
    from tests.nutreal import NUT_AVAILABLE, nut_server

    if not NUT_AVAILABLE:
        yield None
        return
    with nut_server(tmp, {UPS: DEV}, upsd_conf=f"MAXCONN {MAXCONN}\n") as nut:
        pid = pid_listening(nut.port)
        assert pid is not None
        yield nut.port, pid


# ------------------------------------------------------------------ running load
def run_load(exe: Path, port: int, pid: int, clients: int, seconds: float,
             request: str, rate: float = 0.0) -> dict[str, float]:
    cpu0 = cpu_seconds(pid)
    pacing = ["--rate", str(rate)] if rate > 0 else []
    out = subprocess.run([str(exe), *pacing, "127.0.0.1", str(port), str(clients), str(seconds),
                          request],
                         capture_output=True, text=True, timeout=seconds + 120, check=True)
    server_cpu = cpu_seconds(pid) - cpu0
    found = dict(pair.split("=") for pair in out.stdout.split())
    result = {key: float(value) for key, value in found.items()}
    result["server_cpu_us_per_req"] = server_cpu / max(1.0, result["requests"]) * 1e6
    result["server_core_share"] = server_cpu / result["seconds"]
    return result


def run_connect(exe: Path, port: int, pid: int, clients: int, request: str) -> dict[str, float]:
    rss_before, _ = memory_kb(pid)
    out = subprocess.run([str(exe), "--connect", "127.0.0.1", str(port), str(clients), request],
                         capture_output=True, text=True, timeout=300, check=False)
    found = dict(pair.split("=") for pair in out.stdout.split())
    result = {key: float(value) for key, value in found.items()}
    if out.returncode != 0 or "seconds" not in result:
        print(f"nutload --connect {clients}: {out.stderr.strip()}", file=sys.stderr)
        result["seconds"] = float("nan")
    time.sleep(2.0)  # let the server see every close
    rss_after, _ = memory_kb(pid)
    result["rss_before_mb"] = rss_before / 1024
    result["rss_after_mb"] = rss_after / 1024
    return result


def _median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", default="1,10,100,1000,5000")
    parser.add_argument("--requests", default="GET VAR,LIST VAR")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", default="1000,5000")
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    parser.add_argument("--path", choices=("native", "python"), default="native")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="requests per second in all (default: closed loop, unpaced)")
    parser.add_argument("--no-nut", action="store_true")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "server.txt"))
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.loop)
        return 0

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(OPEN_FILES, hard), hard))
    counts = [int(n) for n in args.clients.split(",") if n]
    kinds = [k.strip() for k in args.requests.split(",") if k.strip()]
    conns = [int(n) for n in args.connections.split(",") if n]
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        exe = build_generator(tmp)
        dev = tmp / "bench.dev"
        dev.write_text(DEV)
        with upskit_server(dev, args.loop, path=args.path) as ours, \
                (contextlib.nullcontext(None) if args.no_nut else nut_upsd(tmp)) as theirs:
            time.sleep(1.0)
            rss_idle = memory_kb(ours[1])[0] / 1024
            lines.append(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
                         f"upskit on {args.loop} ({args.path} connections), {args.seconds:g} s "
                         f"per run, {args.rounds} round(s) alternating, MAXCONN {MAXCONN} on "
                         f"both, loopback, "
                         + (f"load paced to {args.rate:,.0f} req/s" if args.rate > 0
                            else "closed loop (unpaced)"))
            lines.append("")
            lines.append("| request | clients | upskit req/s | upsd req/s | upskit / upsd | "
                         "upskit CPU µs/req | upsd CPU µs/req | upskit p50 µs | upsd p50 µs | "
                         "generator core share (upskit / upsd runs) |")
            lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
            for kind in kinds:
                request = f"{kind} {UPS} ups.status" if kind == "GET VAR" else f"{kind} {UPS}"
                for n in counts:
                    mine: list[dict[str, float]] = []
                    other: list[dict[str, float]] = []
                    for round_ in range(args.rounds):
                        order = [(ours, mine), (theirs, other)]
                        if round_ % 2:
                            order.reverse()
                        for server, rows in order:
                            if server is not None:
                                rows.append(run_load(exe, server[0], server[1], n,
                                                     args.seconds, request, args.rate))
                    a = _median(mine, "rate")
                    if other:
                        b = _median(other, "rate")
                        lines.append(
                            f"| {kind} | {n:,} | {a:,.0f} | {b:,.0f} | {a / b:.2f} | "
                            f"{_median(mine, 'server_cpu_us_per_req'):.1f} | "
                            f"{_median(other, 'server_cpu_us_per_req'):.1f} | "
                            f"{_median(mine, 'p50_us'):.0f} | {_median(other, 'p50_us'):.0f} | "
                            f"{_median(mine, 'generator_core_share'):.2f} / "
                            f"{_median(other, 'generator_core_share'):.2f} |")
                    else:
                        lines.append(
                            f"| {kind} | {n:,} | {a:,.0f} | n/a | n/a | "
                            f"{_median(mine, 'server_cpu_us_per_req'):.1f} | n/a | "
                            f"{_median(mine, 'p50_us'):.0f} | n/a | "
                            f"{_median(mine, 'generator_core_share'):.2f} / n/a |")
                    print(lines[-1], flush=True)
            lines.append("")
            lines.append("| connections opened, answered once, held, then closed | upskit "
                         "seconds | upsd seconds | upskit RSS before / after close (MB) | "
                         "upsd RSS before / after (MB) |")
            lines.append("|---|---:|---:|---|---|")
            for n in conns:
                request = f"GET VAR {UPS} ups.status"
                a_row = run_connect(exe, ours[0], ours[1], n, request)
                b_row = run_connect(exe, theirs[0], theirs[1], n, request) if theirs else None
                b_secs = f"{b_row['seconds']:.2f}" if b_row else "n/a"
                b_rss = (f"{b_row['rss_before_mb']:.1f} / {b_row['rss_after_mb']:.1f}"
                         if b_row else "n/a")
                lines.append(f"| {n:,} | {a_row['seconds']:.2f} | {b_secs} | "
                             f"{a_row['rss_before_mb']:.1f} / {a_row['rss_after_mb']:.1f} | "
                             f"{b_rss} |")
                print(lines[-1], flush=True)
            rss_end = memory_kb(ours[1])[0] / 1024
            lines.append("")
            lines.append(f"upskit server process: RSS {rss_idle:.1f} MB idle at start, "
                         f"{rss_end:.1f} MB at the end")
    text = "\n".join(lines)
    print(text)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
