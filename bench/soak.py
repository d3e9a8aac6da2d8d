"""Soak: shutdown on time while hostile clients attack ``upskit run`` for minutes.

The story of tests/integration/test_soak.py, run longer: a simulated Megatec UPS on a
pty, ``upskit run`` (driver + server + in-process monitor), and against the same
process command flooders (500 tracked INSTCMD per connection, again and again),
clients that pipeline ``LIST VAR`` and never read, and slowloris connections.  After
``--minutes`` of that on line, mains go off and the battery runs low.  Reported: how
long after low battery SHUTDOWNCMD ran (FINALDELAY 5), the server's RSS before and at
its peak, the log size, and how many commands the flooders sent.

    python bench/soak.py [--minutes 5] [--flooders 2] [--pipeliners 40] [--slowloris 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.integration.test_soak import FINALDELAY, run_soak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--flooders", type=int, default=2)
    parser.add_argument("--pipeliners", type=int, default=40)
    parser.add_argument("--slowloris", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run_soak(Path(tmp), args.minutes * 60, args.flooders, args.pipeliners,
                          args.slowloris)
    minutes = args.minutes
    print(f"attack on line for {minutes:g} min with {result.connections} hostile connections")
    print(f"SHUTDOWNCMD {result.shutdown_after_low_battery:.2f} s after low battery "
          f"(FINALDELAY {FINALDELAY})")
    print(f"server RSS {result.rss_before_mb:.1f} MB before, {result.rss_peak_mb:.1f} MB peak")
    print(f"log {result.log_bytes} bytes ({result.log_bytes / max(minutes, 1e-9):.0f} per "
          f"minute of attack); {result.commands_sent} commands sent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
