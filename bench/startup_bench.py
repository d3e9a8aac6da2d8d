"""Start-up cost of ``upskit get`` / ``upskit list`` as whole processes, against
``python -c pass`` and NUT's ``upsc``.

Each program runs ``--runs`` times, the programs taking turns, against one server
(upskit's, from ``bench/server_bench.py --serve``).  The figures are CPU time (user +
system of the child, from ``wait4``), which a busy machine disturbs far less than
wall time; the wall-clock median is given too.

Both Python programs run the way a regular (non-editable) install runs them: in a
fresh virtual environment (no ``.pth`` files, so no editable-install finder that would
load re, pathlib and more into ``python -c pass`` itself), with a copy of the ``upskit``
package compiled to bytecode as pip compiles it at install time, on ``PYTHONPATH``, and
``PYTHONDONTWRITEBYTECODE`` dropped from the environment (with it set and no bytecode,
every run would compile upskit from source).  upskit is started as
``python -c 'from upskit.cli.main import main; ...'``, what its console script does.

    python bench/startup_bench.py [--runs 30]

Writes bench/results/startup.txt.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
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


def regular_install(tmp: Path) -> tuple[str, dict[str, str]]:
    """A clean interpreter and an environment that finds a compiled copy of upskit."""
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    site = tmp / "site"
    shutil.copytree(ROOT / "upskit", site / "upskit",
                    ignore=shutil.ignore_patterns("__pycache__"))
    if not compileall.compile_dir(site / "upskit", quiet=1):
        raise SystemExit("upskit does not compile")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME")}
    env["PYTHONPATH"] = str(site)
    return str(env_dir / "bin" / "python"), env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "startup.txt"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        python, env = regular_install(Path(tmp))
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
                "python -c pass": [python, "-c", "pass"],
                f"upskit get {UPS} ups.status": [python, "-c", ENTRY, "get", where,
                                                 "ups.status"],
                "upskit list (upsc -l)": [python, "-c", ENTRY, "list", f"127.0.0.1:{port}"],
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
             "programs taking turns; CPU = user + system of the whole process; a fresh "
             "venv, upskit compiled to bytecode (a regular install)", "",
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
