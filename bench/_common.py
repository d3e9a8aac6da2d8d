"""Helpers only the benchmarks use: process memory, the process behind a port, a farm
of simulated UPSes on ptys.  The ones the tests share (free ports, waiting, CPU seconds,
NUT binaries) come from ``tests/support.py``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_pty_farm(count: int, dialect: str = "megatec",
                   baud: int = 2400) -> tuple[subprocess.Popen[str], list[str]]:
    """``bench/_ptyfarm.py``: ``count`` simulated UPSes on ptys in one child process
    (closing its standard input stops it); the child and the pty paths."""
    farm = subprocess.Popen([sys.executable, str(ROOT / "bench" / "_ptyfarm.py"), str(count),
                             dialect, str(baud)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert farm.stdout is not None
    return farm, [farm.stdout.readline().strip() for _ in range(count)]


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB, from /proc."""
    rss = pss = 0
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


def pid_listening(port: int) -> int | None:
    """The process that listens on TCP ``port`` (IPv4 or IPv6), found through /proc."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{inode}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None
