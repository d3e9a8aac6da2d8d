"""SNMP polling at scale: one upskit process against N simulated SNMP cards, and the same
N cards read by N Debian ``snmp-ups`` processes.

    python bench/snmp_bench.py [--count 1000] [--nut-count 100] [--window 65]
                               [--mib ietf]

The cards are upskit's simulated agents (``upskit simulate snmp MIB --count N``): one
process, one UDP port, one community per card (``bench1`` .. ``benchN``), so the agent's
CPU is never counted with the drivers'.  Both sides read the same table (``mibs``), v2c.
Cadence: Debian's snmp-ups 2.8.0 reads its agent only every ``pollfreq`` (30 s; its
2 s ``pollinterval`` wakes read nothing), upskit reads the status OIDs every
``pollinterval`` (2 s) and the rest every ``pollfreq`` (30 s).  So upskit runs twice:
with its defaults, and with ``pollinterval = 30`` (NUT's cadence: everything every
30 s).  The window (65 s) holds two of NUT's reads.  Measured per side:

* time from start until every card's status was read once (upskit: every UPS shows
  ``ups.status`` through its server; NUT: every driver has created its socket, which
  ``snmp-ups`` does after its first full read);
* RSS and PSS (summed over the NUT processes) and CPU over ``--window`` seconds of
  steady polling, as a share of one core, plus the agent's CPU meanwhile (when the agent
  saturates a core, it limits the figure and the row says so).

Rows print as Markdown for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import memory_kb
from tests.support import UPSKIT, cpu_seconds, free_port, nut_binary


def start_agent(mib: str, count: int, port: int) -> subprocess.Popen[str]:
    agent = subprocess.Popen(
        [*UPSKIT, "simulate", "snmp", mib, "--port", str(port), "--community", "bench",
         "--count", str(count)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert agent.stdout is not None
    first = agent.stdout.readline()
    if f":{port}" not in first:
        agent.kill()
        raise SystemExit(f"the simulated agent did not start: {first!r}")
    return agent


def sections(count: int, port: int, mib: str, pollinterval: float) -> str:
    out = [f"pollinterval = {pollinterval:g}"]
    for n in range(1, count + 1):
        out += [f"[card{n}]", "  driver = snmp-ups", f"  port = 127.0.0.1:{port}",
                f"  community = bench{n}", f"  mibs = {mib}", "  snmp_version = v2c"]
    return "\n".join(out) + "\n"


def window(pids: list[int], agent: int, seconds: float) -> tuple[float, float]:
    """(CPU of ``pids`` together, CPU of the agent) over ``seconds``, % of one core."""
    start = sum(cpu_seconds(p) for p in pids), cpu_seconds(agent)
    time.sleep(seconds)
    end = sum(cpu_seconds(p) for p in pids), cpu_seconds(agent)
    return 100 * (end[0] - start[0]) / seconds, 100 * (end[1] - start[1]) / seconds


def run_upskit(args: argparse.Namespace, agent_port: int, agent: int,
               pollinterval: float) -> str:
    from upskit.client.errors import NutError
    from upskit.client.sync import Client

    conf = Path(tempfile.mkdtemp(prefix="snmpbench-"))
    listen = free_port()
    (conf / "ups.conf").write_text(sections(args.count, agent_port, args.mib,
                                            pollinterval))
    (conf / "upsd.conf").write_text(f"LISTEN 127.0.0.1 {listen}\nMAXCONN 64\n")
    (conf / "upsd.users").write_text("")
    started = time.monotonic()
    proc = subprocess.Popen([*UPSKIT, "run", "--nut-config-dir", str(conf), "--no-monitor",
                             "--control-socket", str(conf / "control.sock")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        names = [f"card{n}" for n in range(1, args.count + 1)]
        pending = set(names)
        deadline = started + 600
        while pending and time.monotonic() < deadline:
            try:
                with Client("127.0.0.1", listen, timeout=10) as client:
                    for name in sorted(pending):
                        try:
                            if client.get_var(name, "ups.status"):
                                pending.discard(name)
                        except Exception:
                            continue
            except (OSError, NutError):
                pass
            if pending:
                time.sleep(0.5)
        first = time.monotonic() - started
        if pending:
            return f"| upskit, {args.count} cards | not all read in 600 s ({len(pending)} left) | | | |"
        time.sleep(5)
        cpu, agent_cpu = window([proc.pid], agent, args.window)
        rss, pss = memory_kb(proc.pid)
        return (f"| upskit run, one process, {args.count} cards, pollinterval "
                f"{pollinterval:g} | {first:.1f} | "
                f"{rss / 1024:.1f} / {pss / 1024:.1f} | {cpu:.1f} | {agent_cpu:.1f} |")
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(conf, ignore_errors=True)


def run_nut(args: argparse.Namespace, agent_port: int, agent: int) -> str:
    binary = nut_binary("snmp-ups")
    if binary is None:
        return "| NUT snmp-ups | not installed (Debian package nut-snmp) | | | |"
    count = args.nut_count
    conf = Path(tempfile.mkdtemp(prefix="snmpbench-nut-"))
    conf.chmod(0o755)
    (conf / "ups.conf").write_text(sections(count, agent_port, args.mib, 2))
    env = dict(os.environ, NUT_CONFPATH=str(conf), NUT_STATEPATH=str(conf))
    started = time.monotonic()
    procs = [subprocess.Popen([binary, "-a", f"card{n}", "-u", "root", "-F"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for n in range(1, count + 1)]
    try:
        deadline = started + 600
        while time.monotonic() < deadline:
            sockets = [p for p in conf.iterdir() if p.name.startswith("snmp-ups-card")]
            if len(sockets) >= count:
                break
            time.sleep(0.2)
        first = time.monotonic() - started
        alive = [p.pid for p in procs if p.poll() is None]
        time.sleep(5)
        cpu, agent_cpu = window(alive, agent, args.window)
        rss = pss = 0
        for pid in alive:
            r, p = memory_kb(pid)
            rss, pss = rss + r, pss + p
        return (f"| NUT snmp-ups, {len(alive)} processes, {count} cards | {first:.1f} | "
                f"{rss / 1024:.1f} / {pss / 1024:.1f} | {cpu:.1f} | {agent_cpu:.1f} |")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(conf, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="cards for upskit")
    parser.add_argument("--nut-count", type=int, default=100,
                        help="cards (and processes) for NUT's snmp-ups; 0 skips it")
    parser.add_argument("--window", type=float, default=65.0)
    parser.add_argument("--mib", default="ietf")
    parser.add_argument("--only", choices=("upskit", "nut"), default=None)
    args = parser.parse_args()
    print("| side | all cards read once after (s) | RSS / PSS (MiB) | CPU (% of one core) "
          "| agent CPU meanwhile (%) |")
    print("|---|---|---|---|---|")
    if args.only != "nut":
        for pollinterval in (2.0, 30.0):
            port = free_port()
            agent = start_agent(args.mib, args.count, port)
            try:
                print(run_upskit(args, port, agent.pid, pollinterval), flush=True)
            finally:
                agent.terminate()
                agent.wait(30)
    if args.only != "upskit" and args.nut_count:
        port = free_port()
        agent = start_agent(args.mib, args.nut_count, port)
        try:
            print(run_nut(args, port, agent.pid), flush=True)
        finally:
            agent.terminate()
            agent.wait(30)


if __name__ == "__main__":
    main()
