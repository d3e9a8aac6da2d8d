"""Start-up cost of ``upskit get`` / ``upskit list`` as whole processes, against
``python -c pass`` and NUT's ``upsc``.

Each program runs ``--runs`` times, the programs taking turns, against one server
(upskit's, from ``bench/server_bench.py --serve``).  The figures are CPU time (user +
system of the child, from ``wait4``), which a busy machine disturbs far less than
wall time; the wall-clock median is given too.  upskit runs the way a regular
(non-editable) install runs it: ``python -c 'from upskit.cli.main import main; ...'``
with the source directory on ``PYTHONPATH``, no editable-install finder.

    python bench/startup_bench.py [--runs 30]

Writes bench/results/startup.txt.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import DEV, UPS  # noqa: E402

ENTRY = "import sys; from upskit.cli.main import main; sys.exit(main())"


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``argv``."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv} exited with {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "startup.txt"))
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        dev = Path(tmp) / "bench.dev"
        dev.write_text(DEV)
        server = subprocess.Popen([sys.executable, str(ROOT / "bench" / "server_bench.py"),
                                   "--serve", str(dev)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            where = f"{UPS}@127.0.0.1:{port}"
            programs: dict[str, list[str]] = {
                "python -c pass": [sys.executable, "-c", "pass"],
                f"upskit get {UPS} ups.status": [sys.executable, "-c", ENTRY, "get", where,
                                                 "ups.status"],
                "upskit list (upsc -l)": [sys.executable, "-c", ENTRY, "list",
                                          f"127.0.0.1:{port}"],
            }
            upsc = shutil.which("upsc")
            if upsc:
                programs[f"upsc {UPS} ups.status"] = [upsc, where, "ups.status"]
            results: dict[str, list[tuple[float, float]]] = {name: [] for name in programs}
            for argv in programs.values():
                measure(argv, env)  # warm the page cache
            for _ in range(args.runs):
                for name, argv in programs.items():
                    results[name].append(measure(argv, env))
        finally:
            if server.stdin:
                server.stdin.close()
            server.wait(timeout=10)
    base = statistics.median(cpu for cpu, _ in results["python -c pass"])
    lines = [f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.runs} runs each, "
             "programs taking turns; CPU = user + system of the whole process", "",
             "| program | CPU ms (median) | CPU / python -c pass | wall ms (median) |",
             "|---|---:|---:|---:|"]
    for name, rows in results.items():
        cpu = statistics.median(c for c, _ in rows)
        wall = statistics.median(w for _, w in rows)
        lines.append(f"| {name} | {cpu * 1e3:.1f} | {cpu / base:.2f} | {wall * 1e3:.1f} |")
    text = "\n".join(lines)
    print(text)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
