"""``upskit events [UPS] [--since 1d] [--json|--csv]``: the event log (status changes,
lost and regained communication, FSD, commands run over HTTP, notifications)."""

from __future__ import annotations

import argparse

HELP = "print the event log: status changes, lost communication, FSD, commands"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from upskit.cli.historyopts import add_common

    parser.add_argument("ups", metavar="UPS", nargs="?", help="only this UPS's events")
    parser.add_argument("--limit", type=int, default=1000, metavar="N",
                        help="at most the N newest events (default 1000)")
    add_common(parser, "1d")


def run(args: argparse.Namespace) -> int:
    import time

    from upskit.cli.historyopts import open_store, show

    store = open_store(args)
    if store is None:
        return 1
    try:
        entries = store.events(args.ups, time.time() - args.since, max(0, args.limit))
    finally:
        store.close()
    show([e.as_dict() for e in entries], ["t", "ups", "kind", "text"], args, "events")
    return 0
