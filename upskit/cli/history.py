"""``upskit history UPS [--since 2h] [--step 5m] [--json|--csv]``: a UPS's recorded samples.

Reads the history database the HTTP service (or ``[history]``) records; works while
``upskit run`` is running, and after it stopped.
"""

from __future__ import annotations

import argparse

HELP = "print a UPS's recorded charge, runtime, load and voltages"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.historyopts import add_common, since

    parser.add_argument("ups", metavar="UPS", help="the UPS's name")
    parser.add_argument("--step", type=since, default=0.0, metavar="AGE",
                        help="average over steps of this length (default: every sample)")
    add_common(parser, "2h")


def run(args: argparse.Namespace) -> int:
    import time

    from upskit.cli.historyopts import open_store, show
    from upskit.exporters.history import SAMPLE_VARIABLES

    store = open_store(args)
    if store is None:
        return 1
    try:
        samples = store.samples(args.ups, time.time() - args.since, step=args.step)
    finally:
        store.close()
    columns = ["t", "status", *SAMPLE_VARIABLES]
    rows = [s.as_dict() for s in samples]
    if args.json:
        for row in rows:
            del row["ups"]
    show(rows, columns, args, "samples")
    return 0
