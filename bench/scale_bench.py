"""Many UPSes in one process: start-up, RSS, CPU and server GET VAR latency while polling.

For each count (1, 10, 100, 1,000 by default) and each side:

* ``upskit qx-sim``: one ``upskit run`` with N ``nutdrv_qx`` UPSes on in-process
  simulated Megatec units (``sim://megatec``, so the simulators' work is counted too);
* ``upskit dummy``: one ``upskit run`` with N ``dummy-ups`` UPSes, each on a ``.dev`` file;
* ``NUT dummy``: Debian's NUT 2.8.0, N ``dummy-ups`` processes on the same ``.dev``
  files plus ``upsd`` (only up to ``--nut-max`` UPSes: a thousand driver processes
  would take over this shared machine); RSS and CPU summed over all its processes.

Every side reads the same ups.conf with ``pollinterval = 2`` (NUT's default) and
upsd.conf with ``MAXCONN 1024``.  Figures: seconds from the start until the server
answers and until every UPS has data; RSS and CPU (% of one core) over ``--window``
seconds once all have data; then GET VAR latency of the last UPS from one closed-loop
client (bench/nutload.c, compiled here) for ``--probe`` seconds while the polls go on.
A last table times ``upskit run`` start-up at the largest count from ups.conf and from
the same configuration in TOML.  upskit runs as a regular install runs it: its modules
compiled to bytecode first (as pip does at install time) and without
``PYTHONDONTWRITEBYTECODE``, with which every start would compile them from source.

    python bench/scale_bench.py [--counts 1,10,100,1000] [--window 10] [--probe 5]
        [--nut-max 100] [--sides qx-sim,dummy,nut]

Writes bench/results/scale.txt.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import memory_kb  # noqa: E402
from bench.load import DEV  # noqa: E402
from bench.server_bench import build_generator, cpu_seconds  # noqa: E402
from tests.support import UPSKIT, free_port, nut_binary  # noqa: E402

POLLINTERVAL = 2


def ups_conf(kind: str, count: int, tmp: Path) -> str:
    lines = [f"pollinterval = {POLLINTERVAL}"]
    for i in range(count):
        if kind == "qx-sim":
            lines += [f"[ups{i}]", "  driver = nutdrv_qx", f"  port = sim://megatec?id=scale{i}",
                      "  protocol = megatec"]
        else:
            dev = tmp / f"ups{i}.dev"
            if not dev.exists():
                dev.write_text(DEV)
            lines += [f"[ups{i}]", "  driver = dummy-ups", f"  port = {dev.name}"]
    return "\n".join(lines) + "\n"


def toml_conf(kind: str, count: int, tmp: Path, port: int) -> str:
    lines = ['[server]', f'listen = ["127.0.0.1:{port}"]', "maxconn = 1024", "",
             "[drivers]", f"pollinterval = {POLLINTERVAL}", ""]
    for i in range(count):
        lines.append(f"[ups.ups{i}]")
        if kind == "qx-sim":
            lines += ['driver = "nutdrv_qx"', f'port = "sim://megatec?id=scale{i}"',
                      'protocol = "megatec"']
        else:
            lines += ['driver = "dummy-ups"', f'port = "{tmp / f"ups{i}.dev"}"']
        lines.append("")
    return "\n".join(lines)


def _ask(port: int, lines: list[str], timeout: float = 10.0) -> list[str]:
    from upskit.client.sync import Client

    with Client("127.0.0.1", port, timeout=timeout) as client:
        return [client.get_var(f"ups{i}", "ups.status") for i in range(len(lines))]


def _listening(port: int) -> bool:
    import socket

    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
        s.sendall(b"NETVER\n")
        return s.recv(64).startswith(b"1.")
    return False


def _all_have_data(port: int, count: int) -> bool:
    from upskit.client.sync import Client

    try:
        with Client("127.0.0.1", port, timeout=10) as client:
            for i in (count - 1, *range(count - 1)):
                if not client.get_var(f"ups{i}", "ups.status"):
                    return False
    except Exception:
        return False
    return True


def wait_started(port: int, count: int, started: float,
                 timeout: float = 300) -> tuple[float, float]:
    """(seconds until the server answers, seconds until every UPS has data)."""
    while not _listening(port):
        if time.monotonic() - started > timeout:
            raise SystemExit(f"the server on port {port} did not start")
        time.sleep(0.01)
    listening = time.monotonic() - started
    while not _all_have_data(port, count):
        if time.monotonic() - started > timeout:
            raise SystemExit("not every UPS got data")
        time.sleep(0.05)
    return listening, time.monotonic() - started


def _private(tmp: Path) -> list[str]:
    """Options that keep a bench's ``upskit run`` off the machine's shared paths."""
    return ["--no-monitor", "--control-socket", str(tmp / "ctl.sock")]


@contextlib.contextmanager
def upskit_run(argv: list[str]) -> Iterator[subprocess.Popen[bytes]]:
    log = open(Path(argv[-1]).parent / "upskit.log", "wb")  # noqa: SIM115
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen([*UPSKIT, "run", *argv], stdout=log, stderr=subprocess.STDOUT,
                            cwd=ROOT, env=env)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _nut_env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "NUT_CONFPATH": str(tmp), "NUT_STATEPATH": str(tmp)}


@contextlib.contextmanager
def nut_run(tmp: Path, count: int, port: int) -> Iterator[Path]:
    upsd, driver = nut_binary("upsd"), nut_binary("dummy-ups")
    if not upsd or not driver:
        raise SystemExit("Debian's nut-server is needed for the NUT side")
    (tmp / "upsd.users").write_text("")
    env = _nut_env(tmp)
    try:
        for i in range(count):
            subprocess.run([driver, "-a", f"ups{i}", "-u", "root"], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        subprocess.run([upsd, "-u", "root"], env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
        yield tmp
    finally:
        for pidfile in tmp.glob("*.pid"):
            with contextlib.suppress(ValueError, ProcessLookupError):
                os.kill(int(pidfile.read_text().strip()), 15)
        time.sleep(1)


def measure(pids: list[int], window: float) -> tuple[float, float]:
    """(RSS MiB summed, CPU % of one core summed) over ``window`` seconds."""
    cpu0, t0 = sum(cpu_seconds(p) for p in pids), time.monotonic()
    time.sleep(window)
    cpu = (sum(cpu_seconds(p) for p in pids) - cpu0) / (time.monotonic() - t0) * 100
    rss = sum(memory_kb(p)[0] for p in pids) / 1024
    return rss, cpu


def probe(exe: Path, port: int, count: int, seconds: float) -> dict[str, float]:
    out = subprocess.run([str(exe), "127.0.0.1", str(port), "1", str(seconds),
                          f"GET VAR ups{count - 1} ups.status"], capture_output=True, text=True,
                         check=True, timeout=seconds + 60)
    return {k: float(v) for k, v in (p.split("=") for p in out.stdout.split())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", default="1,10,100,1000")
    parser.add_argument("--sides", default="qx-sim,dummy,nut")
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--probe", type=float, default=5.0)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--nut-max", type=int, default=100)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "scale.txt"))
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(65536, hard), hard))
    compileall.compile_dir(str(ROOT / "upskit"), quiet=1)
    counts = [int(n) for n in args.counts.split(",") if n]
    sides = [s.strip() for s in args.sides.split(",") if s.strip()]
    lines = [f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, pollinterval = "
             f"{POLLINTERVAL} on every side, CPU over {args.window:g} s after {args.settle:g} s "
             f"of settling, GET VAR probe {args.probe:g} s (one closed-loop client)", "",
             "| side | UPSes | processes | answering after (s) | all data after (s) | "
             "RSS (MiB) | CPU (% of one core) | GET VAR p50 / p99 (µs) |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    with tempfile.TemporaryDirectory() as gen_dir:
        exe = build_generator(Path(gen_dir))
        for count in counts:
            for side in sides:
                if side == "nut" and count > args.nut_max:
                    continue
                with tempfile.TemporaryDirectory() as d:
                    tmp = Path(d)
                    port = free_port()
                    kind = "qx-sim" if side == "qx-sim" else "dummy"
                    (tmp / "ups.conf").write_text(ups_conf(kind, count, tmp))
                    (tmp / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\nMAXCONN 1024\n")
                    started = time.monotonic()
                    if side == "nut":
                        context: contextlib.AbstractContextManager[object] = \
                            nut_run(tmp, count, port)
                    else:
                        context = upskit_run(["--nut-config-dir", d, *_private(tmp)])
                    with context as running:
                        answering, ready = wait_started(port, count, started)
                        pids = ([int(p.read_text().strip()) for p in tmp.glob("*.pid")]
                                if isinstance(running, Path)
                                else [running.pid])  # type: ignore[attr-defined]
                        time.sleep(args.settle)
                        rss, cpu = measure(pids, args.window)
                        lat = probe(exe, port, count, args.probe)
                    label = {"qx-sim": "upskit nutdrv_qx on sim://megatec",
                             "dummy": "upskit dummy-ups", "nut": "NUT 2.8.0 dummy-ups + upsd"}
                    lines.append(f"| {label[side]} | {count:,} | {len(pids)} | {answering:.2f} "
                                 f"| {ready:.2f} | {rss:.1f} | {cpu:.1f} | "
                                 f"{lat['p50_us']:.0f} / {lat['p99_us']:.0f} |")
                    print(lines[-1], flush=True)
        largest = max(counts)
        lines += ["", f"`upskit run` start-up with {largest:,} UPSes (dummy-ups), until the "
                  "server answers / until every UPS has data:", "",
                  "| configuration | answering after (s) | all data after (s) |",
                  "|---|---:|---:|"]
        for form in ("ups.conf", "TOML"):
            with tempfile.TemporaryDirectory() as d:
                tmp = Path(d)
                port = free_port()
                (tmp / "ups.conf").write_text(ups_conf("dummy", largest, tmp))
                (tmp / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\nMAXCONN 1024\n")
                (tmp / "upskit.toml").write_text(toml_conf("dummy", largest, tmp, port))
                argv = (["--nut-config-dir", d] if form == "ups.conf"
                        else ["--config", str(tmp / "upskit.toml")]) + _private(tmp)
                started = time.monotonic()
                with upskit_run(argv):
                    answering, ready = wait_started(port, largest, started)
                lines.append(f"| {form} | {answering:.2f} | {ready:.2f} |")
                print(lines[-1], flush=True)
    text = "\n".join(lines)
    print(text)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
