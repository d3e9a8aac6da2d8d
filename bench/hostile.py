"""The NUT server under hostile clients: upskit (``upskit run``) against NUT's upsd + dummy-ups.

Both servers read the same ups.conf / upsd.conf / upsd.users (one dummy-ups UPS with the
34 variables of bench/load.py) and face the same attacks, one server at a time:

* ``pipeline``: N clients (150) each send ``LIST VAR`` requests as fast as the server
  takes them and never read a reply.  Reported: the server's resident memory before,
  at its peak and after the clients left; how many clients the server dropped and
  after how long; how long a fresh ``GET VAR`` took in the middle of the attack.
* ``descriptors``: the server starts with a soft and hard open files limit of 1,024
  and MAXCONN 1024; 1,030 clients connect and stay idle, then 10,000 more connect
  (500 at a time, without waiting) and close 0.2 s later.  Reported: the server's CPU use and log growth while that goes
  on, and whether a fresh client is served afterwards.

Needs root and Debian's NUT for the upsd side (without them only upskit is measured).
Writes bench/results/hostile.txt.

    python bench/hostile.py [--clients 150] [--seconds 40] [--only pipeline|descriptors]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import DEV, UPS  # noqa: E402
from tests.support import (  # noqa: E402
    UPSKIT,
    ask,
    cpu_seconds,
    free_port,
    nut_binary,
    rss_kb,
    stop,
    wait_served,
)

#: Connection attempts started together (non-blocking) in the descriptor flood.
_BATCH = 500
USERS = "[admin]\n  password = secret\n  actions = SET\n  instcmds = ALL\n"


@dataclass
class Server:
    """One running server: its listening port, the process to measure, its log file."""

    name: str
    port: int
    pid: int
    log: Path
    processes: list[subprocess.Popen[bytes]]


def write_config(root: Path, port: int, upsd_extra: str = "") -> None:
    root.mkdir(parents=True, exist_ok=True)
    root.chmod(0o750)
    (root / f"{UPS}.dev").write_text(DEV)
    (root / "ups.conf").write_text(f"[{UPS}]\n  driver = dummy-ups\n  port = {UPS}.dev\n")
    (root / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n{upsd_extra}")
    (root / "upsd.users").write_text(USERS)
    for name in ("ups.conf", "upsd.conf", "upsd.users"):
        (root / name).chmod(0o640)


def serving(port: int) -> None:
    """Wait until the server on ``port`` answers with the UPS's status."""
    wait_served(port, f"GET VAR {UPS} ups.status", lambda reply: reply.startswith("VAR "))


def limit_descriptors(limit: int | None) -> Callable[[], None] | None:
    if limit is None:
        return None

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    return apply


#: Where ``python -m upskit`` is run from (``--upskit-path``: compare another checkout).
UPSKIT_PATH = ROOT


@contextlib.contextmanager
def upskit_server(tmp: Path, upsd_extra: str = "", nofile: int | None = None) -> Iterator[Server]:
    port = free_port()
    root = tmp / "upskit"
    write_config(root, port, upsd_extra)
    log = root / "upskit.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*UPSKIT, "run", "--nut-config-dir", str(root),
             "--no-monitor", "--control-socket", str(root / "ctl.sock")],
            cwd=UPSKIT_PATH, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=limit_descriptors(nofile),
            env=dict(os.environ, PYTHONPATH=str(UPSKIT_PATH)),
        )
    try:
        serving(port)
        yield Server("upskit", port, proc.pid, log, [proc])
    finally:
        stop(proc)


@contextlib.contextmanager
def upsd_server(tmp: Path, upsd_extra: str = "", nofile: int | None = None) -> Iterator[Server]:
    upsd, dummy = nut_binary("upsd"), nut_binary("dummy-ups")
    assert upsd is not None and dummy is not None
    port = free_port()
    root = tmp / "upsd"
    write_config(root, port, upsd_extra)
    env = dict(os.environ, NUT_CONFPATH=str(root), NUT_STATEPATH=str(root),
               NUT_ALTPIDPATH=str(root))
    log = root / "upsd.log"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with open(root / "dummy-ups.log", "wb") as out:
            procs.append(subprocess.Popen([dummy, "-a", UPS, "-u", "root", "-F"], env=env,
                                          stdout=out, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL))
        end = time.monotonic() + 15
        while not (root / f"dummy-ups-{UPS}").exists() and time.monotonic() < end:
            time.sleep(0.05)
        with open(log, "wb") as out:
            procs.append(subprocess.Popen([upsd, "-u", "root", "-F"], env=env, stdout=out,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          preexec_fn=limit_descriptors(nofile)))
        serving(port)
        yield Server("upsd", port, procs[-1].pid, log, procs)
    finally:
        for proc in reversed(procs):
            stop(proc)


# --------------------------------------------------------------- pipelining
def pipeline(server: Server, clients: int, seconds: float) -> str:
    """Non-reading clients that pipeline LIST VAR; one table row."""
    time.sleep(1.0)
    before = peak = rss_kb(server.pid)
    request = f"LIST VAR {UPS}\n".encode() * 4096
    socks = []
    for _ in range(clients):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", server.port))
        sock.setblocking(False)
        socks.append(sock)
    start, cpu_before = time.monotonic(), cpu_seconds(server.pid)
    dropped_at: dict[int, float] = {}
    fresh: float | None = None
    while time.monotonic() - start < seconds:
        for i, sock in enumerate(socks):
            if i in dropped_at:
                continue
            try:
                sock.send(request)
            except BlockingIOError:
                pass
            except OSError:
                dropped_at[i] = time.monotonic() - start
        peak = max(peak, rss_kb(server.pid))
        if fresh is None and time.monotonic() - start > seconds / 4:
            t0 = time.monotonic()
            try:
                ask(server.port, f"GET VAR {UPS} ups.status", 10.0)
                fresh = time.monotonic() - t0
            except OSError:
                fresh = -1.0
        time.sleep(0.2)
    cpu = cpu_seconds(server.pid) - cpu_before
    for sock in socks:
        sock.close()
    time.sleep(3.0)
    after = rss_kb(server.pid)
    if dropped_at:
        times = sorted(dropped_at.values())
        drops = f"{len(times)} of {clients}, after {times[0]:.0f} to {times[-1]:.0f} s"
    else:
        drops = f"0 of {clients}"
    if fresh is None:
        fresh_text = "n/a"
    else:
        fresh_text = "no answer within 10 s" if fresh < 0 else f"{fresh * 1000:.0f} ms"
    return (f"| {server.name} | {before / 1024:.1f} | {peak / 1024:.1f} | {after / 1024:.1f} "
            f"| {drops} | {fresh_text} | {cpu:.1f} |")


# ------------------------------------------------------------- descriptors
def descriptors(server: Server, idle: int, attempts: int) -> str:
    """Idle connections beyond the descriptor limit, then a connect/close flood; one row."""
    held: list[socket.socket] = []
    log_before = server.log.stat().st_size
    cpu_before, start = cpu_seconds(server.pid), time.monotonic()
    for _ in range(idle):
        sock = socket.socket()
        sock.settimeout(5)
        try:
            sock.connect(("127.0.0.1", server.port))
        except OSError:
            sock.close()
            continue
        held.append(sock)
    for first in range(0, attempts, _BATCH):
        batch = []
        for _ in range(min(_BATCH, attempts - first)):
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex(("127.0.0.1", server.port))
            batch.append(sock)
        time.sleep(0.2)
        for sock in batch:
            sock.close()
    time.sleep(5.0)
    elapsed = time.monotonic() - start
    cpu = cpu_seconds(server.pid) - cpu_before
    grown = server.log.stat().st_size - log_before
    for sock in held:
        sock.close()
    served = "no"
    end = time.monotonic() + 30
    while time.monotonic() < end:
        with contextlib.suppress(OSError):
            if ask(server.port, f"GET VAR {UPS} ups.status", 2.0).startswith("VAR "):
                served = f"yes, {time.monotonic() - (end - 30):.1f} s after the flood"
                break
        time.sleep(0.2)
    return (f"| {server.name} | {idle:,} + {attempts:,} | {elapsed:.0f} | {cpu:.2f} "
            f"({cpu / elapsed:.0%}) | {grown:,} | {served} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=150)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--idle", type=int, default=1030)
    parser.add_argument("--attempts", type=int, default=10000)
    parser.add_argument("--only", choices=("pipeline", "descriptors"))
    parser.add_argument("--no-upsd", action="store_true", help="measure upskit only")
    parser.add_argument("--upskit-path", type=Path, help="run upskit from this checkout")
    args = parser.parse_args()
    global UPSKIT_PATH
    if args.upskit_path:
        UPSKIT_PATH = args.upskit_path.resolve()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.idle + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.idle + 1000), hard))

    from tests.nutreal import NUT_AVAILABLE

    kinds = [upskit_server] + ([upsd_server] if NUT_AVAILABLE and not args.no_upsd else [])
    lines = [f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, loopback; "
             "both servers read the same configuration files", ""]
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "pipeline"):
            lines += [f"pipeline: {args.clients} clients pipeline LIST VAR for "
                      f"{args.seconds:g} s and never read", "",
                      "| server | RSS before (MB) | RSS peak (MB) | RSS after (MB) "
                      "| clients dropped | fresh GET VAR during the attack | server CPU (s) |",
                      "|---|---:|---:|---:|---|---:|---:|"]
            for start in kinds:
                with start(Path(tmp) / "p") as server:
                    lines.append(pipeline(server, args.clients, args.seconds))
                    print(lines[-1], flush=True)
            lines.append("")
        if args.only in (None, "descriptors"):
            lines += ["descriptors: open files limit 1,024 (soft and hard), MAXCONN 1024", "",
                      "| server | idle + connect/close | seconds | server CPU s (share) | log growth "
                      "(bytes) | fresh client served |",
                      "|---|---:|---:|---:|---:|---|"]
            for start in kinds:
                with start(Path(tmp) / "d", "MAXCONN 1024\n", 1024) as server:
                    lines.append(descriptors(server, args.idle, args.attempts))
                    print(lines[-1], flush=True)
    text = "\n".join(lines)
    print(text)
    if args.upskit_path or args.no_upsd or args.only:
        return 0  # a partial or comparison run does not replace the recorded results
    out = ROOT / "bench" / "results" / "hostile.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
