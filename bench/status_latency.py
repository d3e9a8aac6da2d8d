"""Seconds from a status change at the UPS to a client seeing it, upskit vs NUT.

A simulated Megatec UPS on a 2400-baud pty; the driver (upskit's, or Debian's
nutdrv_qx + upsd) reads it; a client polls ``GET VAR ups.status`` every 20 ms while
the bench pulls and restores the mains.  Prints the median and range.

    python bench/status_latency.py [--rounds 20] [--nut]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import UPSKIT, free_port, nut_binary, wait_until
from upskit.client.sync import Client
from upskit.sim.device import SimDevice
from upskit.sim.pty import PtyServer


def _status(port: int) -> str:
    try:
        with Client("127.0.0.1", port, timeout=2) as client:
            return client.get_var("ups", "ups.status")
    except Exception:
        return ""


def measure(port: int, sim: SimDevice, rounds: int) -> list[float]:
    samples: list[float] = []
    with Client("127.0.0.1", port, timeout=2) as client:
        for i in range(rounds):
            time.sleep(random.uniform(0.5, 1.5))
            want = "OB" if i % 2 == 0 else "OL"
            start = time.monotonic()
            sim.mains(want == "OL")
            while want not in client.get_var("ups", "ups.status").split():
                time.sleep(0.02)
                if time.monotonic() - start > 30:
                    raise TimeoutError("status never changed")
            samples.append(time.monotonic() - start)
    return samples


def run_upskit(path: str, sim: SimDevice, rounds: int) -> list[float]:
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        Path(d, "ups.conf").write_text(
            f"[ups]\n  driver = nutdrv_qx\n  port = {path}\n  protocol = megatec\n")
        Path(d, "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
        proc = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir", d],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until(lambda: _status(port) == "OL", 60, "upskit")
            return measure(port, sim, rounds)
        finally:
            proc.terminate()
            proc.wait(10)


def run_nut(path: str, sim: SimDevice, rounds: int) -> list[float]:
    upsd, drv = nut_binary("upsd"), nut_binary("nutdrv_qx")
    assert upsd and drv, "Debian's NUT is not installed"
    with tempfile.TemporaryDirectory() as d:
        port = free_port()
        env = {**os.environ, "NUT_CONFPATH": d, "NUT_STATEPATH": d}
        Path(d, "ups.conf").write_text(
            f"[ups]\n  driver = nutdrv_qx\n  port = {path}\n  protocol = megatec\n")
        Path(d, "upsd.conf").write_text(f"LISTEN 127.0.0.1 {port}\n")
        Path(d, "upsd.users").write_text("")
        procs = [subprocess.Popen([drv, "-a", "ups", "-u", "root", "-F"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        try:
            time.sleep(2)
            procs.append(subprocess.Popen([upsd, "-u", "root", "-F"], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_until(lambda: _status(port) == "OL", 60, "NUT")
            return measure(port, sim, rounds)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(10)


def report(label: str, samples: list[float]) -> None:
    print(f"| {label} | {statistics.median(samples):.2f} | {min(samples):.2f} "
          f"| {max(samples):.2f} | {len(samples)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--nut", action="store_true")
    args = parser.parse_args()
    print("| driver + server | median (s) | min (s) | max (s) | changes |")
    print("|---|---|---|---|---|")
    sim = SimDevice("megatec")
    with PtyServer(sim, baud=2400) as pty:
        report("upskit (default polling)", run_upskit(pty.path, sim, args.rounds))
    if args.nut:
        sim = SimDevice("megatec")
        with PtyServer(sim, baud=2400) as pty:
            report("NUT 2.8.0 nutdrv_qx + upsd", run_nut(pty.path, sim, args.rounds))


if __name__ == "__main__":
    main()
