"""Seconds from "low battery" at the device to the shutdown command running.

Compares upskit's monitor with NUT's upsmon on the same data source (NUT's upsd and
dummy-ups serving a .dev file that is rewritten from ``OB`` to ``OB LB``) with the same
FINALDELAY and POLLFREQ, each as the only (primary) monitor.  Also measures upskit's
monitor in-process, reading the Device directly (``upskit run``'s layout).

Needs Debian's NUT binaries and root.  Writes bench/results/shutdown_latency.txt.

    python bench/shutdown_latency.py [--trials 3] [--finaldelay 5] [--pollfreq 5]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import UPSKIT, Processes, free_port, touch_dev_file  # noqa: E402
from upskit.config.settings import MonitorSettings, UpsmonSettings  # noqa: E402
from upskit.model import Device  # noqa: E402
from upskit.monitor import Monitor  # noqa: E402

NUT = Path("/lib/nut")
QUIET = "".join(f"NOTIFYFLAG {t} SYSLOG\n" for t in (
    "ONLINE", "ONBATT", "LOWBATT", "FSD", "COMMOK", "COMMBAD", "SHUTDOWN", "REPLBATT", "NOCOMM"))


def numlogins(port: int) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(b"GET NUMLOGINS dummy\n")
        reply = s.recv(200).decode().split()
    return int(reply[-1]) if reply and reply[0] == "NUMLOGINS" else -1


class Source:
    """A NUT server with one UPS whose status file the bench rewrites.

    ``server="nut"``: Debian's dummy-ups + upsd (dummy-ups re-reads the file once a
    second).  ``server="upskit"``: ``upskit run`` with its dummy driver polling the
    file every 0.1 s.  Both monitors are measured against the same kind of source.
    """

    def __init__(self, base: Path, server: str = "nut") -> None:
        self.dir = base
        self.port = free_port()
        self.env = {"NUT_CONFPATH": str(base), "NUT_STATEPATH": str(base / "state")}
        (base / "state").mkdir(parents=True)
        (base / "nut.conf").write_text("MODE=netserver\n")
        (base / "ups.conf").write_text("[dummy]\n driver = dummy-ups\n port = dummy.dev\n"
                                       " pollinterval = 1\n")
        (base / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {self.port}\n")
        (base / "upsd.users").write_text("[mon]\n password = pw\n upsmon primary\n")
        self.set_status("OL")
        self.children = Processes()
        if server == "upskit":
            (base / "ups.conf").write_text("[dummy]\n driver = dummy-ups\n port = dummy.dev\n"
                                           " pollinterval = 0.1\n")
            self.children.start([*UPSKIT, "run", "--nut-config-dir", str(base), "--no-monitor"],
                                {"PYTHONPATH": str(ROOT)}, base / "server.log")
            time.sleep(2.0)
            return
        self.children.start([str(NUT / "dummy-ups"), "-a", "dummy", "-u", "root", "-F"],
                            self.env, base / "driver.log")
        time.sleep(1.0)
        self.children.start([str(NUT / "upsd"), "-u", "root", "-F"], self.env,
                            base / "upsd.log")
        time.sleep(1.5)

    def set_status(self, status: str) -> float:
        return touch_dev_file(self.dir / "dummy.dev", f"ups.status: {status}\n")

    def close(self) -> None:
        self.children.stop_all()


def upsmon_conf(port: int, done: Path, finaldelay: float, pollfreq: float | None) -> str:
    polling = (f"POLLFREQ {pollfreq:g}\nPOLLFREQALERT {pollfreq:g}\n"
               if pollfreq is not None else "")
    return (f"MONITOR dummy@127.0.0.1:{port} 1 mon pw primary\n"
            f'SHUTDOWNCMD "date +%s.%N > {done}"\nRUN_AS_USER root\n'
            f"{polling}HOSTSYNC 15\nFINALDELAY {finaldelay:g}\n" + QUIET)


def one_network_trial(src: Source, kind: str, work: Path, finaldelay: float,
                      pollfreq: float | None) -> float:
    conf = work / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    done = work / f"{kind}-done"
    done.unlink(missing_ok=True)
    cfg = conf / "upsmon.conf"
    cfg.write_text(upsmon_conf(src.port, done, finaldelay, pollfreq))
    cfg.chmod(0o600)
    src.set_status("OL")
    time.sleep(1.2)
    monitors = Processes()
    if kind == "nut":
        env = {"NUT_CONFPATH": str(conf), "NUT_STATEPATH": str(conf), "NUT_ALTPIDPATH": str(conf)}
        monitors.start([str(NUT / "upsmon"), "-F", "-u", "root"], env, work / "upsmon.log")
    else:
        monitors.start([*UPSKIT, "monitor", "--nut-config-dir", str(conf)],
                       {"PYTHONPATH": str(ROOT)}, work / "upskit.log")
    try:
        deadline = time.monotonic() + 10
        while numlogins(src.port) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        src.set_status("OB")
        # long enough for both monitors to have seen OB (a real battery lasts minutes)
        time.sleep((pollfreq or 5.0) + 1.0 + random.uniform(0, 1.0))
        t0 = src.set_status("OB LB")
        deadline = time.monotonic() + finaldelay + 4 * (pollfreq or 5.0) + 20
        while not done.exists() or not done.read_text().strip():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{kind}: no shutdown command seen")
            time.sleep(0.02)
        return float(done.read_text()) - t0
    finally:
        monitors.stop_all()


async def one_local_trial(work: Path, finaldelay: float, pollfreq: float | None) -> float:
    done = work / "local-done"
    done.unlink(missing_ok=True)
    dev = Device("dummy")
    dev.set_connected(True)
    dev.set_status(["OB"])
    dev.data_ok()
    settings = UpsmonSettings(
        monitors=[MonitorSettings("dummy", "localhost", role="primary")],
        pollfreq=pollfreq or 5.0, pollfreqalert=pollfreq, finaldelay=finaldelay,
        shutdowncmd=f"date +%s.%N > {done}", notifyflag={"LOWBATT": {"IGNORE"}})
    monitor = Monitor(settings, local={"dummy": dev}, numlogins=lambda u: 0, wall=None,
                      syslog=False)
    task = asyncio.create_task(monitor.run())
    await asyncio.sleep(0.5 + random.uniform(0, pollfreq or 5.0))
    t0 = time.time()
    dev.set_status(["OB", "LB"])
    await task
    return float(done.read_text()) - t0


def summary(values: list[float], failed: int = 0) -> str:
    if not values:
        return f"no successful trial ({failed} failed)"
    return (f"{failed} trial(s) without a shutdown within the timeout; " if failed else "") + (f"min {min(values):.2f} s, median {statistics.median(values):.2f} s, "
            f"max {max(values):.2f} s  (n={len(values)}: "
            + ", ".join(f"{v:.2f}" for v in values) + ")")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--finaldelay", type=float, default=5.0)
    parser.add_argument("--pollfreq", type=float, default=None,
                        help="POLLFREQ = POLLFREQALERT for both monitors "
                             "(default: each program's own defaults)")
    parser.add_argument("--server", choices=("nut", "upskit"), default="upskit",
                        help="the data source both monitors watch (default: upskit run)")
    parser.add_argument("--output", default=str(ROOT / "bench/results/shutdown_latency.txt"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if os.geteuid() != 0 or not (NUT / "upsmon").exists():
        print("needs root and NUT's binaries in /lib/nut", file=sys.stderr)
        return 2
    results: dict[str, list[float]] = {"nut": [], "upskit": [], "local": []}
    failures = {"nut": 0, "upskit": 0}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for trial in range(args.trials):
            for kind in ("nut", "upskit"):
                # a fresh upsd and driver each time: the FSD set by a primary is a latch
                src = Source(work / f"src-{kind}-{trial}", args.server)
                try:
                    value = one_network_trial(src, kind, work / f"{kind}-{trial}",
                                              args.finaldelay, args.pollfreq)
                except RuntimeError as exc:
                    print(f"{kind}: trial {trial} failed: {exc}", flush=True)
                    failures[kind] += 1
                    continue
                finally:
                    src.close()
                print(f"{kind}: {value:.2f} s", flush=True)
                results[kind].append(value)
        for _ in range(args.trials):
            value = asyncio.run(one_local_trial(work, args.finaldelay, args.pollfreq))
            print(f"local: {value:.2f} s", flush=True)
            results["local"].append(value)
    nut_version = subprocess.run([str(NUT / "upsmon"), "-h"], capture_output=True, text=True)
    version = nut_version.stdout.splitlines()[0] if nut_version.stdout else "NUT upsmon"
    text = (
        "Shutdown latency: low battery at the device -> SHUTDOWNCMD running\n"
        f"FINALDELAY {args.finaldelay:g} s, "
        + (f"POLLFREQ = POLLFREQALERT {args.pollfreq:g} s, " if args.pollfreq is not None
           else "each monitor with its default polling, ")
        +
        f"{args.trials} trials each, primary monitor alone\n"
        + ("Network cases: NUT's upsd + dummy-ups (pollinterval 1) reading a .dev file "
           if args.server == "nut" else
           "Network cases: upskit run + dummy driver (pollinterval 0.1) reading a .dev file ")
        +
        "rewritten from 'OB' to 'OB LB'\n\n"
        f"{version}:\n  {summary(results['nut'], failures['nut'])}\n"
        f"upskit monitor (network, same server):\n  {summary(results['upskit'], failures['upskit'])}\n"
        f"upskit monitor in-process (Device events):\n  {summary(results['local'])}\n\n"
        "Network latency = driver re-read of the file + wait for the next poll "
        "(<= POLLFREQALERT once on battery) + FINALDELAY;\nin-process latency = FINALDELAY + the time to start "
        "the command.\n"
    )
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
