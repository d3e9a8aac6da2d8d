"""Serve N simulated Q* UPSes on N ptys from one process; print one pty path per line.

Runs until its standard input closes.  Usage: python bench/_ptyfarm.py N DIALECT [BAUD]
"""

from __future__ import annotations

import sys

from upskit.sim.device import SimDevice
from upskit.sim.pty import PtyServer


def main() -> None:
    count, dialect = int(sys.argv[1]), sys.argv[2]
    baud = int(sys.argv[3]) if len(sys.argv) > 3 else 2400
    servers = [PtyServer(SimDevice(dialect), baud=baud).start() for _ in range(count)]
    for server in servers:
        print(server.path, flush=True)
    sys.stdin.read()
    for server in servers:
        server.stop()


if __name__ == "__main__":
    main()
