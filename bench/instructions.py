"""Instructions per request of each server, counted by valgrind's callgrind.

A shared, busy machine makes wall-clock and even CPU-time figures swing by tens of
per cent; instruction counts hardly move.  Each server runs under callgrind; the
counters are zeroed once it is up, ``nutload`` runs CLIENTS closed-loop connections
for SECONDS, the counters are dumped, and the count is divided by the requests
answered.  Under valgrind every server runs some 50 times slower, so the server is
the limit and each wake-up of its loop finds as many requests as there are clients:
compare servers at the same client count, not this figure with unprofiled runs.

    python bench/instructions.py [--clients 10,100] [--seconds 5]
        [--servers upskit,upskit-python,upskit-python-uvloop,upsd]
        [--request 'GET VAR bench ups.status']

upskit is ``bench/server_bench.py --serve`` (one UPS, 34 variables) with its
connections on the native fast path; ``upskit-python`` serves them from Python
sessions (``UPSKIT_FASTPATH=0``), on asyncio's loop or uvloop; upsd is Debian's
NUT 2.8.0 with dummy-ups on the same data (its driver is not counted).  Writes
bench/results/instructions.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import DEV, UPS  # noqa: E402
from bench.server_bench import build_generator, upskit_server  # noqa: E402


def _callgrind(out: Path) -> list[str]:
    return ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}/cg.%p.out"]


def upskit_under_callgrind(tmp: Path, dev: Path, loop: str,
                           path: str) -> contextlib.AbstractContextManager[tuple[int, int]]:
    return upskit_server(dev, loop, wrapper=_callgrind(tmp), grace=60, path=path)


@contextlib.contextmanager
def upsd_under_callgrind(tmp: Path) -> Iterator[tuple[int, int] | None]:
    import tests.nutreal as nutreal
    from bench._common import pid_listening

    if not nutreal.NUT_AVAILABLE or nutreal.UPSD is None:
        yield None
        return
    wrapper = tmp / "upsd-under-callgrind"
    wrapper.write_text("#!/bin/sh\nexec " + " ".join(_callgrind(tmp)) + f" {nutreal.UPSD} \"$@\"\n")
    wrapper.chmod(0o755)
    real, nutreal.UPSD = nutreal.UPSD, str(wrapper)
    try:
        with nutreal.nut_server(tmp, {UPS: DEV}, ready_timeout=60) as nut:
            pid = pid_listening(nut.port)
            assert pid is not None
            yield nut.port, pid
    finally:
        nutreal.UPSD = real


def count(exe: Path, tmp: Path, port: int, pid: int, clients: int, seconds: float,
          request: str) -> tuple[float, int]:
    """(instructions per request, requests) over one nutload run."""
    for old in tmp.glob(f"cg.{pid}.out*"):
        old.unlink()
    subprocess.run(["callgrind_control", "-z", str(pid)], check=True, capture_output=True)
    out = subprocess.run([str(exe), "127.0.0.1", str(port), str(clients), str(seconds), request],
                         capture_output=True, text=True, check=True, timeout=seconds + 300)
    subprocess.run(["callgrind_control", "-d", str(pid)], check=True, capture_output=True)
    requests = int(dict(p.split("=") for p in out.stdout.split())["requests"])
    deadline = time.monotonic() + 30
    total = 0
    while not total and time.monotonic() < deadline:
        for dump in tmp.glob(f"cg.{pid}.out.*"):
            for line in dump.read_text(errors="replace").splitlines():
                if line.startswith("summary:"):
                    total = int(line.split()[1])
        time.sleep(0.2)
    return total / max(1, requests), requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default="10,100")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--servers", default="upskit,upskit-python,upskit-python-uvloop,upsd")
    parser.add_argument("--request", default=f"GET VAR {UPS} ups.status")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "instructions.txt"))
    args = parser.parse_args()
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        raise SystemExit("valgrind (callgrind) is needed")
    counts = [int(n) for n in args.clients.split(",") if n]
    lines = [f"callgrind, {args.seconds:g} s per run, request {args.request!r}, "
             f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}", "",
             "| server | clients | instructions per request | requests counted |",
             "|---|---:|---:|---:|"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        exe = build_generator(tmp)
        dev = tmp / "bench.dev"
        dev.write_text(DEV)
        for server in [s.strip() for s in args.servers.split(",") if s.strip()]:
            if server == "upsd":
                context = upsd_under_callgrind(tmp)
            else:
                loop = "uvloop" if server.endswith("uvloop") else "asyncio"
                path = "python" if "-python" in server else "native"
                context = upskit_under_callgrind(tmp, dev, loop, path)
            with context as running:
                if running is None:
                    lines.append(f"| {server} | - | not available | - |")
                    continue
                time.sleep(2.0)
                for n in counts:
                    per, requests = count(exe, tmp, running[0], running[1], n, args.seconds,
                                          args.request)
                    lines.append(f"| {server} | {n:,} | {per:,.0f} | {requests:,} |")
                    print(lines[-1], flush=True)
    text = "\n".join(lines)
    print(text)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
